/**
 * Per-route gates (`latency.p99{route:"GET /orders"} < 300ms`): the metrics the recorder keeps
 * for each route, and the run as one route sees it, so every such gate is computed by the same
 * metric definitions as the whole run's (gates/metrics.ts), whole-run and per window.
 *
 * A route is a request's `name` (by default `METHOD /path`); requests sharing a name are one
 * route. Dropped arrivals belong to no route (the request is picked when it is sent), so a
 * route's rates are shares of the requests sent on it.
 */
import { UsageError } from '../errors.ts';
import type { RouteStats, RunResult } from '../result/schema.ts';
import type { Gate } from './parse.ts';

/** What a route records: its latency histogram and seconds, its statuses, its network errors. */
const PER_ROUTE = /^(latency\.[a-z0-9]+|requests\.(sent|completed)|requests\.failed\.(count|rate)|(errors|status429|status4xx|status5xx|ok)\.(count|rate)|status\.[1-5](\d\d|xx)\.(count|rate))$/;

/** The per-route metric names, as docs/gates.md lists them. */
export const PER_ROUTE_METRICS = 'latency.* (any percentile, max, mean), requests.sent, requests.completed, requests.failed.*, errors.*, ok.*, status429.*, status4xx.*, status5xx.*, status.NNN.* and status.Nxx.*';

/** Whether a metric can be narrowed to one route. */
export function perRouteMetric(name: string): boolean {
  return PER_ROUTE.test(name);
}

/** `latency.p99{route:"GET /orders"}`: how a gate's metric is named in verdicts. */
export function metricLabel(gate: Pick<Gate, 'metric' | 'route'>): string {
  return gate.route === undefined ? gate.metric : `${gate.metric}{route:${JSON.stringify(gate.route)}}`;
}

/**
 * The run as one route saw it: its requests as the totals (scheduled = sent, nothing dropped),
 * its latency and seconds. Only the PER_ROUTE metrics may read it; the other sections are the
 * whole run's and say nothing about the route.
 */
export function routeView(result: RunResult, route: RouteStats): RunResult {
  const completed = Object.values(route.byStatus).reduce((a, b) => a + b, 0);
  return {
    ...result,
    totals: {
      ...result.totals,
      scheduled: route.sent, sent: route.sent, dropped: 0, completed, errors: route.errors, byStatus: route.byStatus,
      unfinished: Math.max(0, route.sent - completed - route.errors),
    },
    latencyMs: route.latencyMs,
    histograms: { ...result.histograms, latencyUs: route.latencyUs ?? '' },
    timeline: route.timeline ?? [],
    throttle: undefined,
  };
}

/**
 * Refuses (exit 2, before any traffic) a gate that names a route the scenario does not have: a
 * typo must not pass as a gate over no requests.
 */
export function checkGateRoutes(gates: readonly Gate[], routes: readonly string[]): void {
  for (const gate of gates) {
    if (gate.route === undefined || routes.includes(gate.route)) continue;
    const near = routes.find((r) => r.toLowerCase() === gate.route!.toLowerCase() || r.replace(/\s+/g, ' ').trim() === gate.route!.replace(/\s+/g, ' ').trim());
    const known = routes.map((r) => JSON.stringify(r)).join(', ');
    const prefix = gate.from ? `${gate.from}: ` : '';
    throw new UsageError(`${prefix}gate ${JSON.stringify(gate.source)}: route ${JSON.stringify(gate.route)} is not a request of this scenario (${near ? `did you mean ${JSON.stringify(near)}? ` : ''}its routes: ${known})`, { field: 'route' });
  }
}
