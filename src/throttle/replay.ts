/**
 * Replay: the recorded send times of a run pushed through a LimitModel, one request at a time,
 * in send order, to predict what the gateway should have answered (design.md "Throttle model").
 * Requests that got no HTTP response (network errors, unfinished) are skipped: whether they ever
 * reached the gateway is unknown, and the comparison leaves them out as well.
 */
import type { RequestIdentity, SendLog } from '../record/send-log.ts';
import type { RouteKey } from '../routing/route-key.ts';
import type { LimitModel, RequestKey } from './model.ts';

/** Per-request prediction codes (Prediction.code). */
export const PREDICTED = { SKIPPED: 0, ACCEPTED: 1, THROTTLED: 2, QUOTA: 3, FORBIDDEN: 4 } as const;
export type PredictedCode = (typeof PREDICTED)[keyof typeof PREDICTED];

/** What the model predicts for each row of a SendLog. */
export interface Prediction {
  /** PREDICTED code per SendLog row; SKIPPED for rows with no HTTP response. */
  readonly code: Uint8Array;
  /** Rows predicted accepted (any answer but a throttle or quota 429). */
  readonly accepted: number;
  /** Rows predicted to get a throttle or quota 429. */
  readonly throttled: number;
  /** Send time (ms since run start) of the first predicted throttle or quota 429; null if none. */
  readonly firstThrottledMs: number | null;
}

/** A LimitModel that can also map a request to its route (ApiGatewayModel is one). */
export type RoutingModel = LimitModel & { routeFor(method: string, path: string): RouteKey | undefined };

/**
 * Predicts every answered row of `log` with `model`, which it advances (pass a fresh model).
 * O(n): the route of each scenario request is resolved once.
 */
export function replay(log: SendLog, requests: readonly RequestIdentity[], model: RoutingModel): Prediction {
  const keys: RequestKey[] = requests.map((r) => ({ routeKey: model.routeFor(r.method, r.path)?.key, method: r.method.toUpperCase(), apiKey: r.apiKey }));
  const fallback: RequestKey = { routeKey: undefined, method: 'GET' };
  const code = new Uint8Array(log.count);
  let accepted = 0;
  let throttled = 0;
  let firstThrottledMs: number | null = null;
  for (let i = 0; i < log.count; i++) {
    if (log.status[i] === 0) continue;
    const verdict = model.admit(keys[log.requestIndex[i]] ?? fallback, log.sentMs[i]);
    if (verdict.admitted) {
      code[i] = PREDICTED.ACCEPTED;
      accepted++;
    } else if (verdict.kind === 'forbidden') {
      code[i] = PREDICTED.FORBIDDEN;
      accepted++;
    } else {
      code[i] = verdict.kind === 'quota' ? PREDICTED.QUOTA : PREDICTED.THROTTLED;
      throttled++;
      firstThrottledMs ??= log.sentMs[i];
    }
  }
  return { code, accepted, throttled, firstThrottledMs };
}
