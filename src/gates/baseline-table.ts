/**
 * The comparison as a terminal table (cli-table3): one row per figure with the baseline, the
 * current value, the change and the verdict, under a heading that states the rate each run was
 * measured at (a p99 at 200 rps and one at 400 rps are not the same figure).
 */
import Table from 'cli-table3';
import { fmtRps } from '../core/format.ts';
import type { Comparison, ComparisonRow, RunSummary } from './baseline.ts';
import { formatMetricValue } from './evaluate.ts';
import { metricByName } from './metrics.ts';
import { ANSI, paint } from '../color.ts';

function change(r: ComparisonRow): string {
  if (r.delta === null) return '–';
  const sign = r.delta > 0 ? '+' : r.delta < 0 ? '-' : '±';
  // A change of a share is in percentage points: 0.5% -> 1.5% is +1.00 pp, not +1.00%.
  const abs = metricByName(r.metric)?.kind === 'ratio' ? `${(Math.abs(r.delta) * 100).toFixed(2)} pp` : formatMetricValue(r.metric, Math.abs(r.delta));
  return r.relative === null ? `${sign}${abs}` : `${sign}${abs} (${r.relative >= 0 ? '+' : ''}${(r.relative * 100).toFixed(1)}%)`;
}

function verdict(r: ComparisonRow, color: boolean): string {
  if (r.regressed === null) return '';
  return r.regressed ? `${paint('REGRESSED', `1;${ANSI.bad}`, color)} (allowed ${r.allowance})` : `${paint('ok', ANSI.good, color)} (allowed ${r.allowance})`;
}

function side(label: string, s: RunSummary): string {
  return `${label}: ${s.runId} at ${fmtRps(s.targetRps)} offered, ${fmtRps(s.achievedRps)} achieved, ${s.requests} requests`;
}

/** The comparison as text: which runs, at what rates, a table of figures, notes and the outcome; ANSI colours when `color`. */
export function renderComparison(c: Comparison, color = false): string {
  const table = new Table({
    head: ['figure', `baseline @ ${fmtRps(c.baseline.achievedRps)}`, `current @ ${fmtRps(c.current.achievedRps)}`, 'change', 'verdict'],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'right', 'right', 'right', 'left'],
  });
  for (const r of c.rows) {
    const shown = (v: number | null) => (v === null ? '–' : formatMetricValue(r.metric, v));
    table.push([r.metric, shown(r.baseline), shown(r.current), change(r), verdict(r, color)]);
  }
  const regressions = c.rows.filter((r) => r.regressed === true).map((r) => r.metric);
  const outcome = regressions.length > 0
    ? `regression beyond the allowance: ${regressions.join(', ')}`
    : `no regression beyond the allowances (${c.verdicts.length} gated figure${c.verdicts.length === 1 ? '' : 's'})`;
  return [side('baseline', c.baseline), side('current ', c.current), table.toString(), ...c.notes.map((n) => `note: ${n}`), outcome, ''].join('\n');
}
