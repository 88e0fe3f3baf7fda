/**
 * Report sections about what later stages derived: throttle comparison and inference, CloudWatch
 * reconciliation, capacity steps, verify's declared vs measured.
 */
import { flavourOf } from '../api/flavours.ts';
import type { CloudWatchMinute, RunResult, ThrottleSection } from '../result/schema.ts';
import type { Limits, ThrottleSpec } from '../core/limits.ts';
import { fmtCount, fmtIso, fmtMs, fmtNum, fmtPct, fmtRange, fmtRps, fmtSecond, fmtSigned } from '../core/format.ts';
import { emptySection, toned, type Cell, type Section, type Table } from './model.ts';

function bucket(spec: ThrottleSpec | undefined): [string, string] {
  return spec === undefined ? ['inherits', 'inherits'] : [fmtRps(spec.rateRps), fmtNum(spec.burst)];
}

/**
 * Every bucket the limits declare, one row each. The API keys are already masked: every section
 * is built from the redacted result (sections.ts reportModel, core/redact.ts).
 */
function declaredTable(limits: Limits, activeStage: string | undefined): Table {
  const rows: Cell[][] = [['Account (per Region)', 'all APIs and stages', ...bucket(limits.account), '']];
  for (const [name, stage] of Object.entries(limits.stages)) {
    const mark = name === activeStage ? ' (this run)' : '';
    rows.push([`Stage ${name}${mark}`, 'default, per method', ...bucket(stage.throttle), '']);
    for (const [route, o] of Object.entries(stage.routes)) rows.push([`Stage ${name}${mark}`, route, ...bucket(o.throttle), '']);
  }
  for (const [name, plan] of Object.entries(limits.usagePlans)) {
    const keys = Object.entries(limits.apiKeys).filter(([, k]) => k.usagePlan === name).map(([maskedKey]) => maskedKey);
    const quota = plan.quota === undefined ? '' : `${fmtCount(plan.quota.limit)} per ${plan.quota.period}`;
    rows.push([`Usage plan ${name}`, `per key${keys.length > 0 ? ` (${keys.join(', ')})` : ''}`, ...bucket(plan.throttle), quota]);
    for (const [method, spec] of Object.entries(plan.methods)) rows.push([`Usage plan ${name}`, method, ...bucket(spec), '']);
  }
  return { caption: `Declared limits (${flavourOf(limits.api.type).label} ${limits.api.name})`, head: ['Level', 'Scope', 'Rate', 'Burst', 'Quota'], rows, numeric: [false, false, true, true, false] };
}

function comparisonTable(t: ThrottleSection): Table {
  const diff = (p: number, o: number): Cell => (p === o ? toned('0', 'good') : toned(fmtSigned(o - p), 'warn'));
  const first = t.firstThrottledS;
  return {
    caption: 'Model prediction vs observed',
    head: ['', 'Predicted', 'Observed', 'Observed − predicted'],
    rows: [
      ['Accepted', fmtCount(t.predicted.accepted), fmtCount(t.observed.accepted), diff(t.predicted.accepted, t.observed.accepted)],
      ['Throttled (429)', fmtCount(t.predicted.throttled), fmtCount(t.observed.throttled), diff(t.predicted.throttled, t.observed.throttled)],
      ['First 429 at', first.predicted === null ? 'none' : fmtSecond(first.predicted), first.observed === null ? 'none' : fmtSecond(first.observed), ''],
    ],
    numeric: [false, true, true, true],
  };
}

/** One row per bucket the traffic went through: declared, measured, each parameter's verdict, what the run could detect. */
function bucketsTable(t: ThrottleSection): Table {
  const judged = (v: 'pass' | 'fail' | 'untested'): Cell => (v === 'pass' ? toned('pass', 'good') : v === 'fail' ? toned('fail', 'bad') : toned('untested', 'warn'));
  const rows = t.buckets.map((b): Cell[] => {
    const inf = b.inferred;
    const measured = inf.kind === 'token-bucket' ? `${fmtRps(inf.rateRps)} / ${fmtNum(inf.burst)}` : inf.kind;
    const range = inf.kind === 'token-bucket' ? `${fmtRange(inf.rateRange, fmtRps)} / ${fmtRange(inf.burstRange, fmtNum)}` : '–';
    const detects = `${b.detection.burst === null ? '–' : `±${fmtNum(b.detection.burst)}`} / ${b.detection.rateRelative === null ? '–' : `±${fmtPct(b.detection.rateRelative)}`}`;
    return [`${b.label} (${b.layer})`, `${fmtRps(b.declared.rateRps)} / ${fmtNum(b.declared.burst)}`, measured, range, judged(b.rate.verdict), judged(b.burst.verdict), detects, fmtCount(b.requests)];
  });
  return {
    caption: 'Each bucket the traffic went through (binding layer), judged on its own requests',
    head: ['Bucket', 'Declared rate / burst', 'Measured', 'Measured range', 'Rate', 'Burst', 'Detects burst / rate', 'Requests'],
    rows,
    numeric: [false, true, true, true, false, false, true, true],
  };
}

/** Throttle: predicted vs observed, declared limits, inferred bucket. */
export function throttleSection(result: RunResult): Section {
  const t = result.throttle;
  if (t === undefined) {
    return emptySection('throttle', 'Throttling', 'No limits were declared, so there is no model prediction to compare with (declare limits in the scenario or pass a limits file).');
  }
  const lines = [
    `Verdict: ${t.verdict}: ${t.reason}`,
    `This run could detect ${t.detection.burst === null ? 'no burst error' : `a burst off by ${fmtNum(t.detection.burst)} or more`} and ${t.detection.rateRelative === null ? 'no rate error' : `a rate off by ${fmtPct(t.detection.rateRelative)} or more`} (${t.tolerance.profile} tolerance: ±${fmtNum(t.tolerance.burstAbsolute)} requests, rate ±${fmtPct(t.tolerance.rateRelative, 0)}).`,
    `Agreement ${fmtPct(t.agreement)} (a figure, not the judge: 1 − the largest gap between predicted and observed running totals of accepted requests, at 100 ms steps of send time, over requests compared).`,
    `Inference: ${t.inferred.kind}${t.inferred.note ? `: ${t.inferred.note}` : ''}`,
  ];
  if (t.stage !== undefined) lines.push(`Stage: ${t.stage}`);
  return { id: 'throttle', title: 'Throttling', lines, tables: [comparisonTable(t), ...(t.buckets.length > 0 ? [bucketsTable(t)] : []), declaredTable(t.limits, t.stage)] };
}

function minuteCounts(m: CloudWatchMinute): Cell[] {
  const g = m.gateway;
  const diff: Cell = m.countDiff === null ? toned('no datapoint', 'muted') : m.countDiff === 0 ? toned('0', 'good') : Math.abs(m.countDiff) <= m.inFlightAtBoundary ? toned(`${fmtSigned(m.countDiff)} (in flight)`, 'warn') : toned(fmtSigned(m.countDiff), 'bad');
  return [fmtIso(m.minuteIso), fmtCount(m.client.requests), fmtCount(g.count), diff, fmtCount(m.inFlightAtBoundary), fmtCount(m.client.status4xx), fmtCount(g.error4xx), fmtCount(m.client.status5xx), fmtCount(g.error5xx)];
}

function minuteLatency(m: CloudWatchMinute): Cell[] {
  const g = m.gateway;
  return [fmtIso(m.minuteIso), fmtMs(m.client.latencyAvgMs), fmtMs(g.latencyAvgMs), fmtMs(g.latencyP50Ms), fmtMs(g.latencyP90Ms), fmtMs(g.latencyP99Ms), fmtMs(g.integrationLatencyAvgMs)];
}

/** CloudWatch: per-minute client vs gateway and the reconciliation of totals. */
export function cloudwatchSection(result: RunResult): Section {
  const cw = result.cloudwatch;
  if (cw.status !== 'ok') return emptySection('cloudwatch', 'CloudWatch', `CloudWatch ${cw.status}: ${cw.reason}`);
  const dims = cw.dimensions.map((d) => `${d.Name}=${d.Value}`).join(', ');
  const lines = [`Source: ${cw.source ?? 'unknown'}, namespace ${cw.namespace}${dims ? `, dimensions ${dims}` : ''}.`];
  const tables: Table[] = [];
  const rec = cw.reconciliation;
  if (rec !== null) {
    tables.push({
      caption: 'Reconciliation of totals',
      head: ['Client requests', 'Gateway Count', 'Difference', 'Explained by in-flight', 'Matched', 'Gateway overhead'],
      rows: [[fmtCount(rec.clientRequests), fmtCount(rec.gatewayCount), fmtSigned(rec.difference), fmtCount(rec.explainedByInFlight), rec.matched ? toned('yes', 'good') : toned('no', 'bad'), fmtMs(rec.gatewayOverheadMs)]],
      numeric: [true, true, true, true, false, true],
    });
  } else lines.push(`Totals not reconciled: ${cw.reason}`);
  if (cw.minutes.length > 0) {
    tables.push({
      caption: 'Requests per minute: client (by send time) vs gateway',
      head: ['Minute (UTC)', 'Client requests', 'Gateway Count', 'Difference', 'In flight at boundary', 'Client 4xx', 'Gateway 4XXError', 'Client 5xx', 'Gateway 5XXError'],
      rows: cw.minutes.map(minuteCounts),
      numeric: [false, true, true, true, true, true, true, true, true],
    });
    tables.push({
      caption: 'Latency per minute: client vs gateway',
      head: ['Minute (UTC)', 'Client avg', 'Gateway avg', 'Gateway p50', 'Gateway p90', 'Gateway p99', 'Integration avg'],
      rows: cw.minutes.map(minuteLatency),
      numeric: [false, true, true, true, true, true, true],
    });
  } else lines.push('CloudWatch returned no datapoints for the run window.');
  return { id: 'cloudwatch', title: 'CloudWatch', lines, tables };
}

/** Capacity: one row per step. Absent unless the run was `loadgate capacity`. */
export function capacitySection(result: RunResult): Section | undefined {
  const c = result.capacity;
  if (c === undefined) return undefined;
  if (c.steps.length === 0) return emptySection('capacity', 'Capacity', 'No capacity step ran.');
  const rows = c.steps.map((s): Cell[] => [fmtRps(s.rateRps), s.held ? toned('held', 'good') : toned('broke', 'bad'), fmtRps(s.achievedRps), fmtMs(s.latencyP99Ms), fmtPct(s.errorRate), fmtPct(s.unexpected429Rate), fmtCount(s.requests), s.reason]);
  const lines = [`Objective: ${c.objective.join(' and ') || 'none'}.`, `Highest held: ${fmtRps(c.highestHeldRps)}; first broken: ${fmtRps(c.firstBrokenRps)}.`];
  return { id: 'capacity', title: 'Capacity steps', lines, tables: [{ head: ['Step rate', 'Result', 'Achieved', 'p99', 'Error rate', 'Unexpected 429', 'Requests', 'Reason'], rows, numeric: [true, false, true, true, true, true, true, false] }] };
}

/** Verify: declared vs measured rate and burst. Absent unless the run was `loadgate verify`. */
export function verifySection(result: RunResult): Section | undefined {
  const v = result.verify;
  if (v === undefined) return undefined;
  const lines = [
    `Verdict: ${v.verdict}: ${v.reason}`,
    `Planned requests: ${fmtCount(v.plannedRequests)} (estimated cost if run on AWS: REST $${v.estimatedCostUsd.rest.toFixed(4)}, HTTP API $${v.estimatedCostUsd.http.toFixed(4)}).`,
  ];
  if (v.binding) lines.push(`Binding bucket: ${v.binding.label} (${v.binding.layer}).`);
  const rows: Cell[][] = [
    ['Rate', fmtRps(v.declared.rateRps), fmtRps(v.measured.rateRps)],
    ['Burst', fmtNum(v.declared.burst), fmtNum(v.measured.burst)],
  ];
  return { id: 'verify', title: 'Verify: declared vs measured', lines, tables: [{ head: ['', 'Declared', 'Measured'], rows, numeric: [false, true, true] }] };
}
