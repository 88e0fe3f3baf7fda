import { describe, expect, it } from 'vitest';
import { createRng, createSeedableRng, exponential, seed32, unitAt } from '../../src/schedule/rng.ts';

const draws = (rng: () => number, n: number) => Array.from({ length: n }, rng);

/** Pearson's chi-square statistic of `values` in [0,1) over `bins` equal bins. */
function chiSquare(values: readonly number[], bins: number): number {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.floor(v * bins)]!++;
  const expected = values.length / bins;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
/** chi-square, 19 degrees of freedom, p = 0.001. */
const CHI2_19_P001 = 43.82;

describe('createRng (sfc32 seeded by splitmix32)', () => {
  it('keeps its published sequence: changing it would silently change every seeded run', () => {
    const rng = createRng(42);
    expect(draws(rng, 3).map((x) => x * 2 ** 32)).toEqual([1891433058, 2519344859, 1970868168]);
  });

  it.each<[string, number, number]>([
    ['neighbouring seeds give unrelated streams', 1, 2],
    ['a negative seed is not its absolute value', -7, 7],
    ['the fraction of a seed matters', 1.5, 1],
    ['seeds beyond 2^32 are not truncated', 2 ** 32 + 1, 1],
  ])('%s', (_why, a, b) => {
    expect(draws(createRng(a), 5)).not.toEqual(draws(createRng(b), 5));
  });

  it('repeats exactly for the same seed and stays in [0, 1)', () => {
    const a = draws(createRng(123), 10_000);
    expect(draws(createRng(123), 10_000)).toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });

  it('is uniform (chi-square over 20 bins, p = 0.001)', () => {
    expect(chiSquare(draws(createRng(9), 100_000), 20)).toBeLessThan(CHI2_19_P001);
  });

  it('can be re-seeded in place to the same stream createRng gives', () => {
    const rng = createSeedableRng(5);
    draws(rng.random, 7);
    rng.reseed(77);
    expect(draws(rng.random, 4)).toEqual(draws(createRng(77), 4));
  });

  it('refuses a seed that is not a finite number', () => {
    expect(() => seed32(Number.NaN)).toThrow(RangeError);
  });
});

describe('exponential', () => {
  it('has mean 1 and variance 1, and is always finite', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 200_000 }, () => exponential(rng));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(1, 1);
    expect(variance).toBeGreaterThan(0.97);
    expect(variance).toBeLessThan(1.03);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});

describe('unitAt: a pure function of (seed, index, stream)', () => {
  it('gives the same value whatever order indices are asked in', () => {
    const forward = Array.from({ length: 1_000 }, (_, i) => unitAt(8, i, 3));
    const backward = Array.from({ length: 1_000 }, (_, i) => unitAt(8, 999 - i, 3)).reverse();
    expect(backward).toEqual(forward);
  });

  it.each<[string, () => number, () => number]>([
    ['streams are independent', () => unitAt(1, 10, 0), () => unitAt(1, 10, 1)],
    ['seeds are independent', () => unitAt(1, 10, 0), () => unitAt(2, 10, 0)],
    ['indices beyond 2^32 keep their high bits', () => unitAt(1, 2 ** 32 + 5, 0), () => unitAt(1, 5, 0)],
  ])('%s', (_why, a, b) => {
    expect(a()).not.toBe(b());
  });

  it('is uniform over consecutive indices (chi-square over 20 bins, p = 0.001)', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => unitAt(42, i, 0));
    expect(chiSquare(values, 20)).toBeLessThan(CHI2_19_P001);
  });

  it('keeps its published values', () => {
    expect(unitAt(42, 0, 0) * 2 ** 32).toBe(3525472500);
    expect(unitAt(42, 2 ** 40 + 3, 5) * 2 ** 32).toBe(3517777434);
  });
});
