/**
 * The gate metrics: every name a gate may use, the result.json path it reads, its unit, and how
 * it is computed over a window of timeline rows. docs/gates.md prints this table; keep them in
 * step (test/gates/metrics.test.ts checks that every name here appears there).
 *
 * Rates are shares of requests sent (dropped.rate and schedule.achieved: of arrivals scheduled).
 */
import type { RunResult, TimelineRow } from '../result/schema.ts';
import { histogramFigure, mergeWindowHistogram } from './window-histogram.ts';
import { decodeHistogram } from '../record/histograms.ts';
import { allRequestsPercentileMs } from '../record/all-requests.ts';

/** How a metric's value is written and compared. */
export type MetricKind =
  /** milliseconds; a gate may write ms, s, us/µs or m (a bare number is ms) */
  | 'ms'
  /** a share 0..1; a gate may write `1%` or `0.01` */
  | 'ratio'
  /** a plain number (requests, tokens) */
  | 'count'
  /** requests per second; a gate may write `rps` */
  | 'rps'
  /** one of a few words (`pass`, `fail`); only `==` and `!=` */
  | 'enum';

/** What early abort may assume about a metric as a run goes on (see evaluate.ts abortCheck). */
export type Growth =
  /** A count that only grows: once past a `<`/`<=`/`==` threshold it stays past. */
  | 'count'
  /** count / sent where the count only grows: the budget is threshold x planned requests. */
  | 'rate'
  /** A maximum: it only grows. */
  | 'max';

/** The timeline rows of one window, and what the throttle replay predicted for those seconds. */
export interface WindowData {
  readonly rows: readonly TimelineRow[];
  /** Per second: requests the model would have accepted (present when limits were declared). */
  readonly predictedAccepted: ReadonlyMap<number, number> | undefined;
  readonly observedAccepted: ReadonlyMap<number, number> | undefined;
}

/** One gate metric. */
export interface MetricDef {
  readonly name: string;
  readonly kind: MetricKind;
  /** The result.json path (or formula) it reads, for the docs table. */
  readonly reads: string;
  /** Allowed words of an enum metric. */
  readonly words?: readonly string[];
  /** The whole-run value; null when the run has no such data (the reason is `missing`). */
  readonly read: (result: RunResult) => number | string | null;
  /** The value over a window of seconds; absent when the timeline cannot give it. */
  readonly window?: (data: WindowData) => number | null;
  /** For a rate: the numerator over rows (early abort budget). For a count: the count. */
  readonly grows?: { readonly kind: Growth; readonly over: (rows: readonly TimelineRow[]) => number };
  /** Why read() is null, for the verdict's reason. */
  readonly missing?: string;
}

type RowKey = 'scheduled' | 'sent' | 'dropped' | 'ok' | 'throttled' | 'status429Other' | 'clientErrors' | 'serverErrors' | 'errors';

function sum(rows: readonly TimelineRow[], key: RowKey): number {
  let total = 0;
  for (const row of rows) total += row[key];
  return total;
}

function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function statusRange(result: RunResult, lo: number, hi: number, except?: number): number {
  let total = 0;
  for (const [code, n] of Object.entries(result.totals.byStatus)) {
    const c = Number(code);
    if (c >= lo && c <= hi && c !== except) total += n;
  }
  return total;
}

/**
 * 429s the model did not predict: observed - predicted throttled, floored at 0, when limits were
 * declared; every 429 when none were (docs/architecture.md "Gates").
 */
export function unexpected429s(result: RunResult): number {
  const t = result.throttle;
  if (t === undefined) return result.totals.byStatus['429'] ?? 0;
  return Math.max(0, t.observed.throttled - t.predicted.throttled);
}

function unexpectedInWindow(data: WindowData): number {
  if (data.predictedAccepted === undefined || data.observedAccepted === undefined) {
    return sum(data.rows, 'throttled') + sum(data.rows, 'status429Other');
  }
  // Per second, predicted throttled = compared - predictedAccepted, so the excess of observed
  // throttled over predicted is predictedAccepted - observedAccepted summed over the window.
  let predicted = 0;
  let observed = 0;
  for (const row of data.rows) {
    predicted += data.predictedAccepted.get(row.second) ?? 0;
    observed += data.observedAccepted.get(row.second) ?? 0;
  }
  return Math.max(0, predicted - observed);
}

function countAndRate(base: string, reads: string, whole: (r: RunResult) => number, rows?: (rs: readonly TimelineRow[]) => number, den: 'sent' | 'scheduled' = 'sent'): MetricDef[] {
  const denOf = (r: RunResult) => (den === 'sent' ? r.totals.sent : r.totals.scheduled);
  return [
    { name: `${base}.count`, kind: 'count', reads, read: whole, grows: rows && { kind: 'count', over: rows },
      window: rows && ((d) => rows(d.rows)) },
    { name: `${base}.rate`, kind: 'ratio', reads: `${reads} / totals.${den}`, read: (r) => share(whole(r), denOf(r)),
      missing: `no requests ${den}`, grows: rows && { kind: 'rate', over: rows },
      window: rows && ((d) => share(rows(d.rows), sum(d.rows, den))) },
  ];
}

const PERCENTILES = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
type Figure = (typeof PERCENTILES)[number];
const FAMILIES = {
  latency: { field: 'latencyMs', histogram: 'latencyUs' },
  serviceTime: { field: 'serviceTimeMs', histogram: 'serviceTimeUs' },
  sendLag: { field: 'schedule.sendLagMs', histogram: 'sendLagUs' },
} as const;
type Family = keyof typeof FAMILIES;

/** `p95` -> 95, `p999` -> 99.9, `p9999` -> 99.99 (the usual percentile shorthand). */
function percentOf(label: string): number | undefined {
  const m = /^p(\d{1,6})$/.exec(label);
  if (!m) return undefined;
  const digits = m[1];
  // p999 = 99.9 and p975 = 97.5, but p100 is not p10.0: longer forms start with 9.
  if (digits.length > 2 && digits[0] !== '9') return undefined;
  const pct = digits.length <= 2 ? Number(digits) : Number(`${digits.slice(0, 2)}.${digits.slice(2)}`);
  return pct > 0 && pct < 100 ? pct : undefined;
}

function figureOf(label: string): number | 'max' | 'mean' | undefined {
  return label === 'max' || label === 'mean' ? label : percentOf(label);
}

const STORED: Readonly<Record<Family, readonly string[]>> = { latency: PERCENTILES, serviceTime: PERCENTILES, sendLag: ['p50', 'p99', 'max'] };

/** A whole-run figure in ms: the stored field when there is one, else read exactly from the histogram. */
function wholeRun(result: RunResult, family: Family, label: string, figure: number | 'max' | 'mean'): number | null {
  if (family !== 'sendLag') {
    const p = family === 'latency' ? result.latencyMs : result.serviceTimeMs;
    if (p.count === 0) return null;
    if (STORED[family].includes(label)) return p[label as Figure];
  } else if (STORED.sendLag.includes(label)) {
    return result.schedule.sendLagMs[label as 'p50' | 'p99' | 'max'];
  }
  return histogramFigure(result.histograms[FAMILIES[family].histogram], figure);
}

/** A latency figure; `latency.*` can also be gated per window from the timeline's histograms. */
function percentileMetric(family: Family, label: string): MetricDef | undefined {
  const figure = figureOf(label);
  if (figure === undefined) return undefined;
  const { field, histogram } = FAMILIES[family];
  return {
    name: `${family}.${label}`, kind: 'ms', missing: 'no responses',
    reads: STORED[family].includes(label) ? `${field}.${label}` : `histograms.${histogram} (exact)`,
    read: (r) => wholeRun(r, family, label, figure),
    window: family === 'latency' ? (d) => mergeWindowHistogram(d.rows, figure) : undefined,
    grows: family === 'latency' && figure === 'max' ? { kind: 'max', over: (rows) => mergeWindowHistogram(rows, 'max') ?? 0 } : undefined,
  };
}

function latencyMetrics(): MetricDef[] {
  const out: MetricDef[] = [];
  for (const family of ['latency', 'serviceTime'] as const) for (const p of PERCENTILES) out.push(percentileMetric(family, p)!);
  for (const p of ['p50', 'p99', 'max']) out.push(percentileMetric('sendLag', p)!);
  return out;
}

/**
 * `latencyAll.pNN` over every scheduled arrival (record/all-requests.ts): failures count at their
 * time, dropped and unanswered arrivals beyond every value, so the figure is null (the gate fails)
 * when more than 100 - NN % of arrivals never got an outcome.
 */
function allRequestsMetric(label: string): MetricDef | undefined {
  const pct = label === 'max' ? 100 : percentOf(label);
  if (pct === undefined) return undefined;
  return {
    name: `latencyAll.${label}`, kind: 'ms',
    reads: 'histograms.latencyAllUs with totals.dropped + totals.unfinished as never answered',
    missing: `no outcome at ${label}: more than ${+(100 - pct).toFixed(3)}% of arrivals were dropped or never answered`,
    read: (r) => {
      const encoded = r.histograms.latencyAllUs;
      if (encoded === undefined) return null;
      return allRequestsPercentileMs(decodeHistogram(encoded, 'histograms.latencyAllUs'), r.totals.dropped + r.totals.unfinished, pct);
    },
  };
}

/** Arrivals without a successful answer, k6's http_req_failed over every arrival scheduled. */
function failedCount(r: RunResult): number {
  return Math.max(0, r.totals.scheduled - statusRange(r, 200, 399));
}

function unansweredCount(r: RunResult): number {
  return r.totals.dropped + r.totals.errors + r.totals.unfinished;
}

function allRequestsMetrics(): MetricDef[] {
  return [
    ...['p50', 'p90', 'p99', 'p999', 'max'].map((l) => allRequestsMetric(l)!),
    ...countAndRate('requests.failed', 'totals.scheduled - totals.byStatus 200-399 (dropped, no response, unfinished, 4xx, 5xx)', failedCount, undefined, 'scheduled'),
    ...countAndRate('requests.unanswered', 'totals.dropped + totals.errors + totals.unfinished', unansweredCount, undefined, 'scheduled'),
  ];
}

function statusMetrics(): MetricDef[] {
  const by = (key: 'throttle' | 'quota' | 'other') => (r: RunResult) => r.totals.status429ByOrigin[key];
  return [
    ...countAndRate('errors', 'totals.errors', (r) => r.totals.errors, (rows) => sum(rows, 'errors')),
    ...countAndRate('dropped', 'totals.dropped', (r) => r.totals.dropped, (rows) => sum(rows, 'dropped'), 'scheduled'),
    ...countAndRate('status429', "totals.byStatus['429']", (r) => r.totals.byStatus['429'] ?? 0, (rows) => sum(rows, 'throttled') + sum(rows, 'status429Other')),
    ...countAndRate('status429.throttle', 'totals.status429ByOrigin.throttle', by('throttle')),
    ...countAndRate('status429.quota', 'totals.status429ByOrigin.quota', by('quota')),
    ...countAndRate('status429.other', 'totals.status429ByOrigin.other', by('other'), (rows) => sum(rows, 'status429Other')),
    ...countAndRate('status4xx', 'totals.byStatus 400-499 except 429', (r) => statusRange(r, 400, 499, 429), (rows) => sum(rows, 'clientErrors')),
    ...countAndRate('status5xx', 'totals.byStatus 500-599', (r) => statusRange(r, 500, 599), (rows) => sum(rows, 'serverErrors')),
    ...countAndRate('ok', 'totals.byStatus 200-399', (r) => statusRange(r, 200, 399), (rows) => sum(rows, 'ok')),
  ];
}

function unexpectedMetrics(): MetricDef[] {
  const reads = 'throttle.observed.throttled - throttle.predicted.throttled (>= 0); every 429 without limits';
  // Early abort may use `grows` only when no limits were declared: then every 429 is unexpected.
  const all429 = (rows: readonly TimelineRow[]) => sum(rows, 'throttled') + sum(rows, 'status429Other');
  return [
    { name: 'status429.unexpected.count', kind: 'count', reads, read: unexpected429s, window: unexpectedInWindow, grows: { kind: 'count', over: all429 } },
    { name: 'status429.unexpected.rate', kind: 'ratio', reads: `(${reads}) / totals.sent`, read: (r) => share(unexpected429s(r), r.totals.sent),
      missing: 'no requests sent', window: (d) => share(unexpectedInWindow(d), sum(d.rows, 'sent')), grows: { kind: 'rate', over: all429 } },
  ];
}

function otherMetrics(): MetricDef[] {
  const noLimits = 'no limits declared (no throttle section)';
  const errorKinds = ['refused', 'reset', 'timeout', 'dns', 'tls', 'other'] as const;
  return [
    { name: 'requests.scheduled', kind: 'count', reads: 'totals.scheduled', read: (r) => r.totals.scheduled, window: (d) => sum(d.rows, 'scheduled') },
    { name: 'requests.sent', kind: 'count', reads: 'totals.sent', read: (r) => r.totals.sent, window: (d) => sum(d.rows, 'sent') },
    { name: 'requests.completed', kind: 'count', reads: 'totals.completed', read: (r) => r.totals.completed },
    ...errorKinds.map((k): MetricDef => ({ name: `errors.${k}.count`, kind: 'count', reads: `totals.errorsByKind.${k}`, read: (r) => r.totals.errorsByKind[k] })),
    { name: 'schedule.achieved', kind: 'ratio', reads: 'schedule.achievedRps / schedule.targetRps', missing: 'nothing was scheduled',
      read: (r) => share(r.schedule.achievedRps, r.schedule.targetRps), window: (d) => share(sum(d.rows, 'sent'), sum(d.rows, 'scheduled')) },
    { name: 'schedule.achievedRps', kind: 'rps', reads: 'schedule.achievedRps', read: (r) => r.schedule.achievedRps,
      window: (d) => (d.rows.length > 0 ? sum(d.rows, 'sent') / d.rows.length : null) },
    { name: 'schedule.targetRps', kind: 'rps', reads: 'schedule.targetRps', read: (r) => r.schedule.targetRps },
    { name: 'throttle.verdict', kind: 'enum', words: ['pass', 'fail', 'inconclusive', 'not-exercised', 'no-response'], reads: 'throttle.verdict', missing: noLimits, read: (r) => r.throttle?.verdict ?? null },
    { name: 'throttle.agreement', kind: 'ratio', reads: 'throttle.agreement', missing: noLimits, read: (r) => r.throttle?.agreement ?? null },
    { name: 'throttle.inferred.rateRps', kind: 'rps', reads: 'throttle.inferred.rateRps', missing: 'no rate was inferred', read: (r) => r.throttle?.inferred.rateRps ?? null },
    { name: 'throttle.inferred.burst', kind: 'count', reads: 'throttle.inferred.burst', missing: 'no burst was inferred', read: (r) => r.throttle?.inferred.burst ?? null },
    { name: 'verify.verdict', kind: 'enum', words: ['pass', 'fail', 'no-throttling', 'inconclusive', 'no-response'], reads: 'verify.verdict', missing: 'not a verify run', read: (r) => r.verify?.verdict ?? null },
    { name: 'cloudwatch.status', kind: 'enum', words: ['ok', 'unavailable', 'skipped'], reads: 'cloudwatch.status', read: (r) => r.cloudwatch.status },
    { name: 'cloudwatch.count.diff', kind: 'count', reads: 'cloudwatch.reconciliation.difference', missing: 'CloudWatch was not reconciled',
      read: (r) => r.cloudwatch.reconciliation?.difference ?? null },
  ];
}

/** Every gate metric, by name. */
export const METRICS: ReadonlyMap<string, MetricDef> = new Map(
  [...latencyMetrics(), ...allRequestsMetrics(), ...statusMetrics(), ...unexpectedMetrics(), ...otherMetrics()].map((m) => [m.name, m]),
);

const STATUS_CODE = /^status\.([1-5]\d\d)\.(count|rate)$/;
const STATUS_CLASS = /^status\.([1-5])xx\.(count|rate)$/;

/** Per-second counts of a status class, where the timeline has them (4xx: 429s included, unlike status4xx). */
const CLASS_ROWS: Readonly<Record<string, (rows: readonly TimelineRow[]) => number>> = {
  '4': (rows) => sum(rows, 'clientErrors') + sum(rows, 'throttled') + sum(rows, 'status429Other'),
  '5': (rows) => sum(rows, 'serverErrors'),
};

/** `status.5xx.count` / `status.4xx.rate`: every response of the class (docs/gates.md). */
function statusClassMetric(name: string, digit: string, what: 'count' | 'rate'): MetricDef {
  const lo = Number(digit) * 100;
  const [count] = countAndRate(`status.${digit}xx`, `totals.byStatus ${lo}-${lo + 99}`, (r) => statusRange(r, lo, lo + 99), CLASS_ROWS[digit]).filter((m) => m.name.endsWith(what));
  return { ...count, name };
}

/**
 * The metric called `name`: a listed one, any percentile of latency/serviceTime/sendLag
 * (`latency.p95`, `serviceTime.p9999`), `status.<code>.count|rate` or `status.<N>xx.count|rate`;
 * undefined if none.
 */
export function metricByName(name: string): MetricDef | undefined {
  const known = METRICS.get(name);
  if (known) return known;
  const dot = name.indexOf('.');
  const family = name.slice(0, dot);
  if (dot > 0 && family in FAMILIES) return percentileMetric(family as Family, name.slice(dot + 1));
  if (family === 'latencyAll') return allRequestsMetric(name.slice(dot + 1));
  const cls = STATUS_CLASS.exec(name);
  if (cls) return statusClassMetric(name, cls[1], cls[2] as 'count' | 'rate');
  const m = STATUS_CODE.exec(name);
  if (!m) return undefined;
  const code = m[1];
  const count = (r: RunResult) => r.totals.byStatus[code] ?? 0;
  return m[2] === 'count'
    ? { name, kind: 'count', reads: `totals.byStatus['${code}']`, read: count }
    : { name, kind: 'ratio', reads: `totals.byStatus['${code}'] / totals.sent`, missing: 'no requests sent', read: (r) => share(count(r), r.totals.sent) };
}
