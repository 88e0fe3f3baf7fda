/**
 * RunResult × gates -> verdicts. A whole-run gate reads one figure of result.json; a per-window
 * gate cuts the timeline into windows of `every` seconds from `after` and must hold in each window
 * that has data (its verdict reports the worst window). Pure: no clock, no I/O.
 */
import type { GateVerdict, RunResult, TimelineRow } from '../result/schema.ts';
import { fmtMs, fmtNum, fmtPct, fmtRps } from '../core/format.ts';
import { metricByName, type MetricDef, type WindowData } from './metrics.ts';
import { parseGate, windowText, type Gate, type GateOp } from './parse.ts';
import { metricLabel, routeView } from './route-metrics.ts';

/** Whether `actual op value` holds. */
export function compare(actual: number | string, op: GateOp, value: number | string): boolean {
  switch (op) {
    case '<': return actual < value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '>=': return actual >= value;
    case '==': return actual === value;
    case '!=': return actual !== value;
  }
}

/**
 * The metric a gate expression reads: `latency.p99 < 250ms in every 10s` -> `latency.p99`,
 * `requests.failed{route:"POST /pay"} < 1%` -> `requests.failed.rate`.
 */
export function gateMetricName(expr: string): string {
  try {
    return parseGate(expr).metric;
  } catch {
    return /^\s*([A-Za-z_][A-Za-z0-9_.]*)/.exec(expr)?.[1] ?? expr;
  }
}

/** The metric a gate expression names, with its route when it has one (`latency.p99{route:"GET /orders"}`). */
export function gateMetricLabel(expr: string): string {
  try {
    return metricLabel(parseGate(expr));
  } catch {
    return gateMetricName(expr);
  }
}

/** A metric's value as people read it: `312 ms`, `0.52%`, `1,204`, `98.2 rps`, `pass`. */
export function formatMetricValue(metricName: string, value: number | string | null): string {
  if (value === null) return 'no data';
  if (typeof value === 'string') return value;
  switch (metricByName(metricName)?.kind) {
    case 'ms': return fmtMs(value);
    case 'ratio': return value !== 0 && Math.abs(value) < 0.0001 ? fmtPct(value, 4) : fmtPct(value);
    case 'rps': return fmtRps(value);
    default: return fmtNum(value);
  }
}

function metricOf(gate: Gate): MetricDef {
  const metric = metricByName(gate.metric);
  // Gates come only from parseGate, which accepts only known metrics.
  if (!metric) throw new Error(`gate metric ${gate.metric} is not defined`);
  return metric;
}

function verdict(gate: Gate, passed: boolean, actual: number | string | null, reason: string): GateVerdict {
  const base = { expr: gate.source, passed, actual, threshold: gate.threshold, reason };
  return gate.window ? { ...base, window: windowText(gate.window) } : base;
}

function evaluateWholeRun(result: RunResult, gate: Gate, metric: MetricDef): GateVerdict {
  const actual = metric.read(result);
  const label = metricLabel(gate);
  if (actual === null) return verdict(gate, false, null, `${label}: no data (${metric.missing ?? 'not measured'})`);
  const passed = compare(actual, gate.op, gate.value);
  return verdict(gate, passed, actual, `${label} = ${formatMetricValue(gate.metric, actual)} (${passed ? 'meets' : 'fails'} ${gate.threshold})`);
}

/** The throttle replay's per-second figures as lookups, for unexpected 429s per window. */
export function throttleMaps(result: RunResult): Pick<WindowData, 'predictedAccepted' | 'observedAccepted'> {
  if (!result.throttle) return { predictedAccepted: undefined, observedAccepted: undefined };
  const predictedAccepted = new Map<number, number>();
  const observedAccepted = new Map<number, number>();
  for (const s of result.throttle.perSecond) {
    predictedAccepted.set(s.second, s.predictedAccepted);
    observedAccepted.set(s.second, s.observedAccepted);
  }
  return { predictedAccepted, observedAccepted };
}

/** One window's measured value, or null when the window holds no data for this metric. */
export interface WindowValue {
  readonly fromS: number;
  readonly toS: number;
  readonly value: number | null;
}

/**
 * The windows [after + k·every, after + (k+1)·every) up to the last second of the timeline (the
 * last one may be shorter), each with the metric's value. Rows are binned by send time.
 */
export function windowValues(rows: readonly TimelineRow[], gate: Gate, metric: MetricDef, maps: Pick<WindowData, 'predictedAccepted' | 'observedAccepted'>, untilS?: number): WindowValue[] {
  if (!gate.window || !metric.window) return [];
  const { everyS, afterS } = gate.window;
  const endS = untilS ?? rows.reduce((max, r) => Math.max(max, r.second + 1), 0);
  const bySecond = new Map(rows.map((r) => [r.second, r]));
  const out: WindowValue[] = [];
  for (let fromS = afterS; fromS < endS; fromS += everyS) {
    const toS = Math.min(fromS + everyS, endS);
    const inWindow: TimelineRow[] = [];
    for (let s = fromS; s < toS; s++) {
      const row = bySecond.get(s);
      if (row) inWindow.push(row);
    }
    out.push({ fromS, toS, value: inWindow.length === 0 ? null : metric.window({ rows: inWindow, ...maps }) });
  }
  return out;
}

/** Which window is worst for this operator: the highest for < and <=, the lowest for > and >=. */
function worst(values: readonly WindowValue[], gate: Gate): WindowValue {
  const failing = values.find((w) => !compare(w.value as number, gate.op, gate.value));
  if (gate.op === '==' || gate.op === '!=') return failing ?? values[0];
  const sign = gate.op === '<' || gate.op === '<=' ? 1 : -1;
  return values.reduce((a, b) => (sign * ((b.value as number) - (a.value as number)) > 0 ? b : a));
}

function evaluateWindows(result: RunResult, gate: Gate, metric: MetricDef): GateVerdict {
  const values = windowValues(result.timeline, gate, metric, throttleMaps(result)).filter((w) => w.value !== null);
  if (values.length === 0) return verdict(gate, false, null, `${metricLabel(gate)}: no window ${windowText(gate.window!)} had data`);
  const failed = values.filter((w) => !compare(w.value as number, gate.op, gate.value)).length;
  const w = worst(values, gate);
  const shown = `${metricLabel(gate)} = ${formatMetricValue(gate.metric, w.value)} in ${w.fromS}-${w.toS} s`;
  const reason = failed === 0 ? `all ${values.length} windows meet ${gate.threshold}; worst: ${shown}` : `${failed} of ${values.length} windows fail ${gate.threshold}; worst: ${shown}`;
  return verdict(gate, failed === 0, w.value, reason);
}

/**
 * Evaluates each gate against the result, in order; one verdict per gate. A per-route gate reads
 * the run as its route saw it (route-metrics.ts); a route with no request sent fails, never passes.
 */
export function evaluateGates(result: RunResult, gates: readonly Gate[]): GateVerdict[] {
  return gates.map((gate) => {
    const metric = metricOf(gate);
    let subject = result;
    if (gate.route !== undefined) {
      const stats = result.routes.find((r) => r.route === gate.route);
      if (!stats) return verdict(gate, false, null, `${metricLabel(gate)}: no data (no request was sent on route ${JSON.stringify(gate.route)})`);
      subject = routeView(result, stats);
    }
    return gate.window ? evaluateWindows(subject, gate, metric) : evaluateWholeRun(subject, gate, metric);
  });
}

/**
 * The gates every run carries besides the user's: `requests.completed > 0` (a run in which no
 * request got a response must not pass, docs/architecture.md "Exit codes") and, when limits were declared,
 * `throttle.verdict == pass` (unless the run did not exercise them). A gate the user already wrote is not added twice.
 */
export function implicitGates(result: RunResult, userGates: readonly Gate[] = []): Gate[] {
  const wanted = ['requests.completed > 0'];
  // A run that never reached its declared limits could not test them: said in the verdict, not failed (docs/throttling.md).
  if (result.throttle && result.throttle.verdict !== 'not-exercised') wanted.push('throttle.verdict == pass');
  // verify judges declared against measured: only a pass passes; with nothing declared, only an answer is needed.
  if (result.verify) wanted.push(result.verify.declared.rateRps !== null ? 'verify.verdict == pass' : 'verify.verdict != no-response');
  const have = new Set(userGates.filter((g) => !g.window && g.route === undefined).map((g) => `${g.metric} ${g.op} ${g.value}`));
  return wanted.map((expr) => parseGate(expr, { field: 'implicit gate' })).filter((g) => !have.has(`${g.metric} ${g.op} ${g.value}`));
}

/** The result with its gate verdicts and `passed` (every verdict passed). */
export function withGates(result: RunResult, verdicts: readonly GateVerdict[]): RunResult {
  return { ...result, gates: verdicts, passed: verdicts.every((v) => v.passed) };
}
