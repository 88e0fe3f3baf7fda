/**
 * The gap test of a throttle verdict (docs/throttling.md "The verdict"): the gap between the
 * accepted counts two buckets predict (or one predicts and the target observed), row by row in
 * send order, against the tolerance band that noise and decision-time uncertainty allow. verdict.ts
 * judges a group with it, and with it measures the run's detection power.
 */
import type { Tolerance } from '../result/schema.ts';

/** Noise a sustained gap must outlast: a few rows, and a tenth of a second. */
const PERSIST_ROWS = 3;
const PERSIST_MS = 100;
const BIN_MS = 100;

/** The evidence of one group, row by row in send order. */
export interface GroupEvidence {
  /** When each row was sent, ms. */
  readonly sentMs: Float64Array;
  /** When the gateway decided each row (analyse.ts, from decision-delay.ts: send + one delay per run), ms. */
  readonly decidedMs: Float64Array;
  /** 1 where the declared limits predict acceptance. */
  readonly predictedAccepted: Uint8Array;
  /** 1 where the target accepted. */
  readonly observedAccepted: Uint8Array;
  /**
   * How long after its send the gateway may have decided each row, ms (replay.ts latestDecisionMs − sent):
   * the bucket may have refilled by rate × this much more or less than the replay assumed.
   */
  readonly windowMs: Float64Array;
}

/** Requests of noise a gap may show, and its rate allowance: the tolerance band for this bucket. */
export function bandOf(tolerance: Tolerance, rateRps: number): { noise: number; rateRelative: number } {
  return { noise: Math.max(tolerance.burstAbsolute, rateRps * 0.002), rateRelative: tolerance.rateRelative };
}

export interface GapTest {
  /** First row of a sustained excursion of the gap itself outside the band (a burst, or a rate error grown large), or -1. */
  readonly levelRow: number;
  /** First row of a sustained drift of the gap within one episode of load (a rate error), or -1. */
  readonly driftRow: number;
  readonly largestGap: number;
  readonly largestGapRow: number;
}

/** The rows where an episode of load starts: the first row, and any row after a gap long enough to refill the bucket. */
export function episodeStarts(decidedMs: Float64Array, rateRps: number, burst: number): Uint8Array {
  const refillMs = (Math.max(1, burst) / rateRps) * 1000;
  const starts = new Uint8Array(decidedMs.length);
  for (let i = 0; i < decidedMs.length; i++) starts[i] = i === 0 || decidedMs[i] - decidedMs[i - 1] >= refillMs ? 1 : 0;
  return starts;
}

/**
 * Seconds of decision-time uncertainty accumulated at each row. Within one episode the gateway's
 * decisions may have been up to the largest window late, so its bucket may hold rate × that
 * window more tokens than the replay gave it, and the admissions that follow keep that offset in
 * the running totals: each episode adds its largest window, and it stays.
 */
export function windowAllowanceS(e: GroupEvidence, starts: Uint8Array): Float64Array {
  const out = new Float64Array(e.decidedMs.length);
  let closed = 0;
  let current = 0;
  for (let i = 0; i < out.length; i++) {
    if (starts[i] === 1) {
      closed += current;
      current = 0;
    }
    current = Math.max(current, e.windowMs[i] / 1000);
    out[i] = closed + current;
  }
  return out;
}

/**
 * Where the gateway's cut may be for each row: the gateway decides on its own receive times and,
 * inside a burst, in its own order, so "the first i requests" in send order may be, at the
 * gateway, any prefix up to the last request sent before row i (or any earlier row) could have
 * been decided. cutEnd(i) = the last row j with sent(j) <= max over k <= i of latest(k).
 */
export function cutEnds(sentMs: Float64Array, windowMs: Float64Array): Uint32Array {
  const n = sentMs.length;
  const out = new Uint32Array(n);
  let latest = -Infinity;
  let j = 0;
  for (let i = 0; i < n; i++) {
    latest = Math.max(latest, sentMs[i] + windowMs[i]);
    if (j < i) j = i;
    while (j + 1 < n && sentMs[j + 1] <= latest) j++;
    out[i] = j;
  }
  return out;
}

/** Buffers one gap test needs, made once per group and reused by every replay of it. */
export class GapScratch {
  readonly gap: Int32Array;
  readonly minQ: Int32Array;
  readonly maxQ: Int32Array;
  constructor(n: number) {
    this.gap = new Int32Array(n);
    this.minQ = new Int32Array(n);
    this.maxQ = new Int32Array(n);
  }
}

/**
 * The gap test between two accepted sequences over the same rows, on the range each row's gap
 * can have once the gateway's own order is allowed for: lo(i), hi(i) = the least and greatest
 * gap over rows [i, cutEnd(i)] (monotone deques, fused with the running sum: one O(n) pass).
 *   level: the whole range outside noise + rate × (ρ × throttled s(i) + accumulated windows(i))
 *   drift: the least change between rows i < j of one episode beyond 2 noise + rate × (ρ ×
 *          (throttled s(j) − throttled s(i)) + window(i) + window(j)): while the bucket is empty
 *          both sides admit at the refill rate, so only the two ends' timing is uncertain. It is
 *          measured from the episode's first 429 on: before it the bucket was filling or full,
 *          and what it held is the level test's business. Running extremes keep it O(n).
 * With `firstOnly`, it stops at the first sustained excursion of either kind.
 */
export function gapTest(a: Uint8Array, b: Uint8Array, e: GroupEvidence, ctx: GapContext, firstOnly = false): GapTest {
  const { decidedMs, windowMs } = e;
  const { overS, windowS, starts, rateRps, band, cutEnd } = ctx;
  const { gap, minQ, maxQ } = ctx.scratch;
  const rho = band.rateRelative * rateRps;
  const noise = band.noise;
  const perMs = rateRps / 1000;
  const n = decidedMs.length;
  // Streaks of out-of-band rows (kept inline: this loop runs once per replay of the detection search).
  let levelStart = -1;
  let levelRow = -1;
  let driftStart = -1;
  let driftRow = -1;
  let largestGap = 0;
  let largestGapRow = -1;
  let lowest = Infinity; // min over i of hi(i) − ρR·over(i) + R·w(i)
  let highest = -Infinity; // max over i of lo(i) + ρR·over(i) − R·w(i)
  let emptied = false;
  let minHead = 0;
  let minTail = 0;
  let maxHead = 0;
  let maxTail = 0;
  let next = 0;
  let running = 0;
  for (let i = 0; i < n; i++) {
    for (; next <= cutEnd[i]; next++) {
      running += a[next] - b[next];
      gap[next] = running;
      while (minTail > minHead && gap[minQ[minTail - 1]] >= running) minTail--;
      minQ[minTail++] = next;
      while (maxTail > maxHead && gap[maxQ[maxTail - 1]] <= running) maxTail--;
      maxQ[maxTail++] = next;
    }
    while (minQ[minHead] < i) minHead++;
    while (maxQ[maxHead] < i) maxHead++;
    const lo = gap[minQ[minHead]];
    const hi = gap[maxQ[maxHead]];
    const size = lo > 0 ? lo : hi < 0 ? -hi : 0;
    if (size > largestGap) {
      largestGap = size;
      largestGapRow = i;
    }
    if (levelRow < 0) {
      if (size > noise + rho * overS[i] + rateRps * windowS[i]) {
        if (levelStart < 0) levelStart = i;
        if (i - levelStart + 1 >= PERSIST_ROWS && decidedMs[i] - decidedMs[levelStart] >= PERSIST_MS) levelRow = levelStart;
      } else levelStart = -1;
    }
    if (starts[i] === 1) {
      lowest = Infinity;
      highest = -Infinity;
      emptied = false;
    }
    if (!emptied && (a[i] === 0 || b[i] === 0)) emptied = true;
    if (emptied) {
      const w = perMs * windowMs[i];
      const over = rho * overS[i];
      if (driftRow < 0) {
        if (lo - over - w - lowest > 2 * noise || highest - (hi + over + w) > 2 * noise) {
          if (driftStart < 0) driftStart = i;
          if (i - driftStart + 1 >= PERSIST_ROWS && decidedMs[i] - decidedMs[driftStart] >= PERSIST_MS) driftRow = driftStart;
        } else driftStart = -1;
      }
      const up = hi - over + w;
      if (up < lowest) lowest = up;
      const down = lo + over - w;
      if (down > highest) highest = down;
    }
    if (firstOnly ? levelRow >= 0 || driftRow >= 0 : levelRow >= 0 && driftRow >= 0) break;
  }
  // A stretch still open at the end of the run is sustained too: nothing closed it.
  if (levelRow < 0 && levelStart >= 0 && n - levelStart >= PERSIST_ROWS) levelRow = levelStart;
  if (driftRow < 0 && driftStart >= 0 && n - driftStart >= PERSIST_ROWS) driftRow = driftStart;
  return { levelRow, driftRow, largestGap, largestGapRow };
}

export interface GapContext {
  readonly overS: Float64Array;
  readonly cutEnd: Uint32Array;
  readonly scratch: GapScratch;
  readonly windowS: Float64Array;
  readonly starts: Uint8Array;
  readonly rateRps: number;
  readonly band: { noise: number; rateRelative: number };
}

export const violated = (t: GapTest) => t.levelRow >= 0 || t.driftRow >= 0;

/**
 * Cumulative seconds of throttling (100 ms bins of decision time with a predicted or observed
 * 429) at each row, each bin counted once however the rows' decision times interleave.
 */
export function throttledSeconds(e: GroupEvidence): Float64Array {
  const n = e.decidedMs.length;
  const out = new Float64Array(n);
  let maxBin = 0;
  for (let i = 0; i < n; i++) maxBin = Math.max(maxBin, Math.floor(e.decidedMs[i] / BIN_MS));
  const marked = new Uint8Array(maxBin + 1);
  let bins = 0;
  for (let i = 0; i < n; i++) {
    const bin = Math.max(0, Math.floor(e.decidedMs[i] / BIN_MS));
    if (marked[bin] === 0 && (e.predictedAccepted[i] === 0 || e.observedAccepted[i] === 0)) {
      marked[bin] = 1;
      bins++;
    }
    out[i] = (bins * BIN_MS) / 1000;
  }
  return out;
}

/** A single token bucket replayed on the decision times: 1 where it admits. */
export function bucketAccepts(decidedMs: Float64Array, rateRps: number, burst: number, out: Uint8Array): Uint8Array {
  let tokens = burst;
  let lastMs = decidedMs.length > 0 ? decidedMs[0] : 0;
  const perMs = rateRps / 1000;
  for (let i = 0; i < decidedMs.length; i++) {
    const t = decidedMs[i];
    if (t > lastMs) {
      tokens = Math.min(burst, tokens + perMs * (t - lastMs));
      lastMs = t;
    }
    if (tokens >= 1 - 1e-9) {
      tokens -= 1;
      out[i] = 1;
    } else out[i] = 0;
  }
  return out;
}
