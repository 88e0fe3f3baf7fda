/**
 * ListMetrics against a MetricStore: Namespace, MetricName and Dimensions filters (a filter
 * without Value matches any value of that dimension), RecentlyActive "PT3H", and NextToken
 * paging in pages of the store's `listMetricsPageSize` (500 on AWS).
 */
import { invalidParameter } from './api-error.ts';
import type { MetricStore } from './store.ts';
import { decodeToken, dimensions, encodeToken, fingerprintOf, optList, optString, type Members } from './wire.ts';

const THREE_HOURS_MS = 3 * 3600_000;

/** Answers one ListMetrics request (decoded members). */
export function listMetrics(store: MetricStore, body: Members): Record<string, unknown> {
  const namespace = optString(body, 'Namespace', '');
  const metricName = optString(body, 'MetricName', '');
  const filters = dimensions(optList(body, 'Dimensions', ''), 'Dimensions', true);
  const recentlyActive = optString(body, 'RecentlyActive', '');
  if (recentlyActive !== undefined && recentlyActive !== 'PT3H') {
    throw invalidParameter(`The value ${JSON.stringify(recentlyActive)} for parameter RecentlyActive is not valid (expected PT3H).`);
  }
  const fingerprint = fingerprintOf(body);
  const from = decodeToken(optString(body, 'NextToken', ''), fingerprint);

  const all = namespace !== undefined && namespace !== store.namespace
    ? []
    : store.metrics(recentlyActive ? store.nowWallMs() - THREE_HOURS_MS : undefined).filter((m) =>
      (metricName === undefined || m.MetricName === metricName)
      && filters.every((f) => m.Dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))));
  const to = from + store.listMetricsPageSize;
  const page = all.slice(from, to).map((m) => ({ Namespace: store.namespace, MetricName: m.MetricName, Dimensions: m.Dimensions }));
  const out: Record<string, unknown> = { Metrics: page };
  if (all.length > to) out.NextToken = encodeToken(to, fingerprint);
  return out;
}
