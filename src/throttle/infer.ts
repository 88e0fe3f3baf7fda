/**
 * Inference: the effective token bucket (rate r, burst b) that explains what was observed, found
 * from the accepted and throttled requests alone, never from the declared limits.
 *
 * With accepted requests at times s_1 ≤ … ≤ s_m (bucket starts full, a 429 spends nothing):
 *
 *   every accepted window fits:    b ≥ bMin(r) = max_{k≤l} (l − k + 1) − r·(s_l − s_k)
 *   a 429 at t found < 1 token:    b < U(t, r) = max(1, max_{k≤L} (L − k + 2) − r·(t − s_k))
 *                                  (L = accepted before t)    so b < bMax(r) = min_t U(t, r)
 *
 * Both are O(n) per r with a running max of (r·s_k − k). The gap g(r) = bMax(r) − bMin(r) is a
 * tent around the true rate (g > 0 only where a bucket explains everything); its width shrinks as
 * 1 / (seconds held above the rate), which is what the verify probe is built to provide.
 *
 *   g(r) ^        /\            rate = middle of {g > 0} (or the peak when noise makes g ≤ 0)
 *        |  _____/  \______     bounds = {g > −tolerance}, tolerance = max(2, r × 2 ms)
 *        +------------------> r
 *
 * Client send times are not the gateway's decision times: a 429 sent at t was decided before its
 * answer came back, so it is checked against every acceptance sent up to t + max(jitterMs, its
 * latency) (default jitter 2 ms): reordering inside a burst is not taken for a contradiction.
 */
import type { Inference } from '../result/schema.ts';

/** Accepted (0) and throttled (1) requests by send time, ms, non-decreasing. */
export interface Observations {
  readonly atMs: ArrayLike<number>;
  readonly throttled: ArrayLike<number>;
  readonly count: number;
  /** Send-to-response time per request, ms: the gateway decided somewhere inside it. */
  readonly latencyMs?: ArrayLike<number>;
}

export interface InferOptions {
  /** How far a send time may be from the gateway's decision time. @default 2 */
  readonly jitterMs?: number;
  /** Fewer accepted or throttled requests than this is 'insufficient-data'. @default 3 */
  readonly minEach?: number;
}

interface Split {
  readonly acceptedS: Float64Array;
  readonly throttledS: Float64Array;
  /** Latest time each 429 may have been decided (non-decreasing envelope); else t + jitter. */
  readonly throttledLatestS?: Float64Array;
  /** Latest time each acceptance may have been decided (send + latency); else its send time. */
  readonly acceptedLatestS?: Float64Array;
}

/** Burst slack allowed for timing noise at rate r: max(2, r × 2 ms) (design.md "Agreement"). */
export function burstSlack(rateRps: number): number {
  return Math.max(2, rateRps * 0.002);
}

/** bMin(r) and bMax(r) of the module comment, in one O(n) pass each. */
export function burstBounds(split: Split, rateRps: number, jitterS: number): { readonly bMin: number; readonly bMax: number } {
  const { acceptedS: a, throttledS: t } = split;
  // window[l] = most requests any accepted window ending at l holds beyond its refill.
  const window = new Float64Array(a.length);
  let bMin = 0;
  let best = -Infinity;
  for (let l = 0; l < a.length; l++) {
    best = Math.max(best, rateRps * a[l] - (l + 1));
    window[l] = l + 2 + best - rateRps * a[l];
    // Decided as late as its answer allows: the loosest lower bound the data still proves.
    bMin = Math.max(bMin, split.acceptedLatestS ? l + 2 + best - rateRps * split.acceptedLatestS[l] : window[l]);
  }
  // A 429 sent at t may have been decided at any t' in [t, t + jitter]; the bound is the loosest
  // over t': at t itself, or just after an acceptance sent in (t, t + jitter] (window + 1).
  // Sliding max over those acceptances with a monotonic deque keeps this O(n).
  const deque = new Int32Array(a.length);
  let head = 0;
  let tail = 0;
  let bMax = Infinity;
  let upToT = 0;
  let upToJitter = 0;
  best = -Infinity;
  for (let i = 0; i < t.length; i++) {
    while (upToT < a.length && a[upToT] <= t[i]) {
      best = Math.max(best, rateRps * a[upToT] - (upToT + 1));
      upToT++;
    }
    const latest = split.throttledLatestS ? split.throttledLatestS[i] : t[i] + jitterS;
    while (upToJitter < a.length && a[upToJitter] <= latest) {
      if (upToJitter >= upToT) {
        while (tail > head && window[deque[tail - 1]] <= window[upToJitter]) tail--;
        deque[tail++] = upToJitter;
      }
      upToJitter++;
    }
    while (tail > head && deque[head] < upToT) head++;
    const atT = upToT + 2 + best - rateRps * t[i];
    const later = tail > head ? window[deque[head]] + 1 : -Infinity;
    bMax = Math.min(bMax, Math.max(1, atT, later));
  }
  return { bMin, bMax };
}

/** Estimates the effective bucket from observations; see the module comment. */
export function inferBucket(obs: Observations, options: InferOptions = {}): Inference {
  const jitterS = (options.jitterMs ?? 2) / 1000;
  const split = splitObservations(obs, jitterS);
  const minEach = options.minEach ?? 3;
  const accepted = split.acceptedS.length;
  const throttled = split.throttledS.length;
  if (throttled === 0) {
    return none('no-throttling', `nothing was throttled: ${accepted} requests accepted; the limit is above what was sent`);
  }
  if (accepted < minEach || throttled < minEach) {
    return none('insufficient-data', `too few requests to infer a bucket (${accepted} accepted, ${throttled} throttled; need ${minEach} of each)`);
  }
  const gap = (r: number): number => {
    const { bMin, bMax } = burstBounds(split, r, jitterS);
    return bMax - bMin;
  };
  const spanS = Math.max(1e-3, obs.atMs[obs.count - 1] / 1000 - obs.atMs[0] / 1000);
  const grid = logGrid((2 * obs.count) / spanS + 10, 1e-5, 241);
  const peak = findPeak(grid, gap);
  const slackAt = burstSlack(peak.r);
  if (peak.g <= -slackAt) {
    const { bMin } = burstBounds(split, peak.r, jitterS);
    return { ...none('not-a-token-bucket', `no token bucket explains what was seen (closest: ${fmt(peak.r)} rps, burst ${Math.round(bMin)}, off by ${fmt(-peak.g)} requests); a window counter that also counts rejected requests behaves like this`) };
  }
  // Exactly consistent rates when there are any, else those within half a request of the best.
  const level = peak.g > 0 ? 0 : peak.g - 0.5;
  const lo = edge(grid, gap, peak, level, -1);
  const hi = edge(grid, gap, peak, level, 1);
  const rateRps = (lo + hi) / 2;
  const burst = burstAt(burstBounds(split, rateRps, jitterS));
  const burstRange: [number, number] = [Math.floor(burstBounds(split, hi, jitterS).bMin), Math.ceil(burstBounds(split, lo, jitterS).bMax)];
  if (hi >= grid[grid.length - 1]) {
    return { kind: 'insufficient-data', rateRps: null, burst, rateRange: null, burstRange, unidentified: [{ parameter: 'rate', why: 'the traffic was never held above the limit long enough', traffic: 'hold more than the rate for several seconds' }], decisionDelayMs: null, note: `burst ≈ ${burst}, but the rate is only bounded below (≥ ${fmt(lo)} rps): traffic was never held above the limit long enough` };
  }
  return {
    kind: 'token-bucket',
    rateRps,
    burst,
    rateRange: [lo, hi],
    burstRange,
    unidentified: [],
    decisionDelayMs: null,
    note: `a token bucket of ${fmt(rateRps)} rps (${fmt(lo)}–${fmt(hi)}) and burst ${burst} (${burstRange[0]}–${burstRange[1]}) explains the ${accepted} accepted and ${throttled} throttled requests`,
  };
}

function none(kind: Inference['kind'], note: string): Inference {
  return { kind, rateRps: null, burst: null, rateRange: null, burstRange: null, unidentified: [], decisionDelayMs: null, note };
}

function splitObservations(obs: Observations, jitterS: number): Split {
  let throttled = 0;
  for (let i = 0; i < obs.count; i++) if (obs.throttled[i]) throttled++;
  const acceptedS = new Float64Array(obs.count - throttled);
  const acceptedLatestS = new Float64Array(obs.count - throttled);
  const throttledS = new Float64Array(throttled);
  const throttledLatestS = new Float64Array(throttled);
  let a = 0;
  let t = 0;
  let envelope = -Infinity;
  for (let i = 0; i < obs.count; i++) {
    const atS = obs.atMs[i] / 1000;
    const latency = obs.latencyMs && Number.isFinite(obs.latencyMs[i]) ? Math.max(0, obs.latencyMs[i] / 1000) : 0;
    if (!obs.throttled[i]) {
      acceptedLatestS[a] = atS + latency;
      acceptedS[a++] = atS;
      continue;
    }
    envelope = Math.max(envelope, atS + Math.max(jitterS, latency));
    throttledLatestS[t] = envelope;
    throttledS[t++] = atS;
  }
  return { acceptedS, throttledS, throttledLatestS, acceptedLatestS: obs.latencyMs ? acceptedLatestS : undefined };
}

/** The smallest whole burst in [bMin, bMax); when noise leaves none, the nearest to bMin. */
function burstAt({ bMin, bMax }: { bMin: number; bMax: number }): number {
  const b = Math.max(1, Math.ceil(bMin - 1e-6));
  return b < bMax ? b : Math.max(1, Math.round(bMin));
}

/** `count` rates from `top × bottomRatio` to `top`, evenly spaced in log, with 0 in front. */
function logGrid(top: number, bottomRatio: number, count: number): number[] {
  const grid = [0];
  for (let i = 0; i < count; i++) grid.push(top * bottomRatio ** (1 - i / (count - 1)));
  return grid;
}

interface Peak {
  readonly r: number;
  readonly g: number;
}

/**
 * The rate where g peaks. g rises steeply up to the true rate and then falls to a plateau, so a
 * ternary search over [0, top] (ties, within half a request, move left) finds it even when the tent is far narrower than
 * the grid; the grid's best point guards against noise that breaks that shape.
 */
function findPeak(grid: readonly number[], gap: (r: number) => number): Peak {
  let index = 0;
  let g = -Infinity;
  grid.forEach((r, i) => {
    const v = gap(r);
    if (v > g) [index, g] = [i, v];
  });
  let lo = 0;
  let hi = grid[grid.length - 1];
  for (let it = 0; it < 120 && hi - lo > 1e-10 * hi; it++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (gap(m1) < gap(m2) - 0.5) lo = m1; // the plateau is not quite flat: less than half a request is a tie
    else hi = m2;
  }
  let peak = { r: (lo + hi) / 2, g: gap((lo + hi) / 2) };
  if (peak.g < g) peak = { r: grid[index], g };
  // Timing noise can put small dents in the tent: a fine scan of ±5 % around it finds the top.
  const from = peak.r * 0.95;
  for (let i = 0; i <= 200; i++) {
    const r = from + (peak.r * 0.1 * i) / 200;
    const v = gap(r);
    if (v > peak.g + 1e-7) peak = { r, g: v };
  }
  return peak;
}

/** Where g drops to `level` or below, walking from the peak in direction `dir`; bisected. */
function edge(grid: readonly number[], gap: (r: number) => number, peak: Peak, level: number, dir: -1 | 1): number {
  let inside = peak.r;
  let i = 0;
  while (i < grid.length && grid[i] <= peak.r) i++;
  if (dir < 0) i--;
  if (dir < 0 && i >= 0 && grid[i] === peak.r) i--;
  for (; i >= 0 && i < grid.length; i += dir) {
    if (gap(grid[i]) <= level) break;
    inside = grid[i];
  }
  if (i < 0 || i >= grid.length) return inside;
  let outside = grid[i];
  for (let it = 0; it < 60 && Math.abs(outside - inside) > 1e-9 * Math.max(1, inside); it++) {
    const mid = (inside + outside) / 2;
    if (gap(mid) > level) inside = mid;
    else outside = mid;
  }
  return inside;
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
