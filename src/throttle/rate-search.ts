/**
 * The set of rates r for which some whole burst b lies in [bMin(r), bMax(r)) (bucket-bounds.ts),
 * found without scanning a fine grid (docs/inference.md §3). The gap g(r) = bMax(r) − bMin(r)
 * is a tent around the true rate, often far narrower than any grid step (steady overload for
 * 60 s pins r to ~1/60 request per second), so:
 *
 *   1. a coarse log grid of rates, with g and its slope dg/dr at each point;
 *   2. every grid interval where the slope turns from rising to falling brackets a tent top;
 *      both sides of a tent are (nearly) straight lines, so the crossing of the two tangents is
 *      the top, reached in a few steps (a safeguarded cutting-plane search, bisection fallback);
 *   3. from the whole burst found there, each burst's rate interval [rLo(b), rHi(b)] by the
 *      monotone crossings of bMin and bMax (Newton, bisection fallback), outwards over b.
 *
 *   g(r) ^          /\                   g ≤ 0 on the plateau to the right: as r → ∞ every
 *        |    _____/  \      ____....   bound tends to 1 (a bucket of 1 refilled instantly),
 *        |   /          \___/           which explains no 429 at all: only g > 0 with a whole b
 *        +-------------------------> r  in [bMin, bMax) counts as feasible.
 *
 * About 100 evaluations of O(n) each, whatever the width of the tent; `refine` narrows a long
 * run from its prefix's answer in about a dozen (docs/inference.md §3).
 */
import { boundsAt, type Bounds, type DecisionData } from './bucket-bounds.ts';

const GRID_POINTS = 40;
const GRID_SPAN = 1e5;
/** Above the grid's top, a rate this many times larger stands for "unbounded". */
const FAR_ABOVE = 1e4;

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

const FEW_BURSTS = 8;

export interface SearchResult {
  readonly feasible: FeasibleRates | null;
  /** The best rate found (the highest tent top), feasible or not. */
  readonly best: Probe;
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

/** Where to look: rates from `fromRps` to `toRps` on a log grid of `points`. */
export interface SearchRange {
  readonly fromRps: number;
  readonly toRps: number;
  readonly points: number;
}

/** The whole range for a run whose requests come at `topRps / 2` on average. */
export function fullRange(topRps: number): SearchRange {
  return { fromRps: topRps / GRID_SPAN, toRps: topRps, points: GRID_POINTS };
}

/** TokenBucket's TOKEN_EPSILON. */
const TOKEN_EPSILON = 1e-9;

function fitsMax(bMax: number, b: number, eps: number): boolean {
  return b < bMax - TOKEN_EPSILON + eps;
}

function spanOf(data: DecisionData): number {
  const a = data.acceptedS.length ? data.acceptedS[data.acceptedS.length - 1] : 0;
  const t = data.throttledS.length ? data.throttledS[data.throttledS.length - 1] : 0;
  return Math.max(a, t);
}

/** Searches `range` for the feasible set; see the module comment. */
export function searchRates(data: DecisionData, range: SearchRange, trim: number, allowedBursts?: readonly [number, number]): SearchResult {
  const seen: Probe[] = [];
  const at = (r: number) => {
    const p = probe(data, r, trim);
    seen.push(p);
    return p;
  };
  const grid: Probe[] = [];
  const ratio = range.toRps / range.fromRps;
  for (let i = 0; i < range.points; i++) grid.push(at(range.fromRps * ratio ** (range.points > 1 ? i / (range.points - 1) : 1)));
  const found: Probe[] = grid.filter((p) => p.burst !== null);
  const tops: Probe[] = [];
  if (found.length === 0) {
    // A concave kink between two grid points (the next point lies below this one's tangent)
    // is where a tent can hide; climb to it from the rising side.
    for (let i = 0; i + 1 < grid.length && found.length === 0; i++) {
      const p = grid[i];
      const q = grid[i + 1];
      if (!(p.slope > 0 && q.gap < p.gap + p.slope * (q.rateRps - p.rateRps) - 1e-6)) continue;
      const top = climb(at, p, q);
      tops.push(top);
      if (top.burst !== null) found.push(top);
    }
  }
  const inside = found.sort((x, y) => y.gap - x.gap)[0];
  if (!inside) return { feasible: null, best: (tops.length ? tops : grid).reduce((x, y) => (y.gap > x.gap ? y : x)) };
  return { feasible: edges(at, seen, inside, range, allowedBursts), best: inside };
}

/**
 * From a rising probe, Newton steps to where its tangent reaches g = 0 (on a concave side this
 * never overshoots); a falling probe on the way brackets the top instead. Where g > 0 but no
 * whole burst fits, `wholeBurst` looks for the rates where one does.
 */
function climb(at: (r: number) => Probe, from: Probe, limit: Probe): Probe {
  let cur = from;
  for (let it = 0; it < 60; it++) {
    if (cur.burst !== null) return cur;
    const r = cur.rateRps - cur.gap / cur.slope;
    // At the crossing (to float precision) the whole-burst search takes over.
    if (cur.gap >= -1e-6 || !(r > cur.rateRps)) return wholeBurst(at, cur) ?? cur;
    if (r >= limit.rateRps) return limit.slope < 0 ? tentTop(at, cur, limit) : cur;
    const next = at(r);
    if (next.burst !== null) return next;
    if (next.slope <= 0) return tentTop(at, cur, next);
    cur = next;
  }
  return cur;
}

/**
 * g > 0 at `p` but no whole b in [bMin, bMax): for b = the largest whole number below bMax,
 * the rates that fit it start where bMin(r) falls to b (Newton from the left on a convex,
 * falling bMin: no overshoot) and end where bMax(r) does; a probe between them is feasible.
 */
function wholeBurst(at: (r: number) => Probe, p: Probe): Probe | null {
  const b = Math.ceil(p.bounds.bMax - 1e-9) - 1;
  if (b < 1) return null;
  let cur = p;
  for (let it = 0; it < 40 && cur.burst === null && cur.bounds.bMin > b; it++) {
    if (!(cur.bounds.bMinSlope < 0)) return null;
    let r = cur.rateRps + (cur.bounds.bMin - b) / -cur.bounds.bMinSlope;
    if (!(r > cur.rateRps)) r = cur.rateRps * (1 + 1e-12);
    cur = at(r);
  }
  if (cur.burst !== null) return cur;
  if (cur.bounds.bMax <= b || !(cur.bounds.bMaxSlope < 0)) return null;
  const end = cur.rateRps + (cur.bounds.bMax - b) / -cur.bounds.bMaxSlope;
  const mid = at((cur.rateRps + end) / 2);
  return mid.burst !== null ? mid : null;
}

/**
 * The top of a tent bracketed by lo (rising) and hi (falling): next point = crossing of the two
 * tangent lines, or the middle when that stalls. Stops at the first feasible rate.
 */
function tentTop(at: (r: number) => Probe, lo: Probe, hi: Probe): Probe {
  let bestSeen = lo.gap >= hi.gap ? lo : hi;
  let sameSide = 0;
  let lastSide = 0;
  for (let it = 0; it < 80; it++) {
    if (bestSeen.burst !== null) return bestSeen;
    if (hi.rateRps - lo.rateRps <= 1e-12 * hi.rateRps) break;
    let r = (hi.gap - lo.gap + lo.slope * lo.rateRps - hi.slope * hi.rateRps) / (lo.slope - hi.slope);
    const width = hi.rateRps - lo.rateRps;
    if (!(r > lo.rateRps + width * 1e-6 && r < hi.rateRps - width * 1e-6) || sameSide >= 3) {
      r = (lo.rateRps + hi.rateRps) / 2;
      sameSide = 0;
    }
    const p = at(r);
    if (p.gap > bestSeen.gap || p.burst !== null) bestSeen = p;
    const side = p.slope > 0 ? -1 : 1;
    sameSide = side === lastSide ? sameSide + 1 : 0;
    lastSide = side;
    if (p.slope > 0) lo = p;
    else hi = p;
  }
  return bestSeen.gap > 0 ? (wholeBurst(at, bestSeen) ?? bestSeen) : bestSeen;
}

/**
 * For a whole burst b the feasible rates are one interval, [rLo(b), rHi(b)]: bMin(r) ≤ b holds
 * from rLo on, bMax(r) > b up to rHi, both bounds falling with r, so rLo and rHi fall with b too.
 * Taking the feasible bursts as one run of whole numbers (they are, on every case tested), its
 * ends are found by doubling steps and bisection from the b found inside, and the rates span
 * [rLo(highest b), rHi(lowest b)]. `allowed` (a prefix's bursts) bounds the run.
 */
function edges(at: (r: number) => Probe, seen: Probe[], inside: Probe, range: SearchRange, allowed: readonly [number, number] | undefined): FeasibleRates {
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
