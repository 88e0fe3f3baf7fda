/** min/max buckets: bounded size, envelopes kept exactly, x stays ordered. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minMaxBuckets } from '../../src/report/html/downsample.ts';

describe('minMaxBuckets', () => {
  it('returns short input unchanged', () => {
    const cols = { x: [0, 1, 2], series: [[1, 2, 3]] };
    expect(minMaxBuckets(cols, 10)).toBe(cols);
  });

  it('keeps a one-second spike in an hour (an average would hide it)', () => {
    const x = Array.from({ length: 3600 }, (_, i) => i);
    const y = x.map((i) => (i === 1234 ? 900 : 10));
    const out = minMaxBuckets({ x, series: [y] }, 200);
    expect(out.x.length).toBeLessThanOrEqual(200);
    expect(Math.max(...(out.series[0] as number[]))).toBe(900);
  });

  it('bounds the size and keeps each series min and max, for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 2, max: 500 }), (ys, maxPoints) => {
        const x = ys.map((_, i) => i * 1000);
        const out = minMaxBuckets({ x, series: [ys, ys.map((v) => (v === null ? null : -v))] }, maxPoints);
        expect(out.x.length).toBeLessThanOrEqual(Math.max(maxPoints, ys.length <= maxPoints ? ys.length : 0));
        for (let i = 1; i < out.x.length; i++) expect(out.x[i]).toBeGreaterThanOrEqual(out.x[i - 1]);
        const present = (s: readonly (number | null)[]): number[] => s.filter((v): v is number => v !== null);
        for (const [k, s] of out.series.entries()) {
          const source = present(k === 0 ? ys : ys.map((v) => (v === null ? null : -v)));
          const kept = present(s);
          if (source.length === 0) expect(kept).toEqual([]);
          else {
            expect(Math.min(...kept)).toBe(Math.min(...source));
            expect(Math.max(...kept)).toBe(Math.max(...source));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
