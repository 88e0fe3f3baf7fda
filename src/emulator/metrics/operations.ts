/**
 * The CloudWatch operations the emulator serves, by name. Each takes decoded members (PascalCase
 * keys, `Date` or epoch-second or ISO timestamps) and returns members with `Date` timestamps;
 * the protocols (protocols/) turn those into bytes.
 */
import { getMetricData } from './get-metric-data.ts';
import { getMetricStatistics } from './get-metric-statistics.ts';
import { listMetrics } from './list-metrics.ts';
import type { MetricStore } from './store.ts';
import type { Members } from './wire.ts';

/** One operation: a store and decoded input in, output members out; throws CloudWatchApiError. */
export type Operation = (store: MetricStore, input: Members) => Record<string, unknown>;

export const OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze({
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
});

/** The operation called `name`, or undefined. */
export function operationOf(name: string): Operation | undefined {
  return Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
}
