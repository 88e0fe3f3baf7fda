import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import type { PhaseSpec } from '../../src/scenario/types.ts';
import { arrivalCursor } from '../../src/schedule/arrivals.ts';
import { planOf } from '../../src/schedule/plan.ts';

const constant = (rateRps: number, durationMs: number): PhaseSpec => ({ shape: 'constant', rateRps, durationMs, arrivals: 'uniform' });
const burst = (count: number, spreadMs = 0, durationMs = 0): PhaseSpec => ({ shape: 'burst', count, spreadMs, durationMs });

describe('planOf composes phases into one count curve', () => {
  const plan = planOf([
    constant(100, 10_000),
    { shape: 'ramp', fromRps: 100, toRps: 300, durationMs: 10_000, arrivals: 'poisson' },
    burst(50, 0, 5_000),
    { shape: 'pause', durationMs: 5_000 },
  ]);

  it.each<[string, number, number]>([
    ['end of the constant phase', 10_000, 1_000],
    ['midway up the ramp: 1000 + (100·5 + 200·5/4)', 15_000, 1_000 + 500 + 250],
    ['the burst counts at its own start instant', 20_000, 3_000 + 50],
    ['just before the burst', 19_999.999, 3_000 - 0.0003],
    ['during the pause', 27_000, 3_050],
    ['after the end', 1e9, 3_050],
    ['before the start', -1, 0],
  ])('countAt: %s', (_why, tMs, expected) => {
    expect(plan.countAt(tMs)).toBeCloseTo(expected, 3);
  });

  it.each<[string, number, number | undefined]>([
    ['first arrival at 1/rate', 1, 10],
    ['last of the constant phase at its end', 1_000, 10_000],
    ['first of the ramp just after 10 s', 1_001, 10_000 + 1_000 * (2 / (100 + Math.sqrt(100 ** 2 + 4 * (200 / 20_000) * 1_000)))],
    ['every burst count at the burst instant', 3_050, 20_000],
    ['past the total: never', 3_051, undefined],
  ])('timeAtCount: %s', (_why, count, expected) => {
    const t = plan.timeAtCount(count);
    if (expected === undefined) expect(t).toBeUndefined();
    else expect(t).toBeCloseTo(expected, 6);
  });

  it('sums durations and counts, and describes each phase on one line', () => {
    expect(plan.durationMs).toBe(30_000);
    expect(plan.expectedArrivals).toBe(3_050);
    expect(plan.meanRateRps).toBeCloseTo(3_050 / 30, 9);
    expect(plan.describe()).toEqual([
      'constant 100 rps for 10 s',
      'ramp 100→300 rps over 10 s, poisson arrivals',
      'burst 50 at once, phase 5 s',
      'pause 5 s',
    ]);
  });

  it('reports the rate of the phase in force, 0 outside the plan', () => {
    expect(plan.rateRpsAt(5_000)).toBe(100);
    expect(plan.rateRpsAt(15_000)).toBeCloseTo(200, 9);
    expect(plan.rateRpsAt(30_000)).toBe(0);
    expect(plan.rateRpsAt(-1)).toBe(0);
  });
});

describe('fractions carry across phase boundaries', () => {
  it.each<[string, PhaseSpec[], number]>([
    ['two 10.5-arrival halves give 21, not 20', [constant(10, 1_050), constant(10, 1_050)], 21],
    ['three thirds give 1', [constant(1, 333.333_333_333_333_4), constant(1, 333.333_333_333_333_4), constant(1, 333.333_333_333_333_4)], 1],
    ['a pause does not lose the carried half', [constant(10, 1_050), { shape: 'pause', durationMs: 500 }, constant(10, 1_050)], 21],
    ['a burst takes exactly N whatever fraction it inherits', [constant(10, 1_050), burst(7), constant(10, 1_050)], 28],
  ])('%s', (_why, phases, expected) => {
    const plan = planOf(phases);
    expect(plan.expectedArrivals).toBe(expected);
    const cursor = arrivalCursor(plan, 1);
    let n = 0;
    while (cursor.next() !== Infinity) n++;
    expect(n).toBe(expected);
  });

  it('places the arrival that straddles a boundary on the next phase', () => {
    // 10.5 arrivals in the first phase: the 11th needs half an arrival of the second phase, at 50 ms.
    const plan = planOf([constant(10, 1_050), constant(10, 1_050)]);
    expect(plan.timeAtCount(11)).toBeCloseTo(1_100, 9);
  });
});

describe('instant phases', () => {
  it('puts consecutive zero-length bursts at the same instant, all counted', () => {
    const plan = planOf([constant(10, 1_000), burst(5), burst(3), constant(10, 1_000)]);
    expect(plan.countAt(1_000)).toBe(18);
    expect(plan.countAt(999.999)).toBeCloseTo(10, 3);
    const cursor = arrivalCursor(plan, 1);
    const times = Array.from({ length: 29 }, () => cursor.next());
    expect(times.slice(9, 18)).toEqual(Array(9).fill(1_000));
    expect(times[18]).toBeCloseTo(1_100, 9);
    expect(times[28]).toBe(Infinity);
  });

  it('lets a plan be a single instant', () => {
    const plan = planOf([burst(4)]);
    expect(plan.durationMs).toBe(0);
    expect(plan.meanRateRps).toBe(0);
    expect(plan.countAt(0)).toBe(4);
    const cursor = arrivalCursor(plan, 1);
    expect([cursor.next(), cursor.next(), cursor.next(), cursor.next(), cursor.next()]).toEqual([0, 0, 0, 0, Infinity]);
  });
});

describe('impossible plans are refused with one line naming the field', () => {
  const bad = (phase: Record<string, unknown>) => [phase as unknown as PhaseSpec];
  it.each<[string, PhaseSpec[], RegExp]>([
    ['no phases', [], /^phases: \[\] is invalid/],
    ['negative rate', bad({ shape: 'constant', rateRps: -5, durationMs: 1_000, arrivals: 'uniform' }), /^phases\[0\]\.rateRps: -5 is invalid/],
    ['infinite duration would never end', bad({ shape: 'constant', rateRps: 1, durationMs: Infinity, arrivals: 'uniform' }), /phases\[0\]\.durationMs/],
    ['NaN rate', bad({ shape: 'ramp', fromRps: Number.NaN, toRps: 1, durationMs: 1, arrivals: 'uniform' }), /phases\[0\]\.fromRps/],
    ['sine amplitude above its mean needs a negative rate', bad({ shape: 'sine', meanRps: 10, amplitudeRps: 20, periodMs: 1_000, durationMs: 1_000, arrivals: 'uniform' }), /phases\[0\]\.amplitudeRps: 20 is invalid \(expected a number from 0 to meanRps \(10\)/],
    ['sine with a zero period', bad({ shape: 'sine', meanRps: 10, amplitudeRps: 0, periodMs: 0, durationMs: 1_000, arrivals: 'uniform' }), /phases\[0\]\.periodMs: 0/],
    ['fractional steps', bad({ shape: 'steps', fromRps: 1, toRps: 2, steps: 2.5, durationMs: 1_000, arrivals: 'uniform' }), /phases\[0\]\.steps: 2\.5/],
    ['zero steps', bad({ shape: 'steps', fromRps: 1, toRps: 2, steps: 0, durationMs: 1_000, arrivals: 'uniform' }), /phases\[0\]\.steps: 0/],
    ['burst spread longer than its phase', bad({ shape: 'burst', count: 5, spreadMs: 500, durationMs: 100 }), /phases\[0\]\.durationMs: 100 is invalid \(expected a number >= spreadMs \(500\)\)/],
    ['fractional burst count', bad({ shape: 'burst', count: 1.5, spreadMs: 0, durationMs: 0 }), /phases\[0\]\.count: 1\.5/],
    ['unknown shape', bad({ shape: 'square', durationMs: 1 }), /phases\[0\]\.shape: "square" is invalid \(expected one of constant, ramp/],
    ['unknown spacing', bad({ shape: 'constant', rateRps: 1, durationMs: 1, arrivals: 'random' }), /phases\[0\]\.arrivals: "random"/],
    ['more arrivals than a double counts exactly', [constant(1e300, 1e10)], /at most 9007199254740991 arrivals/],
  ])('%s', (_why, phases, message) => {
    const attempt = () => planOf(phases, 'scenarios/x.ts');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message.source.startsWith('^') ? new RegExp(`^scenarios/x\\.ts: ${message.source.slice(1)}`) : message);
  });

  it('names the failing phase by its position', () => {
    expect(() => planOf([constant(1, 1), constant(-1, 1)])).toThrow(/^phases\[1\]\.rateRps: -1 is invalid/);
  });
});
