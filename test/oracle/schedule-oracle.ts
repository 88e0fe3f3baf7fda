/**
 * A slow, exact reference for schedules (k6's `calRat` twin of `cal`): count curves in BigInt
 * rational arithmetic, straight from each shape's definition (no inversion, no float), and an
 * exact check that a computed arrival time is the earliest one reaching its count.
 *
 * Floats are dyadic rationals, so every float input and every float time the production code
 * returns converts to a Rational exactly. Sine (transcendental) is left to a numeric check.
 */
import type { PhaseSpec } from '../../src/scenario/types.ts';

/** An exact rational n / d with d > 0 (not necessarily reduced). */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const ZERO: Rational = { n: 0n, d: 1n };

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function norm(n: bigint, d: bigint): Rational {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** The exact value of a finite double. */
export function q(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not finite: ${x}`);
  let e = 0n;
  while (!Number.isInteger(x)) {
    x *= 2;
    e++;
  }
  return norm(BigInt(x), 2n ** e);
}

export const add = (a: Rational, b: Rational): Rational => norm(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => norm(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => norm(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => norm(a.n * b.d, a.d * b.n);
export const cmp = (a: Rational, b: Rational): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const min = (a: Rational, b: Rational): Rational => (cmp(a, b) <= 0 ? a : b);
const max = (a: Rational, b: Rational): Rational => (cmp(a, b) >= 0 ? a : b);
/** ⌊a⌋ */
export const floor = (a: Rational): bigint => (a.n >= 0n ? a.n / a.d : -((-a.n + a.d - 1n) / a.d));
const K = q(1000);

/** Exact count of one phase over local time t in [0, D] (t already clamped). */
function phaseCount(p: PhaseSpec, t: Rational): Rational {
  switch (p.shape) {
    case 'constant':
      return div(mul(q(p.rateRps), t), K);
    case 'ramp': {
      if (p.durationMs === 0) return ZERO;
      const slope = div(sub(q(p.toRps), q(p.fromRps)), mul(q(2), q(p.durationMs)));
      return div(add(mul(q(p.fromRps), t), mul(slope, mul(t, t))), K);
    }
    case 'steps': {
      const w = div(q(p.durationMs), q(p.steps));
      const rate = (i: number) =>
        p.steps === 1 ? q(p.fromRps) : add(q(p.fromRps), div(mul(sub(q(p.toRps), q(p.fromRps)), q(i)), q(p.steps - 1)));
      let total = ZERO;
      for (let i = 0; i < p.steps; i++) {
        const start = mul(w, q(i));
        if (cmp(t, start) <= 0) break;
        total = add(total, div(mul(rate(i), sub(min(t, add(start, w)), start)), K));
      }
      return total;
    }
    case 'burst':
      return p.spreadMs === 0 ? q(p.count) : div(mul(q(p.count), min(t, q(p.spreadMs))), q(p.spreadMs));
    case 'pause':
      return ZERO;
    case 'sine':
      throw new Error('sine has no exact rational count');
  }
}

/** Exact global count C(t): arrivals in [0, t], a burst at t included. */
export function exactCountAt(phases: readonly PhaseSpec[], t: Rational): Rational {
  let start = ZERO;
  let total = ZERO;
  for (const p of phases) {
    if (cmp(t, start) < 0) break;
    const local = min(sub(t, start), q(p.durationMs));
    total = add(total, phaseCount(p, max(local, ZERO)));
    start = add(start, q(p.durationMs));
  }
  return total;
}

/** Exact ⌊total count⌋: the number of arrivals a uniform plan must yield. */
export function exactArrivals(phases: readonly PhaseSpec[]): bigint {
  const end = phases.reduce((s, p) => add(s, q(p.durationMs)), ZERO);
  return floor(exactCountAt(phases, end));
}

/**
 * Is `tMs` the earliest time reaching count `k`, to within `deltaMs`? Checks C(t + δ) >= k and
 * C(t - δ) < k exactly; δ covers the float rounding of the production inversion.
 */
export function isEarliestTimeFor(phases: readonly PhaseSpec[], k: number, tMs: number, deltaMs: number): boolean {
  const target = q(k);
  const t = q(tMs);
  const d = q(deltaMs);
  return cmp(exactCountAt(phases, add(t, d)), target) >= 0 && cmp(exactCountAt(phases, sub(t, d)), target) < 0;
}
