/**
 * Predicted vs observed throttling (design.md "Agreement"). The gateway decides on its own
 * receive times and, inside an instant burst, in its own order, so requests are compared as
 * counts, not one by one: both sides are binned by send time in 100 ms bins and
 *
 *   agreement = 1 - Σ_bins |predicted accepted - observed accepted| / compared
 *
 * where `compared` = requests that got an HTTP response (network errors are left out).
 * Observed "throttled" = a status in `throttleStatuses` whose 429 origin is throttle or quota,
 * or any such status when no origin was classified (nginx's 503 has none).
 */
import { ORIGIN, type SendLog } from '../record/send-log.ts';
import type { Tolerance } from '../result/schema.ts';
import { PREDICTED, type Prediction } from './replay.ts';

/** Width of the agreement bins, ms of send time. */
export const AGREEMENT_BIN_MS = 100;

/** Observed outcome codes (observedCode). */
export const OBSERVED = { NONE: 0, ACCEPTED: 1, THROTTLED: 2 } as const;
export type ObservedCode = (typeof OBSERVED)[keyof typeof OBSERVED];

/** What row `i` of the log tells about throttling: no answer, accepted, or throttled. */
export function observedCode(log: SendLog, i: number, throttleStatuses: readonly number[]): ObservedCode {
  const status = log.status[i];
  if (status === 0) return OBSERVED.NONE;
  if (!throttleStatuses.includes(status)) return OBSERVED.ACCEPTED;
  const origin = log.origin[i];
  return origin === ORIGIN.THROTTLE || origin === ORIGIN.QUOTA || origin === ORIGIN.NONE ? OBSERVED.THROTTLED : OBSERVED.ACCEPTED;
}

/** One second of the comparison, by send time. */
export interface SecondComparison {
  readonly second: number;
  readonly predictedAccepted: number;
  readonly observedAccepted: number;
  readonly observedThrottled: number;
}

/** Totals, agreement, first 429 and per-second counts of predicted vs observed. */
export interface ThrottleComparison {
  readonly compared: number;
  /** Requests with no HTTP response, left out of every count here. */
  readonly excluded: number;
  readonly predicted: { readonly accepted: number; readonly throttled: number };
  readonly observed: { readonly accepted: number; readonly throttled: number };
  readonly agreement: number;
  readonly firstThrottledS: { readonly predicted: number | null; readonly observed: number | null };
  readonly perSecond: readonly SecondComparison[];
}

/** Compares a replay's prediction with what the log observed. O(n). */
export function compare(prediction: Prediction, log: SendLog, throttleStatuses: readonly number[]): ThrottleComparison {
  const seconds = log.count === 0 ? 0 : Math.floor(log.sentMs[log.count - 1] / 1000) + 1;
  const predSec = new Uint32Array(seconds);
  const obsSec = new Uint32Array(seconds);
  const thrSec = new Uint32Array(seconds);
  let compared = 0;
  let excluded = 0;
  let predAcc = 0;
  let obsAcc = 0;
  let obsThr = 0;
  let firstObsMs: number | null = null;
  let bin = -1;
  let binDiff = 0;
  let absDiff = 0;
  for (let i = 0; i < log.count; i++) {
    const obs = observedCode(log, i, throttleStatuses);
    if (obs === OBSERVED.NONE) {
      excluded++;
      continue;
    }
    const t = log.sentMs[i];
    const b = Math.floor(t / AGREEMENT_BIN_MS);
    if (b !== bin) {
      absDiff += Math.abs(binDiff);
      binDiff = 0;
      bin = b;
    }
    const s = Math.floor(t / 1000);
    compared++;
    const p = prediction.code[i];
    const predictedAccepted = p === PREDICTED.ACCEPTED || p === PREDICTED.FORBIDDEN;
    if (predictedAccepted) {
      predAcc++;
      predSec[s]++;
      binDiff++;
    }
    if (obs === OBSERVED.ACCEPTED) {
      obsAcc++;
      obsSec[s]++;
      binDiff--;
    } else {
      obsThr++;
      thrSec[s]++;
      firstObsMs ??= t;
    }
  }
  absDiff += Math.abs(binDiff);
  const perSecond: SecondComparison[] = [];
  for (let s = 0; s < seconds; s++) {
    if (predSec[s] + obsSec[s] + thrSec[s] > 0) perSecond.push({ second: s, predictedAccepted: predSec[s], observedAccepted: obsSec[s], observedThrottled: thrSec[s] });
  }
  return {
    compared,
    excluded,
    predicted: { accepted: predAcc, throttled: compared - predAcc },
    observed: { accepted: obsAcc, throttled: obsThr },
    agreement: compared === 0 ? 1 : 1 - absDiff / compared,
    firstThrottledS: { predicted: toSeconds(prediction.firstThrottledMs), observed: toSeconds(firstObsMs) },
    perSecond,
  };
}

function toSeconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms) / 1000;
}

/**
 * The tolerance bands of a throttle verdict.
 * - emulator: the emulator enforces exactly what the model predicts, so only timing noise
 *   between the client's send time and the emulator's receive time is allowed: agreement ≥ 0.99,
 *   rate ±3 %, burst ±2 (or rate × 2 ms when larger, design.md).
 * - aws: AWS calls throttling best effort and enforces it on many hosts; captures show a 20 rps
 *   stage letting ~80 of 100 simultaneous requests through and the reverse (aws-facts.md §1).
 *   Sustained rates hold better than bursts over several seconds, so: agreement ≥ 0.80,
 *   rate ±20 %, burst ±50 requests. Wide on purpose: a narrower band would fail healthy APIs.
 */
export function toleranceFor(profile: 'emulator' | 'aws', overrides: Partial<Omit<Tolerance, 'profile'>> = {}): Tolerance {
  const base: Tolerance =
    profile === 'emulator'
      ? { profile, minAgreement: 0.99, rateRelative: 0.03, burstAbsolute: 2 }
      : { profile, minAgreement: 0.8, rateRelative: 0.2, burstAbsolute: 50 };
  const changed = Object.values(overrides).some((v) => v !== undefined);
  return Object.freeze(changed ? { ...base, ...stripUndefined(overrides), profile: 'custom' as const } : base);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Burst band for a rate: max(tolerance.burstAbsolute, rate × 2 ms) (design.md "Agreement"). */
export function burstToleranceFor(tolerance: Tolerance, rateRps: number): number {
  return Math.max(tolerance.burstAbsolute, rateRps * 0.002);
}
