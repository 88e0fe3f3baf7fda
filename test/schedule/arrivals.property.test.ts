import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PhaseSpec, Spacing } from '../../src/scenario/types.ts';
import { arrivalCursor, type ArrivalCursor } from '../../src/schedule/arrivals.ts';
import { planOf } from '../../src/schedule/plan.ts';
import { createRng, exponential } from '../../src/schedule/rng.ts';
import { exactArrivals, isEarliestTimeFor } from '../oracle/schedule-oracle.ts';

function drain(cursor: ArrivalCursor, limit = 1e7): number[] {
  const out: number[] = [];
  for (let t = cursor.next(); t !== Infinity && out.length < limit; t = cursor.next()) out.push(t);
  return out;
}

const rate = fc.integer({ min: 0, max: 400 });
const duration = fc.integer({ min: 0, max: 4_000 });

/** Phases with an exact rational count (everything but sine), uniform or as given. */
function rationalPhase(spacing: fc.Arbitrary<Spacing>): fc.Arbitrary<PhaseSpec> {
  return fc.oneof(
    fc.record({ shape: fc.constant('constant' as const), rateRps: rate, durationMs: duration, arrivals: spacing }),
    fc.record({ shape: fc.constant('ramp' as const), fromRps: rate, toRps: rate, durationMs: duration, arrivals: spacing }),
    fc.record({ shape: fc.constant('steps' as const), fromRps: rate, toRps: rate, steps: fc.integer({ min: 1, max: 6 }), durationMs: duration, arrivals: spacing }),
    fc.integer({ min: 0, max: 300 }).chain((spreadMs) =>
      fc.record({ shape: fc.constant('burst' as const), count: fc.integer({ min: 0, max: 40 }), spreadMs: fc.constant(spreadMs), durationMs: fc.integer({ min: spreadMs, max: 2_000 }) }),
    ),
    fc.record({ shape: fc.constant('pause' as const), durationMs: duration }),
  );
}

const sinePhase = (spacing: fc.Arbitrary<Spacing>): fc.Arbitrary<PhaseSpec> =>
  fc.integer({ min: 0, max: 300 }).chain((meanRps) =>
    fc.record({
      shape: fc.constant('sine' as const),
      meanRps: fc.constant(meanRps),
      amplitudeRps: fc.integer({ min: 0, max: meanRps }),
      periodMs: fc.integer({ min: 1, max: 5_000 }),
      durationMs: duration,
      arrivals: spacing,
    }),
  );

const uniformPlan = fc.array(rationalPhase(fc.constant('uniform')), { minLength: 1, maxLength: 4 });
const anySpacing = fc.constantFrom<Spacing>('uniform', 'poisson');
const anyPlan = fc.array(fc.oneof(rationalPhase(anySpacing), sinePhase(anySpacing)), { minLength: 1, maxLength: 4 });

describe('uniform arrivals against the exact oracle', () => {
  it('yields exactly ⌊total count⌋ arrivals, each at the earliest time reaching its count', () => {
    fc.assert(
      fc.property(uniformPlan, fc.integer(), (phases, seed) => {
        const plan = planOf(phases);
        const times = drain(arrivalCursor(plan, seed));
        expect(times.length).toBe(Number(exactArrivals(phases)));
        expect(plan.expectedArrivals).toBe(times.length);
        // Exact checks are slow (BigInt): the first, the last and every k-th arrival.
        const picks = new Set([0, times.length - 1]);
        for (let n = 0; n < times.length; n += Math.max(1, Math.floor(times.length / 25))) picks.add(n);
        for (const n of picks) {
          if (n < 0 || n >= times.length) continue;
          expect(isEarliestTimeFor(phases, n + 1, times[n]!, 1e-6), `arrival ${n} at ${times[n]}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the count curve and its inverse', () => {
  it('countAt(timeAtCount(n)) ≈ n (>= n where an instant burst jumps over it), and just before it the count is below n', () => {
    fc.assert(
      fc.property(anyPlan, fc.double({ min: 0, max: 1, noNaN: true }), (phases, fraction) => {
        const plan = planOf(phases);
        const total = plan.countAt(plan.durationMs);
        const n = fraction * total;
        const t = plan.timeAtCount(n);
        expect(t).toBeDefined();
        const tolerance = 1e-9 * Math.max(1, n);
        expect(plan.countAt(t!)).toBeGreaterThanOrEqual(n - tolerance);
        const jumps = phases.some((p) => p.shape === 'burst' && p.spreadMs === 0 && p.count > 0);
        if (!jumps) expect(plan.countAt(t!)).toBeLessThanOrEqual(n + tolerance);
        if (n > 1e-6 && t! > 1e-3) expect(plan.countAt(t! - 1e-3)).toBeLessThan(n);
        expect(plan.timeAtCount(total + 1e-3)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('countAt is non-decreasing in time', () => {
    fc.assert(
      fc.property(anyPlan, fc.array(fc.double({ min: -10, max: 25_000, noNaN: true }), { minLength: 2, maxLength: 40 }), (phases, ts) => {
        const plan = planOf(phases);
        const sorted = [...ts].sort((a, b) => a - b);
        for (let i = 1; i < sorted.length; i++) expect(plan.countAt(sorted[i]!)).toBeGreaterThanOrEqual(plan.countAt(sorted[i - 1]!));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the cursor', () => {
  it('is non-decreasing, stays inside the plan, and keeps answering Infinity at the end', () => {
    fc.assert(
      fc.property(anyPlan, fc.integer(), (phases, seed) => {
        const plan = planOf(phases);
        const cursor = arrivalCursor(plan, seed);
        const times = drain(cursor);
        const backwards = times.findIndex((t, i) => i > 0 && t < times[i - 1]!);
        expect(backwards, `arrival ${backwards} goes back in time`).toBe(-1);
        if (times.length > 0) {
          expect(times[0]!).toBeGreaterThanOrEqual(0);
          expect(times.at(-1)!).toBeLessThanOrEqual(plan.durationMs);
        }
        expect([cursor.next(), cursor.next()]).toEqual([Infinity, Infinity]);
      }),
      { numRuns: 200 },
    );
  });

  it('gives identical sequences for identical seeds (Poisson included)', () => {
    fc.assert(
      fc.property(anyPlan, fc.integer(), (phases, seed) => {
        const plan = planOf(phases);
        expect(drain(arrivalCursor(plan, seed))).toEqual(drain(arrivalCursor(planOf(phases), seed)));
      }),
      { numRuns: 100 },
    );
  });

  it('puts exactly N burst arrivals at the burst instant whatever fraction precedes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1_000 }), (leadMs, rateRps, count) => {
        const phases: PhaseSpec[] = [
          { shape: 'constant', rateRps, durationMs: leadMs, arrivals: 'uniform' },
          { shape: 'burst', count, spreadMs: 0, durationMs: 1_000 },
        ];
        const times = drain(arrivalCursor(planOf(phases), 1));
        const atBurst = times.filter((t) => t === leadMs).length;
        const before = Math.floor((rateRps * leadMs) / 1000 + 1e-9);
        // An arrival of the lead phase may itself fall exactly on leadMs.
        const leadOnEdge = before > 0 && Number.isInteger((rateRps * leadMs) / 1000) ? 1 : 0;
        expect(atBurst).toBe(count + leadOnEdge);
        expect(times.length).toBe(before + count);
      }),
      { numRuns: 200 },
    );
  });
});

describe('headline schedules', () => {
  it.each<[string, PhaseSpec, number, number, number]>([
    ['constant 1000 rps × 5 s: first at 1 ms, last exactly at 5 s', { shape: 'constant', rateRps: 1_000, durationMs: 5_000, arrivals: 'uniform' }, 5_000, 1, 5_000],
    ['ramp 0→100 rps over 10 s: the triangle holds 500', { shape: 'ramp', fromRps: 0, toRps: 100, durationMs: 10_000, arrivals: 'uniform' }, 500, Math.sqrt(200_000), 10_000],
    ['steps 100→500 in 5 × 1 s: 1500 in all', { shape: 'steps', fromRps: 100, toRps: 500, steps: 5, durationMs: 5_000, arrivals: 'uniform' }, 1_500, 10, 5_000],
    ['burst spread 1000 over 100 ms: 0.1 ms apart', { shape: 'burst', count: 1_000, spreadMs: 100, durationMs: 1_000 }, 1_000, 0.1, 100],
    ['sine 100±100 over 3 periods: 3 × mean × P', { shape: 'sine', meanRps: 100, amplitudeRps: 100, periodMs: 2_000, durationMs: 6_000, arrivals: 'uniform' }, 600, 0, 6_000],
  ])('%s', (_why, phase, count, firstMs, lastMs) => {
    const times = drain(arrivalCursor(planOf([phase]), 7));
    expect(times.length).toBe(count);
    if (firstMs > 0) expect(times[0]).toBeCloseTo(firstMs, 9);
    expect(times.at(-1)).toBeCloseTo(lastMs, 9);
  });
});

describe('no drift over 1e6 arrivals', () => {
  it('constant 1000 rps: arrival n is exactly at n + 1 ms, all million of them', () => {
    const cursor = arrivalCursor(planOf([{ shape: 'constant', rateRps: 1_000, durationMs: 1_000_000, arrivals: 'uniform' }]), 1);
    let wrong = 0;
    for (let n = 0; n < 1_000_000; n++) if (cursor.next() !== n + 1) wrong++;
    expect(wrong).toBe(0);
    expect(cursor.next()).toBe(Infinity);
  });

  it('constant 3 rps (a period that is no float): arrival n stays within 1 ulp-scale of (n+1)·1000/3', () => {
    const cursor = arrivalCursor(planOf([{ shape: 'constant', rateRps: 3, durationMs: 1e9 / 3, arrivals: 'uniform' }]), 1);
    let worst = 0;
    let count = 0;
    for (let t = cursor.next(); t !== Infinity; t = cursor.next()) {
      count++;
      worst = Math.max(worst, Math.abs(t - (count * 1000) / 3) / t);
    }
    expect(count).toBe(1_000_000);
    expect(worst).toBeLessThan(1e-15);
  });
});

describe('Poisson arrivals', () => {
  it('match the slow reference: S(n+1) = Σ n+1 seeded Exp(1) draws, mapped through timeAtCount', () => {
    const plan = planOf([{ shape: 'ramp', fromRps: 50, toRps: 400, durationMs: 20_000, arrivals: 'poisson' }]);
    const rng = createRng(99);
    const reference: number[] = [];
    for (let s = exponential(rng); plan.timeAtCount(s) !== undefined; s += exponential(rng)) reference.push(plan.timeAtCount(s)!);
    const times = drain(arrivalCursor(plan, 99));
    expect(times.length).toBe(reference.length);
    for (let i = 0; i < times.length; i++) expect(times[i]).toBeCloseTo(reference[i]!, 9);
  });

  it('hold the mean rate within 2% and have exponential gaps (CV ≈ 1) over a long seeded run', () => {
    const plan = planOf([{ shape: 'constant', rateRps: 1_000, durationMs: 200_000, arrivals: 'poisson' }]);
    const times = drain(arrivalCursor(plan, 2024));
    expect(Math.abs(times.length - 200_000) / 200_000).toBeLessThan(0.02);
    const gaps = times.map((t, i) => t - (i === 0 ? 0 : times[i - 1]!));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd / mean).toBeGreaterThan(0.97);
    expect(sd / mean).toBeLessThan(1.03);
  });

  it('follow the shape: a ramp 0→2000 rps puts a quarter of its arrivals in the first half', () => {
    const plan = planOf([{ shape: 'ramp', fromRps: 0, toRps: 2_000, durationMs: 100_000, arrivals: 'poisson' }]);
    const times = drain(arrivalCursor(plan, 5));
    const firstHalf = times.filter((t) => t < 50_000).length;
    expect(Math.abs(times.length - 100_000) / 100_000).toBeLessThan(0.02);
    expect(Math.abs(firstHalf / times.length - 0.25)).toBeLessThan(0.01);
  });

  it('differ between seeds', () => {
    const plan = planOf([{ shape: 'constant', rateRps: 100, durationMs: 1_000, arrivals: 'poisson' }]);
    expect(drain(arrivalCursor(plan, 1))).not.toEqual(drain(arrivalCursor(plan, 2)));
  });

  it('carry across a uniform phase and a pause without losing the rate', () => {
    const phases: PhaseSpec[] = [
      { shape: 'constant', rateRps: 500, durationMs: 20_000, arrivals: 'poisson' },
      { shape: 'constant', rateRps: 500, durationMs: 20_000, arrivals: 'uniform' },
      { shape: 'pause', durationMs: 5_000 },
      { shape: 'constant', rateRps: 500, durationMs: 20_000, arrivals: 'poisson' },
    ];
    const times = drain(arrivalCursor(planOf(phases), 11));
    const inRange = (a: number, b: number) => times.filter((t) => t > a && t <= b).length;
    expect(inRange(20_000, 40_000)).toBe(10_000);
    expect(inRange(40_000, 45_000)).toBe(0);
    expect(Math.abs(inRange(0, 20_000) - 10_000)).toBeLessThan(400);
    expect(Math.abs(inRange(45_000, 65_000) - 10_000)).toBeLessThan(400);
  });
});
