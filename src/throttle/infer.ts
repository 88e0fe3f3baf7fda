/**
 * Inference: the token bucket (rate r, burst b) that explains what a run observed, from the
 * accepted and throttled requests alone, never from the declared limits (docs/inference.md).
 *
 *   decision times   d_i = s_i + δ (+ queue time a 429's latency reveals)   decision-delay.ts
 *   bounds at r      every acceptance had a token, every 429 lacked one:
 *                    bMin(r) ≤ b < bMax(r), each O(n)                       bucket-bounds.ts
 *   feasible rates   { r : some whole b in [bMin(r), bMax(r)) }             rate-search.ts
 *
 * Every bucket in the reported ranges explains every request (clean data), or all but a few set
 * aside (noisy data: at most 2 × max(2, r × 2 ms) bounds of each kind, the burst tolerance of
 * docs/architecture.md "Agreement" twice over, as one late request can break a short run of
 * bounds); a bucket that needs more is no token bucket. What the ranges leave open is said, parameter by
 * parameter, in `unidentified`, with the traffic that would pin it down:
 *
 *   traffic                                   rate              burst
 *   never above the limit                     -                 -          (no-throttling)
 *   one instant burst, nothing held after     bounded below     known
 *   overload held for T s after emptying      ± ~1/T rps        known
 *   overload that never emptied it from full  known             bounded
 */
import type { Inference, UnidentifiedParameter } from '../result/schema.ts';
import { decisionData } from './bucket-bounds.ts';
import { decisionTiming } from './decision-delay.ts';
import { fullRange, searchRates } from './rate-search.ts';
import type { SearchRange, SearchResult } from './rate-probe.ts';
import { refine } from './burst-intervals.ts';
import type { DecisionData } from './bucket-bounds.ts';

/** Accepted (0) and throttled (1) requests by send time, ms, non-decreasing. */
export interface Observations {
  readonly atMs: ArrayLike<number>;
  readonly throttled: ArrayLike<number>;
  readonly count: number;
  /** Send-to-answer time per request, ms: the fast 429s among them reveal the decision delay. */
  readonly latencyMs?: ArrayLike<number>;
}

export interface InferOptions {
  /** Fewer accepted or throttled requests than this is 'insufficient-data'. @default 3 */
  readonly minEach?: number;
  /** Most bounds of each kind a token bucket may leave unexplained. @default 2 × max(2, r × 2 ms) */
  readonly maxSetAside?: number;
}

/** Burst slack allowed for timing noise at rate r: max(2, r × 2 ms) (docs/architecture.md "Agreement"). */
export function burstSlack(rateRps: number): number {
  return Math.max(2, rateRps * 0.002);
}

/** Rate ranges narrower than this (relative, whole width) count as identified. */
const RATE_IDENTIFIED = 0.01;

const SEND_ABOVE = 'send an instant burst larger than the expected burst, then hold about 1.5 × the expected rate for several seconds';

/** Estimates the effective bucket from observations; see the module comment. */
export function inferBucket(obs: Observations, options: InferOptions = {}): Inference {
  let throttled = 0;
  for (let i = 0; i < obs.count; i++) if (obs.throttled[i]) throttled++;
  const accepted = obs.count - throttled;
  const minEach = options.minEach ?? 3;
  if (throttled === 0) {
    return none('no-throttling', `nothing was throttled: ${accepted} requests accepted; the limit is above what was sent`, both('nothing was throttled'));
  }
  if (accepted < minEach || throttled < minEach) {
    return none('insufficient-data', `too few requests to infer a bucket (${accepted} accepted, ${throttled} throttled; need ${minEach} of each)`, both('too few requests'));
  }
  const timing = decisionTiming(obs.atMs, obs.throttled, obs.count, obs.latencyMs);
  const decidedS = new Float64Array(obs.count);
  for (let i = 0; i < obs.count; i++) decidedS[i] = timing.decidedMs[i] / 1000;
  const latestS = timing.latestMs?.map((ms) => ms / 1000);
  const flags = timing.throttled;
  const slackS = timing.slackMs / 1000;
  const spanS = Math.max(1e-3, decidedS[obs.count - 1] - decidedS[0]);
  const topRps = (2 * obs.count) / spanS + 10;

  let setAside = 0;
  let data = decisionData(decidedS, flags, obs.count, false, latestS, slackS);
  let result = locate(decidedS, flags, obs.count, topRps, 0, data, latestS, slackS);
  if (!result.feasible) {
    const limit = Math.ceil(options.maxSetAside ?? 2 * burstSlack(result.best.rateRps));
    data = decisionData(decidedS, flags, obs.count, true, latestS, slackS);
    for (let k = 1; k <= limit && !result.feasible; k = k < limit ? Math.min(limit, 2 * k) : limit + 1) {
      result = searchRates(data, fullRange(topRps), k);
      setAside = k;
    }
  }
  const delay = timing.delayMs;
  if (!result.feasible) {
    const b = Math.max(1, Math.round(result.best.bounds.bMin));
    return {
      ...none('not-a-token-bucket', `no token bucket explains what was seen, even setting aside ${setAside} accepted and ${setAside} throttled requests (closest: ${fmt(result.best.rateRps)} rps, burst ${b}, off by ${fmt(-result.best.gap)} requests); a window counter that also counts rejected requests behaves like this`, []),
      decisionDelayMs: delay,
    };
  }
  return tokenBucket(result, setAside, accepted, throttled, delay);
}

/** Below this many requests a run is searched whole; above, its first eighth narrows the search first. */
const PREFIX_MIN = 15_000;

/**
 * The feasible rates of the first `count` requests. A prefix of a run is a run of its own with
 * fewer constraints, so its feasible set contains the whole run's: searching the first eighth
 * (recursively) first leaves the whole run a narrow bracket, and O(n) evaluations few.
 */
function locate(decidedS: Float64Array, throttled: ArrayLike<number>, count: number, topRps: number, trim: number, data?: DecisionData, latestS?: Float64Array, slackS = 0): SearchResult {
  const own = data ?? decisionData(decidedS, throttled, count, trim > 0, latestS, slackS);
  let range: SearchRange = fullRange(topRps);
  let allowed: [number, number] | undefined;
  if (count >= PREFIX_MIN * 8) {
    const prefix = locate(decidedS, throttled, Math.floor(count / 8), topRps, trim, undefined, latestS, slackS);
    if (prefix.feasible?.components) {
      const refined = refine(own, trim, prefix.feasible.components, topRps);
      if (refined) return refined;
    }
    if (prefix.feasible) {
      const { lo, hi } = prefix.feasible;
      const from = lo > 0 ? lo * (1 - 1e-9) : range.fromRps;
      const to = Number.isFinite(hi) ? hi * (1 + 1e-9) : range.toRps;
      range = { fromRps: from, toRps: to, points: 6 };
      allowed = [prefix.feasible.burstLo, prefix.feasible.burstHi];
    }
  }
  return searchRates(own, range, trim, allowed);
}

function tokenBucket(result: SearchResult, setAside: number, accepted: number, throttled: number, delayMs: number | null): Inference {
  const { lo, hi, burstLo: burstMin, burstHi } = result.feasible!;
  const bounded = Number.isFinite(hi) && lo > 0;
  const rateRps = bounded ? (lo + hi) / 2 : null;
  const burstMax = Number.isFinite(burstHi) ? burstHi : null;
  const burst = burstMax === null ? burstMin : Math.floor((burstMin + burstMax) / 2);
  const unidentified: UnidentifiedParameter[] = [];
  if (!Number.isFinite(hi)) {
    unidentified.push({ parameter: 'rate', why: `only bounded below (≥ ${fmt(lo)} rps): the bucket was never held empty long enough to measure its refill`, traffic: 'after emptying the bucket, hold more than the rate (about 1.5 ×) for several seconds' });
  } else if (lo === 0) {
    unidentified.push({ parameter: 'rate', why: `only bounded above (≤ ${fmt(hi)} rps)`, traffic: 'after emptying the bucket, hold more than the rate (about 1.5 ×) for several seconds' });
  } else if (hi - lo > RATE_IDENTIFIED * ((lo + hi) / 2)) {
    unidentified.push({ parameter: 'rate', why: `anywhere in ${fmt(lo)}–${fmt(hi)} rps: throttling was held too briefly to pin it`, traffic: 'hold above the rate for longer: the range narrows as 1 / seconds held' });
  }
  const slack = burstSlack(rateRps ?? lo);
  if (burstMax === null || burstMax - burstMin > slack) {
    unidentified.push({ parameter: 'burst', why: `anywhere in ${burstMin}–${burstMax ?? '∞'}: the bucket was never emptied quickly from full`, traffic: 'start from a rested bucket with an instant burst larger than the expected burst, or a rate far above the expected rate' });
  }
  const rateText = rateRps !== null ? `${fmt(rateRps)} rps (${fmt(lo)}–${fmt(hi)})` : Number.isFinite(hi) ? `≤ ${fmt(hi)} rps` : `≥ ${fmt(lo)} rps`;
  const noisy = setAside > 0 ? `, setting aside up to ${setAside} accepted and ${setAside} throttled requests it does not explain` : '';
  return {
    kind: 'token-bucket',
    rateRps,
    burst,
    rateRange: rateRps !== null ? [lo, hi] : Number.isFinite(hi) ? [0, hi] : null,
    burstRange: burstMax === null ? null : [burstMin, burstMax],
    unidentified,
    decisionDelayMs: delayMs,
    note: `a token bucket of ${rateText} and burst ${burst} (${burstMin}–${burstMax ?? '∞'}) explains the ${accepted} accepted and ${throttled} throttled requests${noisy}`,
  };
}

function both(why: string): UnidentifiedParameter[] {
  return [
    { parameter: 'rate', why, traffic: SEND_ABOVE },
    { parameter: 'burst', why, traffic: SEND_ABOVE },
  ];
}

function none(kind: Inference['kind'], note: string, unidentified: UnidentifiedParameter[]): Inference {
  return { kind, rateRps: null, burst: null, rateRange: null, burstRange: null, unidentified, decisionDelayMs: null, note };
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
