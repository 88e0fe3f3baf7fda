/**
 * Baseline comparison: two results (baseline, current) × allowances -> a row per main figure and
 * a verdict per allowance. An allowance is how much a figure may get worse before it counts as a
 * regression: relative to the baseline (`latency.p99=10%`) or absolute in the metric's unit
 * (`latency.p99=20ms`, `errors.rate=0.5pp`, `schedule.achievedRps=5rps`). "Worse" is higher for
 * latencies and error rates, lower for achieved rate, ok rate and throttle agreement.
 * Without allowances the defaults apply: DEFAULT_ALLOWANCES.
 */
import { UsageError } from '../errors.ts';
import type { GateVerdict, RunResult } from '../result/schema.ts';
import { formatMetricValue } from './evaluate.ts';
import { metricByName, type MetricDef } from './metrics.ts';

/** How much one metric may get worse. */
export interface Allowance {
  readonly metric: string;
  readonly mode: 'relative' | 'absolute';
  /** relative: a share of the baseline (0.1 = 10%); absolute: in the metric's unit (ms, share, count, rps). */
  readonly amount: number;
  /** As written: `latency.p99=10%`. */
  readonly text: string;
}

/** The figures every comparison shows, in this order. */
export const COMPARED_METRICS: readonly string[] = [
  'latency.p50', 'latency.p90', 'latency.p99', 'latency.max', 'serviceTime.p50', 'serviceTime.p99',
  'errors.rate', 'status429.rate', 'status429.unexpected.rate', 'status5xx.rate', 'schedule.achievedRps', 'throttle.agreement',
];

const LOWER_IS_WORSE = new Set(['schedule.achievedRps', 'schedule.achieved', 'throttle.agreement', 'ok.rate', 'ok.count', 'requests.completed', 'requests.sent']);
const ABS_UNITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  ms: { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001 },
  ratio: { '': 1, pp: 0.01 },
  rps: { '': 1, rps: 1 },
  count: { '': 1 },
};

/**
 * `--max-regression` without flags: p99 latency may grow 20%, the error rate and the rate of
 * unexpected 429s by 1 percentage point each. Any flag replaces the whole set.
 */
export const DEFAULT_ALLOWANCES: readonly Allowance[] = Object.freeze(
  ['latency.p99=20%', 'errors.rate=1pp', 'status429.unexpected.rate=1pp'].map((t) => parseAllowance(t, 'default')),
);

/** Parses `metric=10%` (relative) or `metric=20ms` / `=0.5pp` / `=5rps` / `=0` (absolute). */
export function parseAllowance(text: string, field = '--max-regression'): Allowance {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(\d+(?:\.\d+)?)\s*([A-Za-zµ%]*)\s*$/.exec(text);
  if (!m) throw UsageError.invalid(undefined, field, text, "metric=allowance, e.g. 'latency.p99=10%', 'latency.p99=20ms' or 'errors.rate=0.5pp'");
  const [, name, num, unit] = m;
  const metric = metricByName(name);
  if (!metric || metric.kind === 'enum') throw UsageError.invalid(undefined, field, text, 'a numeric gate metric (docs/gates.md), e.g. latency.p99');
  if (unit === '%') return { metric: name, mode: 'relative', amount: Number(num) / 100, text: text.trim() };
  const scale = ABS_UNITS[metric.kind]?.[unit];
  if (scale === undefined) {
    const units = Object.keys(ABS_UNITS[metric.kind] ?? {}).filter(Boolean);
    throw UsageError.invalid(undefined, field, text, `a relative allowance (10%) or an absolute one${units.length ? ` in ${units.join(', ')}` : ''} for ${name}`);
  }
  return { metric: name, mode: 'absolute', amount: Number(num) * scale, text: text.trim() };
}

/** One compared figure. */
export interface ComparisonRow {
  readonly metric: string;
  readonly baseline: number | null;
  readonly current: number | null;
  /** current - baseline. */
  readonly delta: number | null;
  /** delta / baseline; null when the baseline is 0 or missing. */
  readonly relative: number | null;
  readonly worseWhen: 'higher' | 'lower';
  /** The allowance that gates this figure, if any. */
  readonly allowance: string | null;
  /** true: beyond its allowance; false: within; null: not gated. */
  readonly regressed: boolean | null;
}

/** What was compared and the verdict. */
export interface Comparison {
  readonly baseline: RunSummary;
  readonly current: RunSummary;
  readonly rows: readonly ComparisonRow[];
  /** One per allowance, as gate verdicts (`latency.p99 vs baseline <= +10%`). */
  readonly verdicts: readonly GateVerdict[];
  readonly regressed: boolean;
  /** Warnings for the reader: different rates, missing sections. */
  readonly notes: readonly string[];
}

/** Which run a side of the comparison is, and the rates it was measured at. */
export interface RunSummary {
  readonly runId: string;
  readonly startedAtIso: string;
  readonly targetRps: number;
  readonly achievedRps: number;
  readonly requests: number;
}

function summary(r: RunResult): RunSummary {
  return { runId: r.runId, startedAtIso: r.startedAtIso, targetRps: r.schedule.targetRps, achievedRps: r.schedule.achievedRps, requests: r.totals.sent };
}

function numeric(metric: MetricDef, r: RunResult): number | null {
  const v = metric.read(r);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function row(name: string, baseline: RunResult, current: RunResult, allowance: Allowance | undefined): ComparisonRow {
  const metric = metricByName(name)!;
  const b = numeric(metric, baseline);
  const c = numeric(metric, current);
  const delta = b !== null && c !== null ? c - b : null;
  const worseWhen = LOWER_IS_WORSE.has(name) ? 'lower' : 'higher';
  let regressed: boolean | null = null;
  if (allowance) {
    if (c === null) regressed = b !== null; // a figure that vanished is a regression; absent in both is not
    else if (b === null) regressed = false;
    else {
      const worse = worseWhen === 'higher' ? c - b : b - c;
      const limit = allowance.mode === 'relative' ? allowance.amount * Math.abs(b) : allowance.amount;
      regressed = worse > limit + 1e-12 * Math.max(1, Math.abs(b));
    }
  }
  return { metric: name, baseline: b, current: c, delta, relative: delta !== null && b ? delta / Math.abs(b) : null, worseWhen, allowance: allowance?.text ?? null, regressed };
}

function verdictOf(r: ComparisonRow, allowance: Allowance): GateVerdict {
  const sign = r.worseWhen === 'higher' ? '+' : '-';
  const amount = allowance.mode === 'relative' ? `${(allowance.amount * 100).toFixed(allowance.amount * 100 < 1 ? 2 : 0)}%` : formatMetricValue(r.metric, allowance.amount);
  const threshold = `within ${sign}${amount} of baseline ${formatMetricValue(r.metric, r.baseline)}`;
  const change = r.delta === null ? 'no data' : `${formatMetricValue(r.metric, r.current)} (${r.relative === null ? 'baseline 0' : `${r.relative >= 0 ? '+' : ''}${(r.relative * 100).toFixed(1)}%`})`;
  return {
    expr: `${r.metric} vs baseline (${allowance.text})`,
    passed: r.regressed !== true,
    actual: r.current,
    threshold,
    reason: r.regressed ? `${r.metric} regressed: ${change}, allowed ${threshold}` : r.current === null && r.baseline === null ? `${r.metric}: no data in either run` : `${r.metric}: ${change}, ${threshold}`,
  };
}

/** A target without the port of a loopback host: each auto-started emulator gets a new port. */
function targetKey(target: string): string {
  return target.replace(/^(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])):\d+/, '$1');
}

/** Compares two results figure by figure and gates the figures named by `allowances`. */
export function compareResults(baseline: RunResult, current: RunResult, allowances: readonly Allowance[] = DEFAULT_ALLOWANCES): Comparison {
  const byMetric = new Map(allowances.map((a) => [a.metric, a]));
  const names = [...COMPARED_METRICS, ...allowances.map((a) => a.metric).filter((m) => !COMPARED_METRICS.includes(m))];
  const rows = names.map((n) => row(n, baseline, current, byMetric.get(n)));
  const verdicts = rows.filter((r) => byMetric.has(r.metric)).map((r) => verdictOf(r, byMetric.get(r.metric)!));
  const notes: string[] = [];
  const [b, c] = [baseline.schedule.targetRps, current.schedule.targetRps];
  if (Math.abs(b - c) > 0.05 * Math.max(b, c)) {
    notes.push(`the runs were offered different rates (baseline ${b.toFixed(1)} rps, current ${c.toFixed(1)} rps): differences may come from the load, not the system`);
  }
  if (targetKey(baseline.scenario.target) !== targetKey(current.scenario.target)) notes.push(`different targets: baseline ${baseline.scenario.target}, current ${current.scenario.target}`);
  return { baseline: summary(baseline), current: summary(current), rows, verdicts, regressed: verdicts.some((v) => !v.passed), notes };
}

/** `run --baseline`: the current result with the comparison's verdicts added to its gates. */
export function withBaseline(current: RunResult, baseline: RunResult, allowances: readonly Allowance[] = DEFAULT_ALLOWANCES): RunResult {
  const verdicts = [...(current.gates ?? []), ...compareResults(baseline, current, allowances).verdicts];
  return { ...current, gates: verdicts, passed: verdicts.every((v) => v.passed) };
}
