/**
 * Each whole burst's interval of feasible rates, [rLo(b), rHi(b)] (docs/inference.md §1, §3):
 * `edges` walks outwards over b from a feasible probe, `refine` narrows a prefix's intervals on
 * the whole run. Both use monotone crossings of bMin and bMax (rate-search.ts's probes).
 */
import type { DecisionData } from './bucket-bounds.ts';
import { FAR_ABOVE, TOKEN_EPSILON, fitsMax, probe, type Component, type FeasibleRates, type Probe, type SearchRange, type SearchResult } from './rate-probe.ts';

const FEW_BURSTS = 8;

/**
 * For a whole burst b the feasible rates are one interval, [rLo(b), rHi(b)]: bMin(r) ≤ b holds
 * from rLo on, bMax(r) > b up to rHi, both bounds falling with r, so rLo and rHi fall with b too.
 * Taking the feasible bursts as one run of whole numbers (they are, on every case tested), its
 * ends are found by doubling steps and bisection from the b found inside, and the rates span
 * [rLo(highest b), rHi(lowest b)]. `allowed` (a prefix's bursts) bounds the run.
 */
export function edges(at: (r: number) => Probe, seen: Probe[], inside: Probe, range: SearchRange, allowed: readonly [number, number] | undefined): FeasibleRates {
  const b0 = inside.burst!;
  const memo = new Map<number, { lo: number; hi: number } | null>();
  // The inside probe fits b0 even where the crossings, to float precision, say otherwise.
  memo.set(b0, component(at, seen, b0, range) ?? { lo: inside.rateRps, hi: inside.rateRps });
  const of = (b: number) => {
    if (!memo.has(b)) memo.set(b, component(at, seen, b, range));
    return memo.get(b)!;
  };
  const end = (dir: 1 | -1, limit: number): number => {
    let good = b0;
    let step = 1;
    let bad: number | undefined;
    while (bad === undefined) {
      const b = good + dir * step;
      if (dir > 0 ? b > limit : b < limit) {
        if (good === limit) return good;
        const last = limit;
        if (of(last)) return last;
        bad = last;
        break;
      }
      if (of(b)) [good, step] = [b, step * 2];
      else bad = b;
    }
    while (Math.abs(bad - good) > 1) {
      const mid = Math.trunc((good + bad) / 2);
      if (of(mid)) good = mid;
      else bad = mid;
    }
    return good;
  };
  const burstHi = end(1, allowed ? allowed[1] : Number.MAX_SAFE_INTEGER);
  const burstLo = end(-1, allowed ? Math.max(1, allowed[0]) : 1);
  const components: Component[] = [];
  if (burstHi - burstLo < FEW_BURSTS) for (let b = burstLo; b <= burstHi; b++) components.push({ burst: b, ...(of(b) ?? { lo: inside.rateRps, hi: inside.rateRps }) });
  return { lo: of(burstHi)!.lo, hi: of(burstLo)!.hi, burstLo, burstHi, components };
}

/**
 * The feasible set of a longer run from that of its prefix (rate-search's caller, infer.ts): a
 * prefix has fewer constraints, so bMin_prefix ≤ bMin and bMax_prefix ≥ bMax at every rate, and
 * each burst's interval can only shrink: rLo(b) moves right from the prefix's rLo (Newton on
 * the convex bMin from the left), rHi(b) left from the prefix's rHi. A dozen evaluations per
 * burst, against a hundred for a search from scratch. Null when no burst survives.
 */
export function refine(data: DecisionData, trim: number, prior: readonly Component[], toRps: number): SearchResult | null {
  const seen: Probe[] = [];
  const at = (r: number) => {
    const p = probe(data, r, trim);
    seen.push(p);
    return p;
  };
  const kept: Component[] = [];
  let inside: Probe | undefined;
  for (const c of prior) {
    const b = c.burst;
    const minFits = (p: Probe) => p.bounds.bMin <= b + TOKEN_EPSILON + p.eps;
    const maxFits = (p: Probe) => fitsMax(p.bounds.bMax, b, p.eps);
    const right = at(Number.isFinite(c.hi) ? c.hi : toRps * FAR_ABOVE);
    const left = c.lo > 0 ? at(c.lo) : at(right.rateRps * 1e-12);
    let start = left;
    if (!minFits(left)) {
      if (!minFits(right)) continue;
      start = crossing(at, (q) => q.bounds.bMin - q.eps, (q) => q.bounds.bMinSlope, b, left, right, false, (q) => !minFits(q));
    }
    if (!maxFits(start)) continue;
    let hi = Infinity;
    if (!maxFits(right)) hi = crossing(at, (q) => q.bounds.bMax + q.eps, (q) => q.bounds.bMaxSlope, b, start, right, true, maxFits).rateRps;
    else if (Number.isFinite(c.hi)) hi = c.hi;
    kept.push({ burst: b, lo: c.lo > 0 || start !== left ? start.rateRps : 0, hi });
    inside ??= start;
  }
  if (!inside || kept.length === 0) return null;
  const byBurst = [...kept].sort((x, y) => x.burst - y.burst);
  const feasible: FeasibleRates = {
    burstLo: byBurst[0].burst,
    burstHi: byBurst[byBurst.length - 1].burst,
    lo: Math.min(...kept.map((k) => k.lo)),
    hi: Math.max(...kept.map((k) => k.hi)),
    components: kept,
  };
  return { feasible, best: inside };
}

/** [rLo(b), rHi(b)], or null when empty; lo = 0 / hi = Infinity when unbounded. */
function component(at: (r: number) => Probe, seen: Probe[], b: number, range: SearchRange): { lo: number; hi: number } | null {
  const minFits = (p: Probe) => p.bounds.bMin <= b + TOKEN_EPSILON + p.eps;
  const maxFits = (p: Probe) => fitsMax(p.bounds.bMax, b, p.eps);
  // rLo: the first rate where bMin ≤ b.
  let lo = 0;
  let start: Probe | undefined;
  const over = nearest(seen, (p) => !minFits(p), -1, Infinity);
  const under = nearest(seen, minFits, 1, over?.rateRps ?? 0);
  if (!under) return null;
  if (over) {
    const p = crossing(at, (q) => q.bounds.bMin - q.eps, (q) => q.bounds.bMinSlope, b, over, under, false, (q) => !minFits(q));
    lo = p.rateRps;
    start = p;
  } else {
    const floor = at(range.fromRps * 1e-6);
    // Seen now, so the second call finds it as the probe above the crossing.
    if (!minFits(floor)) return floor.rateRps < under.rateRps ? component(at, seen, b, range) : null;
    start = floor;
  }
  if (!maxFits(start)) return null;
  // rHi: the last rate where bMax > b.
  let below = nearest(seen, maxFits, -1, Infinity, start.rateRps);
  below ??= start;
  let above = nearest(seen, (p) => !maxFits(p), 1, below.rateRps);
  if (!above) {
    const far = at(range.toRps * FAR_ABOVE);
    if (maxFits(far)) return { lo, hi: Infinity };
    above = far;
  }
  const p = crossing(at, (q) => q.bounds.bMax + q.eps, (q) => q.bounds.bMaxSlope, b, below, above, true, maxFits);
  return p.rateRps >= lo ? { lo, hi: p.rateRps } : null;
}

/** Among seen probes passing `test`: dir −1, the highest rate in [atLeast, bound); dir 1, the lowest above bound. */
function nearest(seen: readonly Probe[], test: (p: Probe) => boolean, dir: -1 | 1, bound: number, atLeast = 0): Probe | undefined {
  let best: Probe | undefined;
  for (const p of seen) {
    if (!test(p)) continue;
    if (dir < 0 ? p.rateRps < bound && p.rateRps >= atLeast && (!best || p.rateRps > best.rateRps) : p.rateRps > bound && (!best || p.rateRps < best.rateRps)) best = p;
  }
  return best;
}

/**
 * Where a falling bound f crosses `level`, between `a` (f > level) and `b` (f ≤ level): Newton
 * from a (its tangent), bisection when that leaves the bracket or stalls. Returns, for a bMin
 * crossing, the first probe at or below the level; for bMax, the last one above it.
 */
function crossing(at: (r: number) => Probe, f: (p: Probe) => number, slope: (p: Probe) => number, level: number, a: Probe, b: Probe, wantAbove: boolean, isAbove: (p: Probe) => boolean): Probe {
  let slow = 0;
  for (let it = 0; it < 80 && b.rateRps - a.rateRps > 1e-10 * b.rateRps; it++) {
    const width = b.rateRps - a.rateRps;
    const newton = slope(a) < 0 ? a.rateRps + (f(a) - level) / -slope(a) : NaN;
    // Newton from the side above; bisection when it leaves the bracket or crawls.
    const r = newton > a.rateRps && newton < b.rateRps && slow < 4 ? newton : (a.rateRps + b.rateRps) / 2;
    const m = at(r);
    if (isAbove(m)) a = m;
    else b = m;
    slow = b.rateRps - a.rateRps > 0.5 * width ? slow + 1 : 0;
  }
  return wantAbove ? a : b;
}
