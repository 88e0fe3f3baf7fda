/**
 * RunResult fixtures built to the schema, with real compressed histograms, so gates, JUnit and
 * comparisons are tested on what a run writes.
 */
import { encodeHistogram, newHistogram, percentilesMs, recordMs } from '../../src/record/histograms.ts';
import { SCHEMA_VERSION, type Percentiles, type RunResult, type ThrottleSection, type TimelineRow } from '../../src/result/schema.ts';

/** A compressed histogram of these latencies (ms). */
export function encodedOf(latenciesMs: readonly number[]): string {
  const h = newHistogram();
  for (const v of latenciesMs) recordMs(h, v);
  return encodeHistogram(h);
}

/** Percentiles (ms) of these latencies, as the recorder computes them. */
export function percentilesOf(latenciesMs: readonly number[]): Percentiles {
  const h = newHistogram();
  for (const v of latenciesMs) recordMs(h, v);
  return percentilesMs(h);
}

/** One timeline second: `latenciesMs` are its responses (all ok unless counts say otherwise). */
export function row(second: number, latenciesMs: readonly number[], counts: Partial<Omit<TimelineRow, 'second' | 'latencyHistogram'>> = {}): TimelineRow {
  const sent = counts.sent ?? latenciesMs.length + (counts.errors ?? 0);
  const p = percentilesOf(latenciesMs);
  return {
    second,
    scheduled: sent + (counts.dropped ?? 0),
    sent,
    dropped: 0,
    ok: latenciesMs.length - (counts.throttled ?? 0) - (counts.status429Other ?? 0) - (counts.clientErrors ?? 0) - (counts.serverErrors ?? 0),
    throttled: 0,
    status429Other: 0,
    clientErrors: 0,
    serverErrors: 0,
    errors: 0,
    p50Ms: p.p50,
    p99Ms: p.p99,
    latencyHistogram: latenciesMs.length > 0 ? encodedOf(latenciesMs) : '',
    ...counts,
  };
}

/** A result whose latencies are `latenciesMs` (one second per 100), with overrides. */
export function makeResult(opts: { latenciesMs?: readonly number[]; timeline?: readonly TimelineRow[]; overrides?: Partial<RunResult>; byStatus?: Record<string, number>; errors?: number } = {}): RunResult {
  const latencies = opts.latenciesMs ?? Array.from({ length: 1000 }, (_, i) => 10 + (i % 100) / 10);
  const timeline = opts.timeline ?? Array.from({ length: Math.ceil(latencies.length / 100) }, (_, s) => row(s, latencies.slice(s * 100, s * 100 + 100)));
  const errors = opts.errors ?? 0;
  const completed = latencies.length;
  const byStatus = opts.byStatus ?? { '200': completed };
  const pct = percentilesOf(latencies);
  const durationS = Math.max(1, timeline.length);
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: 'run-fixture',
    tool: { name: 'loadgate', version: '0.1.0' },
    scenario: { name: 'fixture', file: null, target: 'http://127.0.0.1:1/prod', apiType: 'rest' },
    kind: 'run',
    startedAtIso: '2025-01-01T00:00:00.000Z',
    endedAtIso: '2025-01-01T00:00:10.000Z',
    interrupted: false,
    interruptReason: null,
    notes: [],
    totals: {
      scheduled: completed + errors,
      sent: completed + errors,
      dropped: 0,
      completed,
      errors,
      errorsByKind: { refused: 0, reset: 0, timeout: errors, dns: 0, tls: 0, other: 0 },
      byStatus,
      status429ByOrigin: { throttle: byStatus['429'] ?? 0, quota: 0, other: 0 },
      unfinished: 0,
    },
    schedule: { targetRps: (completed + errors) / durationS, achievedRps: (completed + errors) / durationS, durationS, phases: ['constant'], sendLagMs: { p50: 0.1, p99: 0.5, max: 1 }, seed: 1 },
    latencyMs: pct,
    serviceTimeMs: pct,
    histograms: { latencyUs: encodedOf(latencies), serviceTimeUs: encodedOf(latencies), sendLagUs: encodedOf([0.1]) },
    timeline,
    routes: [],
    cloudwatch: { status: 'skipped', reason: 'fixture', source: null, namespace: 'AWS/ApiGateway', dimensions: [], minutes: [], reconciliation: null },
    ...opts.overrides,
  };
}

/** A throttle section with the given predicted / observed throttled counts. */
export function throttleSection(predictedThrottled: number, observedThrottled: number, compared: number, perSecond: ThrottleSection['perSecond'] = []): ThrottleSection {
  return {
    limits: { api: { type: 'rest', name: 'x', id: 'x' }, account: { rateRps: 10000, burst: 5000 }, stages: {}, routes: {}, apiKeys: {}, usagePlans: {}, stageBucketScope: 'method' },
    stage: 'prod',
    verdict: 'pass',
    reason: 'fixture',
    detection: { rateRelative: 0.04, burst: 3 },
    buckets: [],
    predicted: { accepted: compared - predictedThrottled, throttled: predictedThrottled },
    observed: { accepted: compared - observedThrottled, throttled: observedThrottled },
    agreement: 0.995,
    firstThrottledS: { predicted: null, observed: null },
    perSecond,
    inferred: { kind: 'no-throttling', rateRps: null, burst: null, rateRange: null, burstRange: null, unidentified: [], decisionDelayMs: null, note: '' },
    tolerance: { profile: 'emulator', minAgreement: 0.98, rateRelative: 0.05, burstAbsolute: 2 },
  };
}
