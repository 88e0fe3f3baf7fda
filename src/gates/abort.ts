/**
 * Early abort for `abortOnFail` gates: given the timeline so far, has a gate already failed in a
 * way that no later second can undo? The live loop calls abortCheck once a second and stops the
 * run (writing the result, interrupted) when it says so.
 *
 * Which gates can abort early (docs/gates.md repeats this):
 * - per-window gates on a per-second metric: a settled window that fails is final;
 * - whole-run counts that only grow (`errors.count`, `dropped.count`, `status5xx.count`, ...,
 *   `latency.max`) with `<`, `<=` or `==`: once past the threshold they stay past;
 * - whole-run rates of such counts with `<`, `<=` or `==`: the final rate is at least
 *   count so far / planned requests, so the budget threshold × planned is spent for good;
 * - `status429.unexpected.*` only when no limits were declared (otherwise only the replay after
 *   the run knows which 429s were expected).
 * Percentiles, means, throttle.*, cloudwatch.* and schedule.* gates are decided at the end only.
 */
import type { GateVerdict, TimelineRow } from '../result/schema.ts';
import { compare, formatMetricValue, windowValues } from './evaluate.ts';
import { metricByName } from './metrics.ts';
import { windowText, type Gate } from './parse.ts';

/** What the live loop knows after each second. */
export interface LiveProgress {
  /** Timeline rows so far, by send second (the latest ones may still be filling in). */
  readonly rows: readonly TimelineRow[];
  /** Seconds before this one are settled: every request sent in them has an outcome. */
  readonly settledBeforeS: number;
  /**
   * The previous call's settledBeforeS: windows and rows settled before it were judged then, so
   * this call looks only at what settled since (keeps each call O(new seconds), not O(run)).
   * @default 0 (look at everything)
   */
  readonly checkedBeforeS?: number;
  /** Arrivals the whole run plans: the denominator of the rate budgets. */
  readonly plannedRequests: number;
  /** Whether the scenario declared limits (then 429s may be expected, see above). */
  readonly limitsDeclared: boolean;
}

/** Keep going, or stop because `gate` has failed for good (`verdict` says how). */
export type AbortDecision =
  | { readonly abort: false }
  | { readonly abort: true; readonly gate: Gate; readonly verdict: GateVerdict };

/** Whether the gate can ever abort a run early (see the list above). */
export function supportsEarlyAbort(gate: Gate, limitsDeclared: boolean): boolean {
  const metric = metricByName(gate.metric);
  if (!metric) return false;
  // The live timeline is the whole run's; a route's own seconds exist only once the run is over.
  if (gate.route !== undefined) return false;
  if (limitsDeclared && gate.metric.startsWith('status429.unexpected.')) return false;
  if (gate.window) return metric.window !== undefined;
  return metric.grows !== undefined && (gate.op === '<' || gate.op === '<=' || gate.op === '==');
}

/** A lower bound of the gate's final whole-run value, from the rows so far. */
function lowerBound(gate: Gate, progress: LiveProgress): number {
  const grows = metricByName(gate.metric)?.grows;
  if (!grows) return Number.NaN;
  // A max only grows, and rows settled before checkedBeforeS were judged by an earlier call.
  const rows = grows.kind === 'max' ? progress.rows.filter((r) => r.second >= (progress.checkedBeforeS ?? 0)) : progress.rows;
  const soFar = grows.over(rows);
  return grows.kind === 'rate' ? (progress.plannedRequests > 0 ? soFar / progress.plannedRequests : 0) : soFar;
}

function checkWindows(gate: Gate, progress: LiveProgress): GateVerdict | undefined {
  const metric = metricByName(gate.metric);
  if (!metric || !gate.window) return undefined;
  // Only windows that ended since the last call: [start of the oldest such window, settled).
  const { everyS, afterS } = gate.window;
  const checked = progress.checkedBeforeS ?? 0;
  const firstFromS = checked <= afterS ? afterS : afterS + Math.floor((checked - afterS) / everyS) * everyS;
  const settled = progress.rows.filter((r) => r.second >= firstFromS && r.second < progress.settledBeforeS);
  const maps = { predictedAccepted: undefined, observedAccepted: undefined };
  for (const w of windowValues(settled, gate, metric, maps, progress.settledBeforeS)) {
    // Only whole windows: the trailing partial one may still gain seconds.
    if (w.toS - w.fromS < everyS || w.toS <= checked || w.value === null || compare(w.value, gate.op, gate.value)) continue;
    const shown = formatMetricValue(gate.metric, w.value);
    return { expr: gate.source, passed: false, actual: w.value, threshold: gate.threshold, window: windowText(gate.window),
      reason: `${gate.metric} = ${shown} in ${w.fromS}-${w.toS} s fails ${gate.threshold}: stopped early (abortOnFail)` };
  }
  return undefined;
}

function checkWholeRun(gate: Gate, progress: LiveProgress): GateVerdict | undefined {
  const bound = lowerBound(gate, progress);
  if (Number.isNaN(bound) || typeof gate.value !== 'number') return undefined;
  // The final value is >= bound, so `<`/`<=`/`==` can no longer hold once the bound is past them.
  const lost = gate.op === '<' ? bound >= gate.value : bound > gate.value;
  if (!lost) return undefined;
  const kind = metricByName(gate.metric)?.grows?.kind;
  const what = kind === 'rate' ? `at least ${formatMetricValue(gate.metric, bound)} of the ${progress.plannedRequests} planned requests` : formatMetricValue(gate.metric, bound);
  return { expr: gate.source, passed: false, actual: bound, threshold: gate.threshold,
    reason: `${gate.metric} already ${what}, so it can no longer meet ${gate.threshold}: stopped early (abortOnFail)` };
}

/**
 * Whether an `abortOnFail` gate has already failed irrecoverably. Gates without abortOnFail, and
 * gates that cannot be decided before the end (supportsEarlyAbort), never abort.
 */
export function abortCheck(gates: readonly Gate[], progress: LiveProgress): AbortDecision {
  for (const gate of gates) {
    if (!gate.abortOnFail || !supportsEarlyAbort(gate, progress.limitsDeclared)) continue;
    const failed = gate.window ? checkWindows(gate, progress) : checkWholeRun(gate, progress);
    if (failed) return { abort: true, gate, verdict: failed };
  }
  return { abort: false };
}
