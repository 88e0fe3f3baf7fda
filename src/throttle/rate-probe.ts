/**
 * One probe of the rate search: bMin, bMax and their slopes at a rate (bucket-bounds.ts), the
 * gap g = bMax − max(1, bMin), and the smallest whole burst that fits, decided with
 * TokenBucket's own epsilon (docs/inference.md §1).
 */
import { boundsAt, type Bounds, type DecisionData } from './bucket-bounds.ts';

/** Above the grid's top, a rate this many times larger stands for "unbounded". */
export const FAR_ABOVE = 1e4;

export interface Probe {
  readonly rateRps: number;
  readonly bounds: Bounds;
  /** g = bMax − max(1, bMin). */
  readonly gap: number;
  readonly slope: number;
  /** The smallest whole burst in [bMin, bMax), or null. */
  readonly burst: number | null;
  /** Float tolerance of the bounds at this rate, tokens. */
  readonly eps: number;
}

export function probe(data: DecisionData, rateRps: number, trim: number): Probe {
  const bounds = boundsAt(data, rateRps, trim);
  const low = Math.max(1, bounds.bMin);
  // Float error of the bounds (terms up to r·t), in tokens. TokenBucket counts a token from
  // 1 − 1e-9: an acceptance needs b ≥ W − 1e-9, a 429 b < U − 1e-9 (so never b = U).
  const eps = 1e-12 + 2e-16 * rateRps * spanOf(data);
  const b = Math.max(1, Math.ceil(bounds.bMin - TOKEN_EPSILON - eps));
  return {
    rateRps,
    bounds,
    gap: bounds.bMax - low,
    slope: bounds.bMaxSlope - (bounds.bMin > 1 ? bounds.bMinSlope : 0),
    burst: fitsMax(bounds.bMax, b, eps) ? b : null,
    eps,
  };
}

/** TokenBucket's TOKEN_EPSILON. */
export const TOKEN_EPSILON = 1e-9;

/** Whether whole burst b stays below bMax, as TokenBucket decides a 429 (see probe). */
export function fitsMax(bMax: number, b: number, eps: number): boolean {
  return b < bMax - TOKEN_EPSILON + eps;
}

function spanOf(data: DecisionData): number {
  const a = data.acceptedS.length ? data.acceptedS[data.acceptedS.length - 1] : 0;
  const t = data.throttledS.length ? data.throttledS[data.throttledS.length - 1] : 0;
  return Math.max(a, t);
}

// The answers of the rate search (rate-search.ts) and of its refinement (burst-intervals.ts): declared
// here, below both, so neither imports the other for its types.

export interface FeasibleRates {
  /** Lowest and highest feasible whole burst. */
  readonly burstLo: number;
  readonly burstHi: number;
  /** Lowest and highest feasible rate (hi = Infinity: only bounded below; lo = 0: only above). */
  readonly lo: number;
  readonly hi: number;
  /** Each feasible burst's rate interval, when there are few (≤ FEW_BURSTS) bursts. */
  readonly components?: readonly Component[];
}

/** The rates [lo, hi] at which whole burst b explains the run. */
export interface Component {
  readonly burst: number;
  readonly lo: number;
  readonly hi: number;
}

export interface SearchResult {
  readonly feasible: FeasibleRates | null;
  /** The best rate found (the highest tent top), feasible or not. */
  readonly best: Probe;
}

/** Where to look: rates from `fromRps` to `toRps` on a log grid of `points`. */
export interface SearchRange {
  readonly fromRps: number;
  readonly toRps: number;
  readonly points: number;
}
