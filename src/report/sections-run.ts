/**
 * Report sections about the run itself: gates, totals, the schedule, latency and routes.
 */
import type { Percentiles, RunResult } from '../result/schema.ts';
import { fmtCount, fmtMs, fmtRps, fmtShare } from '../core/format.ts';
import { emptySection, toned, type Cell, type Section, type Table } from './model.ts';
import { formatMetricValue, gateMetricName } from '../gates/evaluate.ts';

/** Gates: expression, threshold, measured value, window, pass/fail. */
export function gatesSection(result: RunResult): Section {
  const gates = result.gates ?? [];
  if (gates.length === 0) return emptySection('gates', 'Gates', 'No gates were evaluated for this run.');
  const rows = gates.map((g): Cell[] => [
    g.passed ? toned('pass', 'good') : toned('FAIL', 'bad'),
    g.expr,
    g.threshold,
    g.actual === null ? '–' : formatMetricValue(gateMetricName(g.expr), g.actual),
    g.window ?? 'whole run',
    g.reason ?? '',
  ]);
  return { id: 'gates', title: 'Gates', lines: [], tables: [{ head: ['', 'Gate', 'Threshold', 'Actual', 'Window', 'Reason'], rows }] };
}

function statusTone(code: string): Cell {
  if (code.startsWith('2') || code.startsWith('3')) return code;
  return toned(code, code === '429' || code.startsWith('4') ? 'warn' : 'bad');
}

/** Totals: requests, statuses, 429s by origin, errors by kind. */
export function totalsSection(result: RunResult): Section {
  const t = result.totals;
  const counts: Table = {
    head: ['Scheduled', 'Sent', 'Dropped', 'Responses', 'No response', 'Unfinished'],
    rows: [[fmtCount(t.scheduled), fmtCount(t.sent), t.dropped > 0 ? toned(fmtCount(t.dropped), 'warn') : '0', fmtCount(t.completed), t.errors > 0 ? toned(fmtCount(t.errors), 'bad') : '0', fmtCount(t.unfinished)]],
    numeric: [true, true, true, true, true, true],
  };
  const codes = Object.keys(t.byStatus).sort();
  const statuses: Table = {
    caption: 'Responses by status',
    head: ['Status', 'Count', 'Share of sent'],
    rows: codes.map((c) => [statusTone(c), fmtCount(t.byStatus[c]), fmtShare(t.byStatus[c], t.sent)]),
    numeric: [false, true, true],
  };
  const o = t.status429ByOrigin;
  const origins: Table = {
    caption: '429 by origin',
    head: ['Throttle (Too Many Requests)', 'Quota (Limit Exceeded)', 'Other'],
    rows: [[fmtCount(o.throttle), fmtCount(o.quota), fmtCount(o.other)]],
    numeric: [true, true, true],
  };
  const e = t.errorsByKind;
  const errors: Table = {
    caption: 'Requests with no response, by kind',
    head: ['Refused', 'Reset', 'Timeout', 'DNS', 'TLS', 'Other'],
    rows: [[e.refused, e.reset, e.timeout, e.dns, e.tls, e.other].map(fmtCount)],
    numeric: [true, true, true, true, true, true],
  };
  const tables = [counts, codes.length > 0 ? statuses : undefined, o.throttle + o.quota + o.other > 0 ? origins : undefined, t.errors > 0 ? errors : undefined];
  const lines = codes.length === 0 ? ['No HTTP response was received.'] : [];
  return { id: 'totals', title: 'Requests', lines, tables: tables.filter((x): x is Table => x !== undefined) };
}

/** Schedule: planned vs achieved rate, phases, send lag. */
export function scheduleSection(result: RunResult): Section {
  const s = result.schedule;
  const ratio = s.targetRps > 0 ? s.achievedRps / s.targetRps : null;
  const table: Table = {
    head: ['Target rate', 'Achieved rate', 'Achieved / target', 'Duration', 'Send lag p50', 'Send lag p99', 'Send lag max', 'Seed'],
    rows: [[fmtRps(s.targetRps), fmtRps(s.achievedRps), ratio === null ? '–' : toned(`${(ratio * 100).toFixed(1)}%`, ratio < 0.98 ? 'warn' : 'good'), `${s.durationS} s`, fmtMs(s.sendLagMs.p50), fmtMs(s.sendLagMs.p99), fmtMs(s.sendLagMs.max), String(s.seed)]],
    numeric: [true, true, true, true, true, true, true, true],
  };
  const lines = s.phases.map((p, i) => `Phase ${i + 1}: ${p}`);
  const warmUp = warmUpLine(s.warmUp);
  if (warmUp !== undefined) lines.push(warmUp);
  return { id: 'schedule', title: 'Schedule (open loop)', lines, tables: [table] };
}

/** What the warm-up before time 0 sent and where (docs/gates.md "Warm-up"); nothing for a result written before it was recorded. */
function warmUpLine(warmUp: RunResult['schedule']['warmUp']): string | undefined {
  if (warmUp === undefined) return undefined;
  if (warmUp === null) return 'Warm-up: off (--no-warm-up or options.warmUp: false): the first second ran on cold code.';
  return `Warm-up: ${fmtCount(warmUp.sinkRequests)} requests to loadgate's own in-process server in ${(warmUp.durationMs / 1000).toFixed(1)} s before time 0; none to the target (--no-warm-up skips it).`;
}

function percentileRow(name: string, p: Percentiles): Cell[] {
  return [name, fmtMs(p.p50), fmtMs(p.p90), fmtMs(p.p99), fmtMs(p.p999), fmtMs(p.max), fmtMs(p.mean), fmtCount(p.count)];
}

const PERCENTILE_HEAD = ['p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count'];

/** Latency (from the intended send time) and service time (from the actual send). */
export function latencySection(result: RunResult): Section {
  const rows: Cell[][] = [percentileRow('Latency (from intended send)', result.latencyMs), percentileRow('Service time (from actual send)', result.serviceTimeMs)];
  const all = result.latencyAllMs;
  if (all !== undefined) {
    const at = (v: number | null): Cell => (v === null ? toned('not answered', 'bad') : fmtMs(v));
    rows.push(['All arrivals (failures at their time; dropped, unanswered slowest)', at(all.p50), at(all.p90), at(all.p99), at(all.p999), at(all.max), '–', fmtCount(all.count)]);
  }
  const table: Table = { head: ['', ...PERCENTILE_HEAD], rows, numeric: [false, true, true, true, true, true, true, true] };
  const lines = ['Latency is measured from the intended send time (coordinated omission corrected); service time from the actual send.'];
  return { id: 'latency', title: 'Latency', lines, tables: [table] };
}

/** One row per route: requests, statuses, errors, latency percentiles. */
export function routesSection(result: RunResult): Section {
  if (result.routes.length === 0) return emptySection('routes', 'Routes', 'No per-route statistics were recorded.');
  const rows = result.routes.map((r): Cell[] => {
    const statuses = Object.keys(r.byStatus).sort().map((c) => `${c}: ${fmtCount(r.byStatus[c])}`).join(', ');
    return [r.route, fmtCount(r.sent), statuses || '–', fmtCount(r.errors), fmtMs(r.latencyMs.p50), fmtMs(r.latencyMs.p99), fmtMs(r.latencyMs.max)];
  });
  return {
    id: 'routes',
    title: 'Routes',
    lines: [],
    tables: [{ head: ['Route', 'Sent', 'Statuses', 'No response', 'p50', 'p99', 'max'], rows, numeric: [false, true, false, true, true, true, true] }],
  };
}
