/**
 * The `verify` probe: a schedule built to make a token bucket show its rate and burst, within
 * caps on requests and duration, and what it costs at API Gateway prices (docs/aws-rules.md §6).
 *
 *   rps ^         burst > B at one instant
 *       |          |
 *       |          |  1.5 R held (the bucket empties; accepted = R)
 *       |          |________
 *       |          |        |__0.7 R__  (everything accepted: refill is seen)
 *       +--rest----+-------------------> t
 *          B/R s (refills the bucket; outside the measured traffic)
 */
import { flavourOf } from '../api/flavours.ts';
import { UsageError } from '../errors.ts';
import type { PhaseSpec } from '../scenario/types.ts';

/** USD per request, first tier, from the API flavours (src/api/). */
export const PRICE_PER_REQUEST_USD = { rest: flavourOf('rest').pricePerRequestUsd, http: flavourOf('http').pricePerRequestUsd } as const;

export interface ProbeCaps {
  /** Most requests the probe may send. */
  readonly maxRequests: number;
  /** Longest the probe may last, rest included. */
  readonly maxDurationMs: number;
}

/** The planned probe: phases to run, how many requests, what they may cost. */
export interface ProbePlan {
  readonly phases: readonly PhaseSpec[];
  readonly plannedRequests: number;
  /** Requests a bucket of the declared size accepts (API Gateway bills only those). */
  readonly expectedAccepted: number;
  readonly costUsd: { readonly rest: { readonly worst: number; readonly expected: number }; readonly http: { readonly worst: number; readonly expected: number } };
  /** One line per phase, for the printout. */
  readonly description: readonly string[];
  /** The largest instant burst, so the sender can open that many connections first. */
  readonly largestBurst: number;
}

/**
 * The probe for a declared rate R and burst B: rest B/R s, an instant burst of 2B + 5, 1.5 R for
 * `holdMs` (3 s, or 200 / R s for slow rates so at least 200 tokens flow), then 0.7 R for 2 s.
 * Holds shrink (to 1 s) to fit the caps; past that it is a UsageError naming the cap.
 */
export function probeForLimits(rateRps: number, burst: number, caps: ProbeCaps): ProbePlan {
  if (!(rateRps > 0) || !(burst >= 1)) throw new UsageError(`verify: --rate ${rateRps} / --burst ${burst} is invalid (expected a rate > 0 and a burst >= 1)`);
  const restMs = Math.min(30_000, Math.ceil((burst / rateRps) * 1000) + 100);
  const burstCount = 2 * Math.ceil(burst) + 5;
  let holdMs = Math.max(3000, Math.ceil((200 / rateRps) * 1000));
  let lowMs = 2000;
  const count = () => burstCount + Math.ceil(1.5 * rateRps * (holdMs / 1000)) + Math.ceil(0.7 * rateRps * (lowMs / 1000));
  const duration = () => restMs + holdMs + lowMs;
  while ((count() > caps.maxRequests || duration() > caps.maxDurationMs) && (holdMs > 1000 || lowMs > 1000)) {
    holdMs = Math.max(1000, Math.floor(holdMs * 0.8));
    lowMs = Math.max(1000, Math.floor(lowMs * 0.8));
  }
  if (count() > caps.maxRequests) throw new UsageError(`verify: --max-requests ${caps.maxRequests} is too small for rate ${rateRps} / burst ${burst} (the shortest probe needs ${count()})`);
  if (duration() > caps.maxDurationMs) throw new UsageError(`verify: --max-duration ${caps.maxDurationMs / 1000}s is too short for rate ${rateRps} / burst ${burst} (the shortest probe needs ${Math.ceil(duration() / 1000)}s)`);
  const phases: PhaseSpec[] = [
    { shape: 'pause', durationMs: restMs },
    { shape: 'burst', count: burstCount, spreadMs: 0, durationMs: 0 },
    { shape: 'constant', rateRps: 1.5 * rateRps, durationMs: holdMs, arrivals: 'uniform' },
    { shape: 'constant', rateRps: 0.7 * rateRps, durationMs: lowMs, arrivals: 'uniform' },
  ];
  const accepted = Math.min(burstCount, burst) + rateRps * (holdMs / 1000) + 0.7 * rateRps * (lowMs / 1000);
  return planOf(phases, count(), accepted, burstCount, [
    `rest ${(restMs / 1000).toFixed(1)} s (refills a bucket of ${burst} at ${rateRps} rps; not measured)`,
    `burst of ${burstCount} at one instant (> burst ${burst})`,
    `${fmt(1.5 * rateRps)} rps for ${(holdMs / 1000).toFixed(1)} s (1.5 × rate)`,
    `${fmt(0.7 * rateRps)} rps for ${(lowMs / 1000).toFixed(1)} s (0.7 × rate)`,
  ]);
}

/**
 * With nothing declared: a ladder of instant bursts (10, 30, 100, 300, ...) 1 s apart, then a
 * ramp to the highest burst's size per second over the remaining time, all within the caps.
 */
export function guessingLadder(caps: ProbeCaps): ProbePlan {
  const phases: PhaseSpec[] = [];
  const lines: string[] = [];
  let requests = 0;
  let durationMs = 0;
  let largest = 0;
  for (let size = 10; requests + size <= caps.maxRequests / 2 && durationMs + 1000 <= caps.maxDurationMs / 2; size = Math.round(size * 3.1623)) {
    phases.push({ shape: 'burst', count: size, spreadMs: 0, durationMs: 0 }, { shape: 'pause', durationMs: 1000 });
    requests += size;
    durationMs += 1000;
    largest = size;
    lines.push(`burst of ${size}, then 1 s rest`);
  }
  const rampMs = Math.max(1000, Math.min(caps.maxDurationMs - durationMs, 10_000));
  // A ramp 1 -> top over T s sends (1 + top) / 2 * T: solve for the requests left under the cap.
  const topRps = Math.max(10, Math.min(largest * 2, (2 * (caps.maxRequests - requests)) / (rampMs / 1000) - 1));
  phases.push({ shape: 'ramp', fromRps: 1, toRps: topRps, durationMs: rampMs, arrivals: 'uniform' });
  lines.push(`ramp 1 → ${fmt(topRps)} rps over ${(rampMs / 1000).toFixed(1)} s`);
  requests += Math.ceil(((1 + topRps) / 2) * (rampMs / 1000));
  return planOf(phases, requests, requests, largest, lines);
}

function planOf(phases: PhaseSpec[], planned: number, accepted: number, largestBurst: number, description: string[]): ProbePlan {
  const cost = (price: number) => ({ worst: planned * price, expected: Math.min(planned, accepted) * price });
  return Object.freeze({
    phases,
    plannedRequests: planned,
    expectedAccepted: Math.round(Math.min(planned, accepted)),
    costUsd: { rest: cost(PRICE_PER_REQUEST_USD.rest), http: cost(PRICE_PER_REQUEST_USD.http) },
    description,
    largestBurst,
  });
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
