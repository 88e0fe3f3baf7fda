/**
 * The run's requests grouped by the declared bucket that binds them (layers.ts): the lowest
 * rate on their path, narrowest layer first on a tie. Requests of one group share that bucket's
 * tokens, so each group is judged on its own traffic (verdict.ts) and a slow route or a
 * usage-plan key is never judged against the stage default.
 */
import type { RequestIdentity, SendLog } from '../record/send-log.ts';
import { layersFor, type LayerBucket, type RequestKey } from './layers.ts';
import type { Limits } from '../core/limits.ts';
import type { ApiGatewayModel } from './model.ts';

export interface BucketGroup {
  readonly binding: LayerBucket;
  /** The lowest burst on the path (the burst-binding layer may differ from the rate-binding one). */
  readonly burst: number;
  /** Whether one layer binds both rate and burst: then the group behaves as that one bucket. */
  readonly single: boolean;
  /** Route keys (with key ids) whose requests are in the group. */
  readonly routes: readonly string[];
  /** Send-log rows of the group, in send order. */
  readonly rows: Uint32Array;
  /** The request key of its first request (for the probe and the reports). */
  readonly key: RequestKey;
}

/** What replay and grouping need of each scenario request: its route and key. */
export function requestKeysOf(requests: readonly RequestIdentity[], model: ApiGatewayModel): RequestKey[] {
  return requests.map((r) => ({ routeKey: model.routeFor(r.method, r.path.split('?')[0])?.key, method: r.method.toUpperCase(), apiKey: r.keyId }));
}

/** The binding bucket of one request key (null when the request is refused for its key: 403). */
export function bindingOf(limits: Limits, stage: string | undefined, key: RequestKey): { binding: LayerBucket; burst: number; single: boolean } | null {
  const layers = layersFor(limits, stage, key);
  if (layers.forbidden) return null;
  const binding = layers.buckets.reduce((a, b) => (b.spec.rateRps < a.spec.rateRps ? b : a));
  const burst = Math.min(...layers.buckets.map((b) => b.spec.burst));
  return { binding, burst, single: binding.spec.burst === burst };
}

/** Groups the answered rows of `log` by binding bucket, largest group first. */
export function groupByBinding(log: SendLog, keys: readonly RequestKey[], limits: Limits, stage: string | undefined): BucketGroup[] {
  const byRequest = keys.map((k) => bindingOf(limits, stage, k));
  const groupIds = byRequest.map((b) => b?.binding.bucketId ?? null);
  const sizes = new Map<string, number>();
  for (let i = 0; i < log.count; i++) {
    const id = groupIds[log.requestIndex[i]];
    if (id != null && log.status[i] !== 0) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  }
  const groups: BucketGroup[] = [];
  for (const [id, size] of sizes) {
    const rows = new Uint32Array(size);
    let n = 0;
    for (let i = 0; i < log.count; i++) if (log.status[i] !== 0 && groupIds[log.requestIndex[i]] === id) rows[n++] = i;
    const members = keys.map((k, i) => ({ k, i })).filter(({ i }) => groupIds[i] === id);
    const first = byRequest[members[0].i]!;
    const routes = [...new Set(members.map(({ k }) => `${k.routeKey ?? `${k.method} (no route)`}${k.apiKey ? ` with key ${k.apiKey}` : ''}`))];
    groups.push({ binding: first.binding, burst: Math.min(...members.map(({ i }) => byRequest[i]!.burst)), single: members.every(({ i }) => byRequest[i]!.single), routes, rows, key: members[0].k });
  }
  return groups.sort((a, b) => b.rows.length - a.rows.length);
}
