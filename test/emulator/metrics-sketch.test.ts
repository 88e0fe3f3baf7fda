import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Flags, parseStatistic, rankOf, Values } from '../../src/emulator/metrics/distribution.ts';

/** The exact nearest-rank percentile: the oracle the sketch is held to. */
function exact(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[rankOf(p, sorted.length) - 1];
}

describe('Values (per-minute latency aggregate)', () => {
  it('pNN is within 0.1 % of the exact nearest-rank value, and merging equals recording in one', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 0, max: 300_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.double({ min: 0, max: 300_000, noNaN: true }), { maxLength: 300 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (a, b, p) => {
        const one = new Values(1000);
        const left = new Values(1000);
        const right = new Values(1000);
        for (const v of a) { one.add(v); left.add(v); }
        for (const v of b) { one.add(v); right.add(v); }
        left.merge(right);
        const truth = exact([...a, ...b], p);
        const got = one.statistic({ kind: 'percentile', p })!;
        expect(Math.abs(got - truth)).toBeLessThanOrEqual(truth * 0.001 + 0.0005); // 0.1 %, or half a µs
        expect(left.statistic({ kind: 'percentile', p })).toBe(got);
        expect(left.statistic({ kind: 'Sum' })).toBeCloseTo(one.statistic({ kind: 'Sum' })!, 6);
        expect(left.statistic({ kind: 'Minimum' })).toBe(Math.min(...a, ...b));
        expect(left.statistic({ kind: 'Maximum' })).toBe(Math.max(...a, ...b));
      },
    ), { numRuns: 200 });
  });

  it('has no statistic without samples', () => {
    expect(new Values(1000).statistic({ kind: 'Average' })).toBeNull();
    expect(new Flags().statistic({ kind: 'Sum' })).toBeNull();
  });
});

describe('Flags (Count, 4XXError, ...)', () => {
  it.each([
    { why: '3 of 10 are 4xx: the p70 sample is still a 0', ones: 3, n: 10, p: 70, want: 0 },
    { why: 'the p71 sample is the first 1', ones: 3, n: 10, p: 71, want: 1 },
    { why: 'p0 is the smallest sample', ones: 9, n: 10, p: 0, want: 0 },
    { why: 'all ones', ones: 10, n: 10, p: 1, want: 1 },
  ])('$why', ({ ones, n, p, want }) => {
    const f = new Flags();
    for (let i = 0; i < n; i++) f.add(i < ones);
    expect(f.statistic({ kind: 'percentile', p })).toBe(want);
    expect(f.statistic({ kind: 'Average' })).toBe(ones / n);
  });
});

describe('parseStatistic', () => {
  it.each([
    ['Sum', { kind: 'Sum' }], ['p99', { kind: 'percentile', p: 99 }], ['p99.99', { kind: 'percentile', p: 99.99 }],
    ['p100', { kind: 'percentile', p: 100 }], ['p101', undefined], ['avg', undefined], ['TM(10%:90%)', undefined], ['P99', undefined],
  ])('%s', (text, want) => {
    expect(parseStatistic(text)).toEqual(want);
  });
});
