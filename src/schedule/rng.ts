/**
 * Seeded randomness for schedules and request generation. One algorithm, documented:
 *
 *   seed (any finite number) --splitmix32 x4--> (a, b, c, d) --sfc32--> 32-bit words --/2^32--> [0, 1)
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand) passes PractRand and
 * BigCrush, has a period of at least 2^32 (the counter `d` guarantees it), and costs a handful of
 * 32-bit adds, shifts and xors per draw. splitmix32 (a 32-bit variant of Steele, Lea and Flood's SplitMix)
 * spreads a small or similar seed over all four state words, so seeds 1 and 2 give unrelated
 * streams. 12 warm-up rounds mix the state before the first draw, as the PractRand author advises.
 *
 * For values that must depend only on (seed, index), never on call order (a request picked for
 * arrival 123 must not depend on which worker asked first), `unitAt` is a stateless counter-based
 * hash (murmur3's fmix32 finaliser over the mixed words).
 */

const TWO_POW_32 = 4294967296;

/** splitmix32's output function; its states are seed + k·0x9e3779b9, k = 1, 2, ... */
function splitmix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** Folds any finite number (negative, fractional, beyond 2^32) into 32 bits, deterministically. */
export function seed32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const frac = Math.floor((seed - Math.floor(seed)) * TWO_POW_32) >>> 0;
  return fmix32(lo ^ fmix32(hi ^ fmix32(frac ^ 0x5bd1e995)));
}

/** murmur3 fmix32: a bijection on 32-bit words with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A PRNG whose state can be re-seeded in place: one closure serves many seeds, no allocation. */
export interface SeedableRng {
  /** Uniform float in [0, 1), 32 bits of resolution. */
  readonly random: () => number;
  /** Restarts the stream as createRng(seed) would. */
  reseed(seed: number): void;
}

/** A re-seedable sfc32 (see the file comment); `random` stays the same function across reseeds. */
export function createSeedableRng(seed: number): SeedableRng {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const random = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  };
  const reseed = (next: number): void => {
    const s = seed32(next);
    a = splitmix32((s + GOLDEN) | 0) | 0;
    b = splitmix32((s + 2 * GOLDEN) | 0) | 0;
    c = splitmix32((s + 3 * GOLDEN) | 0) | 0;
    d = splitmix32((s + 4 * GOLDEN) | 0) | 0;
    for (let i = 0; i < 12; i++) random();
  };
  reseed(seed);
  return { random, reseed };
}

/**
 * A seeded PRNG: returns a function giving uniform floats in [0, 1) with 32 bits of resolution.
 * Same seed, same sequence, on every platform (integer arithmetic only).
 */
export function createRng(seed: number): () => number {
  return createSeedableRng(seed).random;
}

/**
 * One Exp(1) draw by inversion: -ln(1 - u). `1 - u` is in (0, 1], so the result is finite
 * (at most 32 ln 2 ≈ 22.2 with 32-bit draws).
 */
export function exponential(rng: () => number): number {
  return -Math.log(1 - rng());
}

/**
 * A uniform float in [0, 1) that is a pure function of (seed, index, stream): no state, so
 * workers that own different arrival indices agree on every value. `index` may be any
 * non-negative integer up to 2^53; `stream` separates independent uses (weights, each param).
 */
export function unitAt(seed: number, index: number, stream: number): number {
  return hashAt(seed32(seed), index, stream) / TWO_POW_32;
}

/** The 32-bit word behind `unitAt`, for callers that already folded the seed with `seed32`. */
export function hashAt(seedWord: number, index: number, stream: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / TWO_POW_32) >>> 0;
  let h = fmix32(seedWord ^ Math.imul(stream + 1, 0x9e3779b1));
  h = fmix32(h ^ lo);
  h = fmix32((h + Math.imul(hi, 0x85ebca6b)) ^ 0x27d4eb2f);
  return h;
}
