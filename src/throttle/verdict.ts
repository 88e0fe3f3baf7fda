/**
 * The throttle verdict of one bucket group (groups.ts), judged on its own evidence
 * (docs/throttling.md "The verdict"):
 *
 *   gap(t) = predicted accepted so far − observed accepted so far      (this group's requests)
 *   allowed(t) = noise + rateRelative × rate × (seconds throttled so far)
 *
 *   gap ^         a burst declared too large: the gap opens when the bucket first empties
 *       |   ______________________        and stays open, however long the run
 *       |  |        allowed  ___---       a rate declared too high: the gap grows by the
 *       |  | ___-------''''               error × time in overload, and leaves the band
 *       +--+--------------------------> t
 *
 * A gap outside the band for a sustained stretch (PERSIST_ROWS rows and PERSIST_MS) fails the
 * bucket; one that never leaves it passes only if the run could have seen an error: the same
 * test is run between the declared bucket and the declared bucket with its burst or rate moved,
 * and the smallest move that would have failed is the run's detection power. A parameter
 * nothing in the run could have caught is `untested`, and the group `inconclusive`.
 */
import type { BucketVerdict, DetectionPower, Inference, Tolerance } from '../result/schema.ts';
import type { BucketGroup } from './groups.ts';

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

interface GapTest {
  /** First row of a sustained excursion of the gap itself outside the band (a burst, or a rate error grown large), or -1. */
  readonly levelRow: number;
  /** First row of a sustained drift of the gap within one episode of load (a rate error), or -1. */
  readonly driftRow: number;
  readonly largestGap: number;
  readonly largestGapRow: number;
}

/** The rows where an episode of load starts: the first row, and any row after a gap long enough to refill the bucket. */
function episodeStarts(decidedMs: Float64Array, rateRps: number, burst: number): Uint8Array {
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
function windowAllowanceS(e: GroupEvidence, starts: Uint8Array): Float64Array {
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
function gapTest(a: Uint8Array, b: Uint8Array, e: GroupEvidence, ctx: GapContext, firstOnly = false): GapTest {
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

interface GapContext {
  readonly overS: Float64Array;
  readonly cutEnd: Uint32Array;
  readonly scratch: GapScratch;
  readonly windowS: Float64Array;
  readonly starts: Uint8Array;
  readonly rateRps: number;
  readonly band: { noise: number; rateRelative: number };
}

const violated = (t: GapTest) => t.levelRow >= 0 || t.driftRow >= 0;

/**
 * Cumulative seconds of throttling (100 ms bins of decision time with a predicted or observed
 * 429) at each row, each bin counted once however the rows' decision times interleave.
 */
function throttledSeconds(e: GroupEvidence): Float64Array {
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
function bucketAccepts(decidedMs: Float64Array, rateRps: number, burst: number, out: Uint8Array): Uint8Array {
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

/**
 * The smallest change of burst, and of rate, that the gap test would have caught on this run's
 * traffic: null where even a fourfold burst, or a doubled or zeroed rate, would have passed.
 */
export function detectionPower(e: GroupEvidence, ctx: GapContext, burst: number): DetectionPower {
  const { rateRps } = ctx;
  const n = e.decidedMs.length;
  const base = bucketAccepts(e.decidedMs, rateRps, burst, new Uint8Array(n));
  const scratch = new Uint8Array(n);
  const caught = (r: number, b: number) => b >= 0 && r >= 0 && violated(gapTest(base, bucketAccepts(e.decidedMs, r, b, scratch), e, ctx, true));
  const burstCaught = (k: number) => caught(rateRps, burst + k) || caught(rateRps, burst - k);
  const rateCaught = (x: number) => caught(rateRps * (1 + x), burst) || caught(rateRps * (1 - x), burst);
  // Nothing inside the band can be caught: start the burst search just past it.
  // The band is narrowest where the bucket first empties: no smaller change can be caught anywhere.
  let firstEmpty = 0;
  while (firstEmpty < n - 1 && e.predictedAccepted[firstEmpty] === 1 && e.observedAccepted[firstEmpty] === 1) firstEmpty++;
  const fromK = Math.max(1, Math.floor(ctx.band.noise + rateRps * ctx.windowS[firstEmpty]));
  return { burst: smallest(burstCaught, fromK, Math.max(4 * burst, 64), true, 0.25), rateRelative: smallest(rateCaught, 0.01, 1, false, 0.5) };
}

/**
 * Smallest x in [from, hi] with caught(x) (assumed monotone), to within `precision` (relative):
 * doubling from `from`, then bisection; null if even `hi` is not caught. Every x below `from` is
 * known not to be caught (it is inside the band). Each probe is one or two O(n) replays.
 */
function smallest(caught: (x: number) => boolean, from: number, hi: number, integer: boolean, precision: number): number | null {
  let miss = integer ? from - 1 : from / 2;
  let x = from;
  while (!caught(x)) {
    miss = x;
    if (x >= hi) return null;
    x = Math.min(hi, integer ? Math.ceil(x * 2) : x * 2);
  }
  while (x - miss > Math.max(integer ? 1 : 0, precision * x)) {
    const mid = integer ? Math.floor((miss + x) / 2) : (miss + x) / 2;
    if (mid <= miss || mid >= x) break;
    if (caught(mid)) x = mid;
    else miss = mid;
  }
  return x;
}

/** The largest error a run may leave undetected and still have tested a parameter. */
export function testedBounds(tolerance: Tolerance, burst: number, noise: number): { rateRelative: number; burst: number } {
  return { rateRelative: Math.max(2 * tolerance.rateRelative, 0.1), burst: Math.max(Math.ceil(noise) + 1, Math.ceil(burst / 2)) };
}

/** Judges one group. */
export function judgeGroup(group: BucketGroup, e: GroupEvidence, inferred: Inference, tolerance: Tolerance): BucketVerdict {
  const rateRps = group.binding.spec.rateRps;
  const burst = group.burst;
  const n = e.decidedMs.length;
  let predictedAccepted = 0;
  let observedAccepted = 0;
  for (let i = 0; i < n; i++) {
    predictedAccepted += e.predictedAccepted[i];
    observedAccepted += e.observedAccepted[i];
  }
  const band = bandOf(tolerance, rateRps);
  const overS = throttledSeconds(e);
  const starts = episodeStarts(e.decidedMs, rateRps, burst);
  const ctx: GapContext = { overS, cutEnd: cutEnds(e.sentMs, e.windowMs), scratch: new GapScratch(n), windowS: windowAllowanceS(e, starts), starts, rateRps, band };
  const test = gapTest(e.predictedAccepted, e.observedAccepted, e, ctx);
  const common = {
    label: group.binding.label, layer: group.binding.layer, declared: { rateRps, burst }, routes: group.routes, requests: n,
    predicted: { accepted: predictedAccepted, throttled: n - predictedAccepted }, observed: { accepted: observedAccepted, throttled: n - observedAccepted },
    largestGap: test.largestGapRow < 0 ? null : { requests: test.largestGap, atS: round3(e.decidedMs[test.largestGapRow] / 1000) }, inferred,
  };
  if (predictedAccepted === n && observedAccepted === n) {
    const why = `neither predicted nor observed throttling (${n} requests, all accepted): the traffic stayed within ${fmt(rateRps)} rps / burst ${burst}`;
    return { ...common, verdict: 'not-exercised', reason: why, rate: { verdict: 'untested', reason: why }, burst: { verdict: 'untested', reason: why }, detection: { rateRelative: null, burst: null } };
  }
  const detection = detectionPower(e, ctx, burst);
  const bandText = `band ±${fmt(band.noise)} requests + ${pct(band.rateRelative)} of the rate over time throttled + the rate over each decision window`;
  if (violated(test)) return failed(common, e, test, ctx, inferred, burst, detection, bandText);
  const bounds = testedBounds(tolerance, burst, band.noise);
  const rateTested = detection.rateRelative !== null && detection.rateRelative <= bounds.rateRelative;
  const burstTested = detection.burst !== null && detection.burst <= bounds.burst;
  const hint = (p: 'rate' | 'burst') => inferred.unidentified.find((u) => u.parameter === p)?.traffic ?? (p === 'rate' ? `hold more than ${fmt(rateRps)} rps for ${Math.max(3, Math.ceil((4 * band.noise) / (rateRps * 0.1)))} s or more` : `send more than ${burst} requests faster than the rate refills (an instant burst of ${2 * burst + 5})`);
  const rate = rateTested
    ? { verdict: 'pass' as const, reason: `held within the band; a rate off by ${pct(detection.rateRelative!)} or more would have failed` }
    : { verdict: 'untested' as const, reason: `this traffic could not tell the rate (${detection.rateRelative === null ? 'no rate change up to 100% would have failed' : `only a rate off by ${pct(detection.rateRelative)} would have failed`}): ${hint('rate')}` };
  const burstJudged = burstTested
    ? { verdict: 'pass' as const, reason: `held within the band; a burst off by ${detection.burst} or more would have failed` }
    : { verdict: 'untested' as const, reason: `this traffic could not tell the burst (${detection.burst === null ? 'no burst change up to fourfold would have failed' : `only a burst off by ${detection.burst} would have failed`}): ${hint('burst')}` };
  const verdict = rateTested && burstTested ? 'pass' : 'inconclusive';
  const could = `a burst off by ${detection.burst ?? '—'} or more, or a rate off by ${detection.rateRelative === null ? '—' : pct(detection.rateRelative)} or more, would have failed`;
  const reason = verdict === 'pass'
    ? `${group.binding.label}: ${fmt(rateRps)} rps / burst ${burst} as declared (largest gap ${test.largestGap} requests, ${bandText}); ${could}`
    : `${group.binding.label}: throttled as declared so far, but ${[rate, burstJudged].filter((x) => x.verdict === 'untested').map((x) => x.reason).join('; ')}`;
  return { ...common, verdict, reason, rate, burst: burstJudged, detection };
}

/**
 * Which declared parameter is wrong: the one whose change alone brings the observations back
 * into the band (replaying the declared bucket with only its burst, or only its rate, moved to
 * the values the observations suggest). Neither alone: both.
 */
function blame(e: GroupEvidence, ctx: GapContext, test: GapTest, inferred: Inference, burst: number): { rate: boolean; burst: boolean } {
  const { rateRps } = ctx;
  const scratch = new Uint8Array(e.decidedMs.length);
  const explains = (r: number, b: number) => r > 0 && b >= 0 && !violated(gapTest(bucketAccepts(e.decidedMs, r, b, scratch), e.observedAccepted, e, ctx, true));
  let gapAtLargest = 0;
  for (let i = 0; i <= test.largestGapRow; i++) gapAtLargest += e.predictedAccepted[i] - e.observedAccepted[i];
  const bursts = new Set<number>([burst - gapAtLargest]);
  if (inferred.burst !== null) bursts.add(inferred.burst);
  for (const b of [...bursts]) for (const d of [-2, -1, 1, 2]) bursts.add(b + d);
  const rates = new Set<number>([0.5, 0.65, 0.8, 0.9, 0.95, 0.98, 1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 2].map((k) => rateRps * k));
  if (inferred.rateRps !== null) rates.add(inferred.rateRps);
  const burstAlone = [...bursts].some((b) => b !== burst && explains(rateRps, b));
  const rateAlone = [...rates].some((r) => explains(r, burst));
  if (burstAlone !== rateAlone) return { rate: rateAlone, burst: burstAlone };
  // Both or neither explain alone: the test that tripped first names the parameter, else both.
  if (burstAlone) return test.driftRow >= 0 && test.driftRow < test.levelRow ? { rate: true, burst: false } : { rate: false, burst: true };
  return { rate: true, burst: true };
}

function failed(
  common: Omit<BucketVerdict, 'verdict' | 'reason' | 'rate' | 'burst' | 'detection'>, e: GroupEvidence, test: GapTest, ctx: GapContext,
  inferred: Inference, burst: number, detection: DetectionPower, bandText: string,
): BucketVerdict {
  const { overS, rateRps } = ctx;
  const row = Math.min(...[test.levelRow, test.driftRow].filter((r) => r >= 0));
  let gap = 0;
  for (let i = 0; i <= test.largestGapRow; i++) gap += e.predictedAccepted[i] - e.observedAccepted[i];
  gap = Math.sign(gap) * test.largestGap;
  const at = test.largestGapRow;
  const where = `by ${(e.decidedMs[at] / 1000).toFixed(2)} s (${overS[at].toFixed(1)} s of throttling) the target had accepted ${Math.abs(gap)} ${gap > 0 ? 'fewer' : 'more'} requests than ${fmt(rateRps)} rps / burst ${burst} predicts, outside the band from ${(e.decidedMs[row] / 1000).toFixed(2)} s on (${bandText})`;
  const token = inferred.kind === 'token-bucket' && inferred.rateRps !== null ? inferred : undefined;
  const wrong = blame(e, ctx, test, inferred, burst);
  const measured = token ? `measured ${fmt(token.rateRps!)} rps / burst ${token.burst}` : inferred.kind === 'not-a-token-bucket' ? `the target is not a token bucket: ${inferred.note}` : `measured: ${inferred.note}`;
  const rate = wrong.rate ? { verdict: 'fail' as const, reason: `${where}; ${measured}` } : { verdict: 'pass' as const, reason: `the declared rate explains the observations once the burst is corrected; a rate off by ${detection.rateRelative === null ? '—' : pct(detection.rateRelative)} or more would have failed` };
  const burstJudged = wrong.burst ? { verdict: 'fail' as const, reason: `${where}; ${measured}` } : { verdict: 'pass' as const, reason: `the declared burst explains the observations once the rate is corrected; a burst off by ${detection.burst ?? '—'} or more would have failed` };
  const which = [wrong.rate ? 'rate' : '', wrong.burst ? 'burst' : ''].filter(Boolean).join(' and ');
  return { ...common, verdict: 'fail', reason: `${common.label}: the declared ${which} ${wrong.rate && wrong.burst ? 'are' : 'is'} not what the target enforces: ${where}; ${measured}`, rate, burst: burstJudged, detection };
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : Number(x.toFixed(1)).toString();
}

function pct(x: number): string {
  return `${Number((x * 100).toFixed(1))}%`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
