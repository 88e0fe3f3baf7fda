/**
 * GetMetricStatistics against a MetricStore: one metric (Namespace, MetricName, the exact
 * Dimensions set), StartTime inclusive and EndTime exclusive, Period a multiple of 60, up to 5
 * Statistics or up to 10 ExtendedStatistics (pNN), at most 1,440 datapoints a call, each
 * stamped with its period's start. A Unit other than the metric's own selects nothing, as on AWS.
 */
import { invalidCombination, invalidParameter } from './api-error.ts';
import { filterOf, METRIC_UNITS, metricsOf } from './catalog.ts';
import { parseStatistic, type Statistic } from './distribution.ts';
import type { MetricStore } from './store.ts';
import { dimensions, fullDimensions, optInteger, optList, optString, required, timestampMs, type Members } from './wire.ts';

const MAX_DATAPOINTS = 1440;
const NAMED = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

/** Answers one GetMetricStatistics request (decoded members). */
export function getMetricStatistics(store: MetricStore, body: Members): Record<string, unknown> {
  const namespace = required(body, 'Namespace', '');
  const name = required(body, 'MetricName', '');
  if (typeof name !== 'string') throw invalidParameter('The parameter MetricName must be a string.');
  const dims = fullDimensions(dimensions(optList(body, 'Dimensions', ''), 'Dimensions', false));
  const startMs = timestampMs(body, 'StartTime');
  const endMs = timestampMs(body, 'EndTime');
  if (endMs <= startMs) throw invalidParameter('The parameter StartTime must be less than the parameter EndTime.');
  const periodS = optInteger(body, 'Period', '', 1, 86_400 * 455) ?? (required(body, 'Period', '') as never);
  if (periodS % 60 !== 0) {
    throw invalidParameter(`The value ${periodS} for parameter Period is not valid: API Gateway metrics have one-minute resolution, so Period must be a multiple of 60.`);
  }
  const stats = statisticsOf(body);
  const requested = Math.ceil((endMs - Math.floor(startMs / 60_000) * 60_000) / (periodS * 1000));
  if (requested > MAX_DATAPOINTS) {
    throw invalidCombination(`You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const unit = optString(body, 'Unit', '');

  const table = metricsOf(store.api.type);
  const field = namespace === store.namespace && Object.hasOwn(table, name) ? table[name] : undefined;
  const filter = field ? filterOf(store.api, store.detailedMetrics, dims) : undefined;
  const byTime = new Map<number, Record<string, unknown>>();
  if (field && filter && (unit === undefined || unit === METRIC_UNITS[field])) {
    for (const { label, stat, extended } of stats) {
      for (const p of store.series(field, filter, stat, startMs, endMs, periodS * 1000)) {
        let point = byTime.get(p.atWallMs);
        if (!point) byTime.set(p.atWallMs, (point = { Timestamp: new Date(p.atWallMs), Unit: METRIC_UNITS[field] }));
        if (extended) point.ExtendedStatistics = { ...(point.ExtendedStatistics as object | undefined), [label]: p.value };
        else point[label] = p.value;
      }
    }
  }
  const Datapoints = [...byTime.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
  return { Label: name, Datapoints };
}

function statisticsOf(body: Members): { label: string; stat: Statistic; extended: boolean }[] {
  const named = optList(body, 'Statistics', '');
  const extended = optList(body, 'ExtendedStatistics', '');
  if ((named.length === 0) === (extended.length === 0)) {
    throw invalidCombination('Must specify either Statistics or ExtendedStatistics, but not both.');
  }
  if (named.length > 5) throw invalidParameter('The collection Statistics must not have more than 5 members.');
  if (extended.length > 10) throw invalidParameter('The collection ExtendedStatistics must not have more than 10 members.');
  const out = named.map((s, i) => {
    if (typeof s !== 'string' || !NAMED.includes(s)) {
      throw invalidParameter(`The value ${JSON.stringify(s)} at 'statistics.${i + 1}' is not valid (expected one of ${NAMED.join(', ')}).`);
    }
    return { label: s, stat: parseStatistic(s)!, extended: false };
  });
  for (const [i, s] of extended.entries()) {
    const stat = typeof s === 'string' ? parseStatistic(s) : undefined;
    if (!stat || stat.kind !== 'percentile') {
      throw invalidParameter(`The value ${JSON.stringify(s)} for parameter ExtendedStatistics.member.${i + 1} is not valid (expected a percentile such as p99 or p99.9).`);
    }
    out.push({ label: s as string, stat, extended: true });
  }
  return out;
}
