/**
 * Replay: the recorded send times of a run pushed through a LimitModel, one request at a time,
 * in send order, to predict what the gateway should have answered (docs/architecture.md "Throttle model").
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
 * O(n): the route of each scenario request is resolved once. The model decides each request at
 * its estimated decision time (`decidedMs`: analyse.ts passes decision-delay.ts's estimate;
 * @default decisionTimesMs, the latest each can have been decided), not at its send time.
 */
export function replay(log: SendLog, requests: readonly RequestIdentity[], model: RoutingModel, decidedMs: Float64Array = decisionTimesMs(log)): Prediction {
  // Frozen: the model caches each one's buckets by identity (model.ts).
  const keys: RequestKey[] = requests.map((r) => Object.freeze({ routeKey: model.routeFor(r.method, r.path)?.key, method: r.method.toUpperCase(), apiKey: r.keyId }));
  const fallback: RequestKey = Object.freeze({ routeKey: undefined, method: 'GET' });
  const code = new Uint8Array(log.count);
  let accepted = 0;
  let throttled = 0;
  let firstThrottledMs: number | null = null;
  const { status, requestIndex, sentMs } = log;
  for (let i = 0; i < log.count; i++) {
    if (status[i] === 0) continue;
    const verdict = model.admit(keys[requestIndex[i]] ?? fallback, decidedMs[i]);
    if (verdict.admitted) {
      code[i] = PREDICTED.ACCEPTED;
      accepted++;
    } else if (verdict.kind === 'forbidden') {
      code[i] = PREDICTED.FORBIDDEN;
      accepted++;
    } else {
      code[i] = verdict.kind === 'quota' ? PREDICTED.QUOTA : PREDICTED.THROTTLED;
      throttled++;
      firstThrottledMs ??= sentMs[i];
    }
  }
  return { code, accepted, throttled, firstThrottledMs };
}

/**
 * When the gateway decided each request, as well as the client can tell. The gateway decides on
 * its own receive time, which lies between the send and the response; in a large instant burst
 * it is much later than the send (one emulator process reads 400 requests in ~75 ms, and its
 * bucket refills meanwhile). A gateway that takes requests in arrival order decides request i
 * no later than any later request's response, so
 *
 *   decided(i) = max( sent(i), decided(i-1), min over j >= i of end(j) )
 *
 *   sent:     ||||||||                          (a burst, sent in 5 ms)
 *   ends:                 |  | | ||| |||| ||     (responses, 30-100 ms later)
 *   decided:  ^^^^^^^^^^^ clamped up to the earliest later response, then following the ends
 *
 * Outside bursts the next response comes within a round trip (plus the integration's latency
 * for admitted requests), so decisions stay close to the sends. Rows with no response are
 * skipped as bounds. Measured on the emulator: 1000 rps / burst 200 with a 405-request burst,
 * agreement 98.8% replayed on send times, 99.9% on these.
 */
export function decisionTimesMs(log: SendLog): Float64Array {
  const decided = latestDecisionMs(log.sentMs, log.endMs, (i) => log.status[i] !== 0, log.count);
  for (let i = 1; i < log.count; i++) if (decided[i] < decided[i - 1]) decided[i] = decided[i - 1];
  return decided;
}

/**
 * The latest time the gateway can have decided each request: before its own answer, and (taking
 * requests in arrival order) before any later request's answer: min over j >= i of end(j).
 * Outside instant bursts a throttled answer comes back within a round trip, so the window is
 * small; inside one it spans the gateway's time to read the burst.
 */
export function latestDecisionMs(sentMs: ArrayLike<number>, endMs: ArrayLike<number>, answered: (i: number) => boolean, count: number): Float64Array {
  const latest = new Float64Array(count);
  let earliestLaterEnd = Infinity;
  for (let i = count - 1; i >= 0; i--) {
    if (answered(i) && endMs[i] < earliestLaterEnd) earliestLaterEnd = endMs[i];
    latest[i] = Math.max(sentMs[i], earliestLaterEnd === Infinity ? sentMs[i] : earliestLaterEnd);
  }
  return latest;
}
