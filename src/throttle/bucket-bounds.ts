/**
 * The burst interval [bMin(r), bMax(r)) a token bucket of rate r must have to explain a run
 * (docs/inference.md §1). Accepted decisions at a_0 ≤ a_1 ≤ …, a 429 at t with L_t acceptances
 * decided at or before t (simultaneous decisions may come in any order), bucket full at start,
 * a 429 spends nothing:
 *
 *   every acceptance had a token:   b ≥ W_l(r) = (l + 1 − r·a_l) + max_{k≤l} (r·a_k − k)
 *   every 429 lacked one:           b < U_t(r) = max(1, (L_t + 1 − r·t) + max_{k<L_t} (r·a_k − k))
 *
 *   bMin(r) = max_l W_l(r)      bMax(r) = min_t U_t(r)      both non-increasing in r
 *
 * One pass with a running max of (r·a_k − k) gives both: O(n) per rate. For noisy runs the
 * `trim` largest W and smallest U may be set aside (the requests they end at are the ones a
 * bucket does not explain). Each bound also carries its slope d/dr, which the rate search uses.
 */

/** Decision times of one bucket's traffic, seconds from the first request, non-decreasing. */
export interface DecisionData {
  /** Accepted requests' decision times. */
  readonly acceptedS: Float64Array;
  /** Throttled requests' decision times. */
  readonly throttledS: Float64Array;
  /** Per 429: acceptances decided at or before it. */
  readonly acceptedBefore: Int32Array;
  /**
   * Accepted requests' latest decision times where a queue leaves them open (else absent):
   * then acceptedS holds the earliest, and per 429 `acceptedSurelyBefore` counts the
   * acceptances whose latest time is at or before it.
   */
  readonly acceptedLateS?: Float64Array;
  readonly acceptedSurelyBefore?: Int32Array;
}

/** bMin, bMax and their slopes at one rate. */
export interface Bounds {
  readonly bMin: number;
  readonly bMinSlope: number;
  readonly bMax: number;
  readonly bMaxSlope: number;
}

/** Builds DecisionData from decision times (seconds, non-decreasing) and 0/1 throttled flags. */
export function decisionData(decidedS: ArrayLike<number>, throttled: ArrayLike<number>, count: number, keepAllThrottled: boolean, latestS?: ArrayLike<number>, slackS = 0): DecisionData {
  let nThrottled = 0;
  for (let i = 0; i < count; i++) if (throttled[i]) nThrottled++;
  const acceptedS = new Float64Array(count - nThrottled);
  const windows = latestS !== undefined || slackS > 0;
  const lateS = windows ? new Float64Array(count - nThrottled) : undefined;
  const t = new Float64Array(nThrottled);
  const before = new Int32Array(nThrottled);
  const surely = windows ? new Int32Array(nThrottled) : undefined;
  const origin = count > 0 ? decidedS[0] : 0;
  let a = 0;
  let q = 0;
  for (let i = 0; i < count; i++) {
    if (throttled[i]) continue;
    if (lateS) lateS[a] = (latestS ? latestS[i] : decidedS[i]) - origin + slackS;
    acceptedS[a++] = decidedS[i] - origin - slackS;
  }
  // L_t counts every acceptance decided at or before t, so ties go to the acceptance.
  let k = 0;
  let sure = 0;
  for (let i = 0; i < count; i++) {
    if (!throttled[i]) continue;
    const at = decidedS[i] - origin;
    while (k < acceptedS.length && acceptedS[k] <= at) k++;
    // Between two acceptances only the last 429 can bind (U falls with t); the others are kept
    // only when some may be set aside, or when acceptances have windows.
    if (!keepAllThrottled && !lateS && q > 0 && before[q - 1] === k) q--;
    if (lateS && surely) {
      while (sure < lateS.length && lateS[sure] <= at) sure++;
      surely[q] = Math.min(sure, k);
    }
    t[q] = at;
    before[q++] = k;
  }
  return { acceptedS, throttledS: t.subarray(0, q), acceptedBefore: before.subarray(0, q), acceptedLateS: lateS, acceptedSurelyBefore: surely?.subarray(0, q) };
}

/** bMin(r), bMax(r) and slopes, setting aside the `trim` most demanding of each kind. */
export function boundsAt(data: DecisionData, rateRps: number, trim = 0): Bounds {
  return trim === 0 && !data.acceptedLateS ? exactBounds(data, rateRps) : trimmedBounds(data, rateRps, trim);
}

function exactBounds(data: DecisionData, r: number): Bounds {
  const { acceptedS: a, throttledS: t, acceptedBefore: before } = data;
  let best = -Infinity;
  let bestA = 0;
  let bMin = 1;
  let bMinSlope = 0;
  let bMax = Infinity;
  let bMaxSlope = 0;
  let l = 0;
  for (let j = 0; j <= t.length; j++) {
    const upTo = j < t.length ? before[j] : a.length;
    for (; l < upTo; l++) {
      const al = a[l];
      const v = r * al - l;
      if (v > best) {
        best = v;
        bestA = al;
      }
      const w = l + 1 - r * al + best;
      if (w > bMin) {
        bMin = w;
        bMinSlope = bestA - al;
      }
    }
    if (j === t.length) break;
    const tj = t[j];
    const u = upTo === 0 ? 1 : Math.max(1, upTo + 1 - r * tj + best);
    if (u < bMax) {
      bMax = u;
      bMaxSlope = u === 1 ? 0 : bestA - tj;
    }
  }
  return { bMin, bMinSlope, bMax, bMaxSlope };
}

/** Keeps the `size` largest values seen (with a slope each), smallest of them first. */
class TopValues {
  readonly values: Float64Array;
  readonly slopes: Float64Array;
  filled = 0;
  constructor(readonly size: number) {
    this.values = new Float64Array(size);
    this.slopes = new Float64Array(size);
  }
  /** The threshold a value must beat to enter. */
  get floor(): number {
    return this.filled < this.size ? -Infinity : this.values[0];
  }
  add(value: number, slope: number): void {
    if (this.filled === this.size && value <= this.values[0]) return;
    let i = this.filled < this.size ? this.filled++ : 0;
    // Shift smaller entries down (full: drop values[0]); insertion keeps ascending order.
    if (i === 0 && this.filled === this.size && this.size > 0) {
      while (i + 1 < this.size && this.values[i + 1] < value) {
        this.values[i] = this.values[i + 1];
        this.slopes[i] = this.slopes[i + 1];
        i++;
      }
    } else {
      while (i > 0 && this.values[i - 1] > value) {
        this.values[i] = this.values[i - 1];
        this.slopes[i] = this.slopes[i - 1];
        i--;
      }
    }
    this.values[i] = value;
    this.slopes[i] = slope;
  }
}

/**
 * The general case: `trim` set aside, and acceptances with windows [early, late] (the loosest
 * reading of each window: a window of acceptances spans late_l − early_k; a 429 at t counts
 * every acceptance that may have come before it, and refill only from those surely before it).
 */
function trimmedBounds(data: DecisionData, r: number, trim: number): Bounds {
  const { acceptedS: a, throttledS: t, acceptedBefore: before } = data;
  const late = data.acceptedLateS ?? a;
  const surely = data.acceptedSurelyBefore ?? before;
  const lows = new TopValues(trim + 1);
  const highs = new TopValues(trim + 1); // holds −U: the smallest U as the largest −U
  let best = -Infinity;
  let bestA = 0;
  let bestLate = -Infinity;
  let bestLateA = 0;
  let l = 0;
  let m = 0;
  for (let j = 0; j <= t.length; j++) {
    const upTo = j < t.length ? before[j] : a.length;
    for (; l < upTo; l++) {
      const v = r * a[l] - l;
      if (v > best) {
        best = v;
        bestA = a[l];
      }
      const w = l + 1 - r * late[l] + best;
      if (w > lows.floor) lows.add(w, bestA - late[l]);
    }
    if (j === t.length) break;
    const sure = surely[j];
    for (; m < sure; m++) {
      const v = r * late[m] - m;
      if (v > bestLate) {
        bestLate = v;
        bestLateA = late[m];
      }
    }
    const tj = t[j];
    const refilled = sure === 0 ? -Infinity : upTo + 1 - r * tj + bestLate;
    const unsure = sure < upTo ? upTo - sure + 1 : -Infinity;
    const u = Math.max(1, refilled, unsure);
    if (-u > highs.floor) highs.add(-u, u === refilled ? tj - bestLateA : 0);
  }
  const bMin = lows.filled === lows.size ? Math.max(1, lows.values[0]) : 1;
  const bMinSlope = lows.filled === lows.size && lows.values[0] > 1 ? lows.slopes[0] : 0;
  const bMax = highs.filled === highs.size ? -highs.values[0] : Infinity;
  const bMaxSlope = highs.filled === highs.size ? -highs.slopes[0] : 0;
  return { bMin, bMinSlope, bMax, bMaxSlope };
}
