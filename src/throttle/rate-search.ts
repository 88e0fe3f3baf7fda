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
import type { DecisionData } from './bucket-bounds.ts';
import { edges } from './burst-intervals.ts';
import { probe, type Probe, type SearchRange, type SearchResult } from './rate-probe.ts';

export type { Probe } from './rate-probe.ts';

const GRID_POINTS = 40;
const GRID_SPAN = 1e5;

/** The whole range for a run whose requests come at `topRps / 2` on average. */
export function fullRange(topRps: number): SearchRange {
  return { fromRps: topRps / GRID_SPAN, toRps: topRps, points: GRID_POINTS };
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

