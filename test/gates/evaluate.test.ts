import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { evaluateGates, implicitGates, withGates } from '../../src/gates/evaluate.ts';
import { parseGate } from '../../src/gates/parse.ts';
import { makeResult, percentilesOf, row, throttleSection } from './fixtures.ts';

const gate = (expr: string) => parseGate(expr);
const one = (result: ReturnType<typeof makeResult>, expr: string) => evaluateGates(result, [gate(expr)])[0];

describe('whole-run gates', () => {
  // 1000 latencies 10.0..19.9 ms: p99 is about 19.8 ms.
  const result = makeResult({ errors: 20, byStatus: { '200': 970, '429': 25, '503': 5 } });

  it('a gate that must pass passes, with the measured value', () => {
    const v = one(result, 'latency.p99 < 25ms');
    expect(v.passed).toBe(true);
    expect(v.actual).toBeCloseTo(result.latencyMs.p99, 6);
    expect(v.threshold).toBe('< 25ms');
  });

  it('a gate that must fail fails, and says what was measured', () => {
    const v = one(result, 'latency.p99 < 15ms');
    expect(v.passed).toBe(false);
    expect(v.reason).toMatch(/latency\.p99 = 19\.\d+ ms \(fails < 15ms\)/);
  });

  it.each([
    // expr, passed, why
    ['errors.rate < 1%', false, '20 of 1020 sent = 1.96%'],
    ['errors.rate < 2%', true, '1.96% is under 2%'],
    ['errors.count <= 20', true, 'exactly at the threshold'],
    ['status429.rate < 2%', false, '25 of 1020 = 2.45%'],
    ['status5xx.count == 5', true, '503s are 5xx'],
    ['status.503.count == 5', true, 'by exact code'],
    ['ok.rate >= 95%', true, '970 / 1020 = 95.1%'],
    ['schedule.achieved >= 99%', true, 'fixture achieved = target'],
    ['latency.p95 < 19.6ms', true, 'p95 read exactly from the histogram (~19.5 ms)'],
    ['cloudwatch.status == skipped', true, 'enum comparison'],
  ])('%s -> %s (%s)', (expr, passed) => {
    expect(one(result, expr).passed).toBe(passed);
  });

  it('a gate on data the run does not have fails and says why', () => {
    const v = one(result, 'throttle.verdict == pass');
    expect(v).toMatchObject({ passed: false, actual: null });
    expect(v.reason).toContain('no limits declared');
    expect(one(result, 'cloudwatch.count.diff == 0').reason).toContain('not reconciled');
  });
});

describe('unexpected 429s', () => {
  it('are every 429 when no limits are declared', () => {
    const r = makeResult({ byStatus: { '200': 990, '429': 10 } });
    expect(one(r, 'status429.unexpected.count == 10').passed).toBe(true);
  });

  it('are the 429s the model did not predict when limits are declared, floored at 0', () => {
    const base = makeResult({ byStatus: { '200': 900, '429': 100 } });
    const predictedMost = { ...base, throttle: throttleSection(95, 100, 1000) };
    expect(one(predictedMost, 'status429.unexpected.count == 5').passed).toBe(true);
    expect(one(predictedMost, 'status429.unexpected.rate < 1%').passed).toBe(true);
    const overPredicted = { ...base, throttle: throttleSection(150, 100, 1000) };
    expect(one(overPredicted, 'status429.unexpected.count == 0').passed).toBe(true);
  });
});

describe('per-window gates against hand-built timelines', () => {
  const fast = Array.from({ length: 100 }, () => 20);
  const slow = Array.from({ length: 100 }, () => 400);
  // Seconds 0-9 fast, second 12 slow, the rest fast: only window 10-20 s holds the slow second.
  const timeline = Array.from({ length: 30 }, (_, s) => row(s, s === 12 ? slow : fast));
  const result = makeResult({ timeline, latenciesMs: [...fast, ...slow] });

  it('fails when one window fails, reporting the worst window', () => {
    const v = one(result, 'latency.p99 < 300ms in every 10s');
    expect(v.passed).toBe(false);
    expect(v.window).toBe('every 10s');
    expect(v.actual).toBeCloseTo(400, -1);
    expect(v.reason).toContain('1 of 3 windows fail');
    expect(v.reason).toContain('10-20 s');
  });

  it('passes when the bad second is before the offset', () => {
    const v = one(result, 'latency.p99 < 300ms in every 5s after 15s');
    expect(v.passed).toBe(true);
    expect(v.reason).toContain('all 3 windows meet');
  });

  it('merges a window exactly: its p99 is the p99 of all its values recorded in one histogram', () => {
    // 9 seconds of 100 x 20 ms and one second of 100 x 400 ms: 10% are slow, so p90 is 20 ms
    // and p99 is 400 ms. An average of per-second p99s would say 58 ms.
    const exact = percentilesOf([...Array.from({ length: 900 }, () => 20), ...slow]);
    expect(one(result, 'latency.p99 < 300ms in every 10s').actual).toBe(exact.p99);
    expect(one(result, 'latency.p90 < 30ms in every 10s').passed).toBe(true);
  });

  it('evaluates rates per window, skipping windows without requests', () => {
    const rows = [
      row(0, fast), row(1, fast),
      row(2, fast.slice(0, 90), { sent: 100, errors: 10 }), // 10% errors in second 2
      row(3, [], { sent: 0 }), // nothing sent: no data, not a pass and not a fail
      row(4, fast),
    ];
    const r = makeResult({ timeline: rows });
    const v = one(r, 'errors.rate < 5% in every 1s');
    expect(v.passed).toBe(false);
    expect(v.actual).toBeCloseTo(0.1, 9);
    expect(v.reason).toContain('1 of 4 windows fail');
    expect(one(r, 'errors.rate < 5% in every 5s').passed).toBe(true); // 10 of 400 = 2.5%
  });

  it('fails when no window has data', () => {
    const v = one(makeResult({ timeline: [row(0, fast)] }), 'latency.p99 < 1s in every 10s after 60s');
    expect(v).toMatchObject({ passed: false, actual: null });
  });

  it('unexpected 429s per window use the replay per second when limits are declared', () => {
    const rows = [row(0, fast, { throttled: 10 }), row(1, fast, { throttled: 10 })];
    const perSecond = [
      { second: 0, predictedAccepted: 90, observedAccepted: 90, observedThrottled: 10 }, // all predicted
      { second: 1, predictedAccepted: 100, observedAccepted: 90, observedThrottled: 10 }, // 10 unexpected
    ];
    const r = { ...makeResult({ timeline: rows }), throttle: throttleSection(10, 20, 200, perSecond) };
    const v = one(r, 'status429.unexpected.count == 0 in every 1s');
    expect(v.passed).toBe(false);
    expect(v.reason).toContain('1-2 s');
    expect(v.actual).toBe(10);
  });

  it('refuses to merge a histogram of another precision rather than lose precision silently', () => {
    const coarse = build({ bitBucketSize: 64, numberOfSignificantValueDigits: 2, autoResize: true });
    coarse.recordValue(20_000);
    const bad = { ...row(1, fast), latencyHistogram: encodeIntoCompressedBase64(coarse) };
    expect(() => one(makeResult({ timeline: [row(0, fast), bad] }), 'latency.p99 < 1s in every 2s')).toThrow(/settings differ/);
  });
});

describe('implicit gates and withGates', () => {
  it('declared limits add throttle.verdict == pass; every run requires a response', () => {
    const plain = makeResult();
    expect(implicitGates(plain).map((g) => g.source)).toEqual(['requests.completed > 0']);
    const limited = { ...plain, throttle: { ...throttleSection(0, 0, 1000), verdict: 'fail' as const } };
    const gates = implicitGates(limited);
    expect(gates.map((g) => g.source)).toEqual(['requests.completed > 0', 'throttle.verdict == pass']);
    const verdicts = evaluateGates(limited, gates);
    expect(withGates(limited, verdicts)).toMatchObject({ passed: false, gates: verdicts });
  });

  it('does not add a gate the user already wrote', () => {
    const limited = { ...makeResult(), throttle: throttleSection(0, 0, 1000) };
    expect(implicitGates(limited, [gate('throttle.verdict == pass')]).map((g) => g.source)).toEqual(['requests.completed > 0']);
  });

  it('a run where nothing answered fails its implicit gate', () => {
    const dead = makeResult({ latenciesMs: [], timeline: [row(0, [], { sent: 50, errors: 50 })], errors: 50, byStatus: {} });
    const verdicts = evaluateGates(dead, implicitGates(dead));
    expect(withGates(dead, verdicts).passed).toBe(false);
  });

  it('passed is true only when every verdict passed', () => {
    const r = makeResult();
    expect(withGates(r, evaluateGates(r, [gate('latency.p99 < 1s'), gate('errors.rate == 0')])).passed).toBe(true);
    expect(withGates(r, evaluateGates(r, [gate('latency.p99 < 1s'), gate('latency.p50 < 1ms')])).passed).toBe(false);
  });
});
