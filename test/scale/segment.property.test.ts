import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PhaseSpec, RequestSpec, Spacing } from '../../src/scenario/types.ts';
import { arrivalCursor, type ArrivalCursor } from '../../src/schedule/arrivals.ts';
import { planOf } from '../../src/schedule/plan.ts';
import { createRequestFactory } from '../../src/load/request-factory.ts';
import { arrivalsInSegment, globalArrivalIndex, parseSegment, segmentCursor, segmentFactory, type Segment } from '../../src/load/segment.ts';

function drain(cursor: ArrivalCursor): number[] {
  const out: number[] = [];
  for (let t = cursor.next(); t !== Infinity; t = cursor.next()) out.push(t);
  return out;
}

const rate = fc.integer({ min: 0, max: 300 });
const duration = fc.integer({ min: 0, max: 3_000 });
const spacing = fc.constantFrom<Spacing>('uniform', 'poisson');

/** Every shape the schedule knows, Poisson where a shape may be. */
const phase: fc.Arbitrary<PhaseSpec> = fc.oneof(
  fc.record({ shape: fc.constant('constant' as const), rateRps: rate, durationMs: duration, arrivals: spacing }),
  fc.record({ shape: fc.constant('ramp' as const), fromRps: rate, toRps: rate, durationMs: duration, arrivals: spacing }),
  fc.record({ shape: fc.constant('steps' as const), fromRps: rate, toRps: rate, steps: fc.integer({ min: 1, max: 5 }), durationMs: duration, arrivals: spacing }),
  fc.integer({ min: 0, max: 200 }).chain((spreadMs) =>
    fc.record({ shape: fc.constant('burst' as const), count: fc.integer({ min: 0, max: 60 }), spreadMs: fc.constant(spreadMs), durationMs: fc.integer({ min: spreadMs, max: 1_000 }) })),
  fc.integer({ min: 0, max: 200 }).chain((meanRps) =>
    fc.record({ shape: fc.constant('sine' as const), meanRps: fc.constant(meanRps), amplitudeRps: fc.integer({ min: 0, max: meanRps }), periodMs: fc.integer({ min: 1, max: 3_000 }), durationMs: duration, arrivals: spacing })),
  fc.record({ shape: fc.constant('pause' as const), durationMs: duration }),
);
const phases = fc.array(phase, { minLength: 1, maxLength: 4 });
const parts = fc.integer({ min: 1, max: 9 });

function partTimes(p: readonly PhaseSpec[], seed: number, segment: Segment): number[] {
  return drain(segmentCursor(arrivalCursor(planOf(p), seed), segment));
}

describe('execution segments partition the schedule', () => {
  it('every arrival is in exactly one part, at the unsplit intended time, for every shape and any N', () => {
    fc.assert(
      fc.property(phases, fc.integer(), parts, (p, seed, n) => {
        const whole = drain(arrivalCursor(planOf(p), seed));
        const owner = new Array<number>(whole.length).fill(-1);
        let total = 0;
        for (let i = 0; i < n; i++) {
          const segment = { index: i, count: n };
          const times = partTimes(p, seed, segment);
          expect(times.length).toBe(arrivalsInSegment(whole.length, segment));
          times.forEach((atMs, local) => {
            const g = globalArrivalIndex(local, segment);
            expect(owner[g], `arrival ${g} owned twice`).toBe(-1);
            owner[g] = i;
            // Bit-for-bit the single-process time: nothing is rescaled or re-drawn.
            expect(Object.is(atMs, whole[g])).toBe(true);
          });
          total += times.length;
        }
        expect(total).toBe(whole.length);
        expect(owner.every((o) => o >= 0)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('the union of the parts, merged by time, is the single-process schedule', () => {
    fc.assert(
      fc.property(phases, fc.integer(), parts, (p, seed, n) => {
        const whole = drain(arrivalCursor(planOf(p), seed));
        const union = Array.from({ length: n }, (_, i) => partTimes(p, seed, { index: i, count: n })).flat().sort((a, b) => a - b);
        expect(union).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps an instant burst an instant burst in every part (about 1/N of it each)', () => {
    const burst: PhaseSpec[] = [{ shape: 'constant', rateRps: 100, durationMs: 500, arrivals: 'uniform' }, { shape: 'burst', count: 1000, spreadMs: 0, durationMs: 1000 }];
    // The constant phase's last arrival is due at 500 ms too: 1,001 arrivals share that instant.
    const burstAtMs = 500;
    const atBurst = [0, 1, 2, 3].map((i) => partTimes(burst, 1, { index: i, count: 4 }).filter((t) => t === burstAtMs).length);
    expect(atBurst.reduce((a, b) => a + b)).toBe(1001);
    for (const n of atBurst) expect(n === 250 || n === 251).toBe(true);
  });
});

describe('requests stay a function of (seed, global arrival index)', () => {
  const requests: RequestSpec[] = [
    { name: 'a', method: 'GET', path: '/a/{id}', headers: {}, body: undefined, weight: 3, params: { id: { type: 'int', min: 0, max: 1e6 } } },
    { name: 'b', method: 'POST', path: '/b', headers: {}, body: '{"u":"{u}"}', weight: 1, params: { u: { type: 'uuid' } } },
  ];
  it('part i sends, for its k-th arrival, what one process sends for arrival i + kN', () => {
    fc.assert(
      fc.property(fc.integer(), parts, fc.array(fc.nat(5_000), { minLength: 1, maxLength: 20 }), (seed, n, locals) => {
        const whole = createRequestFactory(requests, seed);
        for (let i = 0; i < n; i++) {
          const segment = { index: i, count: n };
          const part = segmentFactory(createRequestFactory(requests, seed), segment);
          for (const k of locals) expect(part.prepare(k)).toEqual(whole.prepare(i + k * n));
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('parseSegment', () => {
  it.each([
    ['0/1', { index: 0, count: 1 }],
    ['3/4', { index: 3, count: 4 }],
  ])('%s', (text, want) => expect(parseSegment(text)).toEqual(want));
  it.each(['4/4', '1/0', '-1/3', 'a/b', '1', '0/5000'])('refuses %s in one line naming --segment', (text) => {
    expect(() => parseSegment(text)).toThrow(/^--segment: .* is invalid \(expected i\/N/);
  });
});
