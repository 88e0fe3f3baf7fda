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
import { bandOf, bucketAccepts, cutEnds, episodeStarts, GapScratch, gapTest, throttledSeconds, violated, windowAllowanceS, type GapContext, type GapTest, type GroupEvidence } from './gap-test.ts';

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
