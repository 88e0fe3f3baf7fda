/**
 * The headline verdicts every report opens with: did the run pass, did the gates pass, did the
 * target throttle as declared, did CloudWatch agree, was the schedule kept.
 */
import { SCHEDULE_KEPT_LAG_P99_MS, type RunResult } from '../result/schema.ts';
import { fmtCount, fmtRps } from '../core/format.ts';
import { unkeptScheduleFails } from '../load/schedule-kept.ts';
import type { Verdict } from './model.ts';

function overall(result: RunResult): Verdict {
  if (result.totals.sent > 0 && result.totals.completed === 0) {
    return { label: 'Run', state: 'fail', text: 'FAILED: no request got any response' };
  }
  if (result.passed !== false && unkeptScheduleFails(result)) {
    return { label: 'Run', state: 'fail', text: 'FAILED: the schedule was not kept (exit 3)' };
  }
  if (result.passed === undefined) return { label: 'Run', state: 'info', text: 'completed (no gates evaluated)' };
  return result.passed ? { label: 'Run', state: 'pass', text: 'PASSED' } : { label: 'Run', state: 'fail', text: 'FAILED' };
}

function gates(result: RunResult): Verdict {
  const list = result.gates ?? [];
  if (list.length === 0) return { label: 'Gates', state: 'info', text: 'none evaluated' };
  const failed = list.filter((g) => !g.passed);
  if (failed.length === 0) return { label: 'Gates', state: 'pass', text: `${list.length}/${list.length} passed` };
  return { label: 'Gates', state: 'fail', text: `${failed.length} of ${list.length} failed: ${failed.map((g) => g.expr).join(', ')}` };
}

function throttle(result: RunResult): Verdict {
  const t = result.throttle;
  if (t === undefined) return { label: 'Throttle', state: 'info', text: 'no limits declared' };
  const text = `${t.verdict}: ${t.reason}`;
  return { label: 'Throttle', state: t.verdict === 'pass' ? 'pass' : t.verdict === 'not-exercised' ? 'warn' : 'fail', text };
}

function cloudwatch(result: RunResult): Verdict {
  const cw = result.cloudwatch;
  if (cw.status === 'skipped') return { label: 'CloudWatch', state: 'info', text: `skipped: ${cw.reason}` };
  if (cw.status === 'unavailable') return { label: 'CloudWatch', state: 'warn', text: `unavailable: ${cw.reason}` };
  const rec = cw.reconciliation;
  if (rec === null) return { label: 'CloudWatch', state: 'warn', text: `ok, not reconciled: ${cw.reason}` };
  if (rec.matched) return { label: 'CloudWatch', state: 'pass', text: `totals match (${fmtCount(rec.gatewayCount)} requests)` };
  return { label: 'CloudWatch', state: 'warn', text: `gateway counted ${fmtCount(rec.gatewayCount)}, client sent ${fmtCount(rec.clientRequests)} (${rec.difference > 0 ? '+' : ''}${fmtCount(rec.difference)})` };
}

function schedule(result: RunResult): Verdict {
  const { totals, schedule: s } = result;
  const kept = `${fmtRps(s.achievedRps)} of ${fmtRps(s.targetRps)} target, send lag p99 ${s.sendLagMs.p99.toFixed(2)} ms`;
  if (s.kept === false) {
    const optedOut = s.required === false ? ' (allowed by --allow-unkept-schedule / options.requireSchedule: false)' : '';
    return { label: 'Schedule', state: unkeptScheduleFails(result) ? 'fail' : 'warn', text: `NOT KEPT: ${(s.notKept ?? []).join('; ')}; ${kept}${optedOut}` };
  }
  if (totals.dropped > 0) return { label: 'Schedule', state: 'warn', text: `${fmtCount(totals.dropped)} arrivals dropped at the in-flight cap; ${kept}` };
  if (s.sendLagMs.p99 > SCHEDULE_KEPT_LAG_P99_MS) return { label: 'Schedule', state: 'warn', text: `late: ${kept} (over ${SCHEDULE_KEPT_LAG_P99_MS} ms)` };
  return { label: 'Schedule', state: 'pass', text: `kept: ${kept}` };
}

function extras(result: RunResult): Verdict[] {
  const out: Verdict[] = [];
  if (result.verify !== undefined) {
    const v = result.verify;
    out.push({ label: 'Verify', state: v.verdict === 'pass' ? 'pass' : v.verdict === 'fail' ? 'fail' : 'warn', text: `${v.verdict}: ${v.reason}` });
  }
  if (result.capacity !== undefined) {
    const c = result.capacity;
    const held = c.highestHeldRps === null ? 'no step held' : `highest held ${fmtRps(c.highestHeldRps)}`;
    out.push({ label: 'Capacity', state: c.highestHeldRps === null ? 'fail' : 'info', text: `${held}${c.firstBrokenRps === null ? '' : `, first broken ${fmtRps(c.firstBrokenRps)}`}` });
  }
  if (result.interrupted) out.push({ label: 'Interrupted', state: 'warn', text: result.interruptReason ?? 'the run was interrupted' });
  return out;
}

/** The verdicts of a run, most important first. */
export function verdictsOf(result: RunResult): Verdict[] {
  const rest = [gates(result), throttle(result), cloudwatch(result)];
  // An unkept schedule makes every other figure suspect: it comes first (docs/architecture.md "Exit codes").
  if (result.schedule.kept === false) return [schedule(result), overall(result), ...rest, ...extras(result)];
  return [overall(result), ...rest, schedule(result), ...extras(result)];
}
