/** The all-requests gates: no gate passes on the answered requests alone (docs/gates.md). */
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/gates/evaluate.ts';
import { parseGates } from '../../src/gates/parse.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { encodedOf, makeResult } from './fixtures.ts';

/** 900 answered in 10 ms, `failedMs` network failures at their time, `dropped` + `unfinished` never answered. */
function run(opts: { dropped?: number; unfinished?: number; failedMs?: number[]; status4xx?: number }): RunResult {
  const answered = Array.from({ length: 900 }, () => 10);
  const failed = opts.failedMs ?? [];
  const dropped = opts.dropped ?? 0;
  const unfinished = opts.unfinished ?? 0;
  const base = makeResult({ latenciesMs: answered, errors: failed.length, byStatus: { '200': 900 - (opts.status4xx ?? 0), ...(opts.status4xx ? { '404': opts.status4xx } : {}) } });
  const sent = 900 + failed.length + unfinished;
  return {
    ...base,
    totals: { ...base.totals, scheduled: sent + dropped, sent, dropped, unfinished },
    histograms: { ...base.histograms, latencyAllUs: encodedOf([...answered, ...failed]) },
  };
}

function verdictOf(result: RunResult, expr: string) {
  return evaluateGates(result, parseGates([], [expr]))[0];
}

describe('latencyAll and requests.failed', () => {
  it('a run that dropped half its arrivals passes latency.p99 but fails latencyAll.p99, saying why', () => {
    const r = run({ dropped: 900 });
    expect(verdictOf(r, 'latency.p99 < 250ms').passed).toBe(true);
    const all = verdictOf(r, 'latencyAll.p99 < 250ms');
    expect(all.passed).toBe(false);
    expect(all.reason).toMatch(/more than 1% of arrivals were dropped or never answered/);
    expect(verdictOf(r, 'requests.failed.rate < 1%').passed).toBe(false);
    expect(verdictOf(r, 'requests.unanswered.count == 900').passed).toBe(true);
  });

  it('counts timed-out requests at their time: 20 timeouts of 5 s put p99 at 5 s', () => {
    const r = run({ failedMs: Array.from({ length: 20 }, () => 5000) });
    expect(verdictOf(r, 'latency.p99 < 250ms').passed).toBe(true);
    const all = verdictOf(r, 'latencyAll.p99 < 250ms');
    expect(all.passed).toBe(false);
    expect(all.actual).toBeCloseTo(5000, -1);
    expect(verdictOf(r, 'latencyAll.p90 < 250ms').passed).toBe(true);
  });

  it('a few unanswered within the percentile budget still pass: 5 of 905 is under 1%', () => {
    const r = run({ unfinished: 5 });
    expect(verdictOf(r, 'latencyAll.p99 < 250ms').passed).toBe(true);
    expect(verdictOf(r, 'latencyAll.p999 < 250ms').passed).toBe(false);
    expect(verdictOf(r, 'requests.unanswered.rate < 1%').passed).toBe(true);
  });

  it('requests.failed counts 4xx like k6 http_req_failed; requests.unanswered does not', () => {
    const r = run({ status4xx: 30 });
    expect(verdictOf(r, 'requests.failed.count == 30').passed).toBe(true);
    expect(verdictOf(r, 'requests.unanswered.count == 0').passed).toBe(true);
  });

  it('resolves any percentile: latencyAll.p95', () => {
    expect(verdictOf(run({ failedMs: [5000] }), 'latencyAll.p95 < 20ms').passed).toBe(true);
  });
});
