/**
 * Load aimed at a host other than this machine is real traffic, maybe billed: before any of it,
 * `run`, `capacity` and `verify` print the plan (requests, duration, peak rate) and its cost at
 * API Gateway's prices (docs/aws-rules.md §6, throttle/probe.ts), want `--yes` (or
 * `yes: true` in the scenario), and refuse a plan beyond `--max-requests` / `--max-cost` (exit 2).
 */
import { UsageError } from '../errors.ts';
import type { PhaseSpec } from '../scenario/types.ts';
import { largestInstantCount, peakRateRpsOf } from '../schedule/shapes/registry.ts';
import { maskUrlCredentials } from '../core/redact.ts';
import { PRICE_PER_REQUEST_USD } from '../throttle/probe.ts';
import { numberFlag } from './scenario-flags.ts';
import { isLocalTarget } from '../core/local-target.ts';

/** Anything but a local target needs consent (exit 2 otherwise). */
export function assertLocalOrConsented(target: string, yes: boolean, command = 'verify'): void {
  if (!isLocalTarget(target) && !yes) {
    throw new UsageError(`${command}: --target ${maskUrlCredentials(target)} is not local: the ${command === 'verify' ? 'probe' : 'run'} sends real traffic that may be billed; add --yes to go ahead`);
  }
}

/** What a command is about to send. */
export interface TrafficPlan {
  readonly requests: number;
  readonly durationMs: number;
  readonly peakRps: number;
  /** The largest instant burst (0 when none). */
  readonly largestBurst: number;
}

/** USD for `requests` at API Gateway's first-tier prices. */
export function costUsd(requests: number): { readonly rest: number; readonly http: number } {
  return { rest: requests * PRICE_PER_REQUEST_USD.rest, http: requests * PRICE_PER_REQUEST_USD.http };
}

/** Requests, duration and peak rate of a schedule (instant bursts reported apart). */
export function trafficPlanOf(phases: readonly PhaseSpec[], expectedRequests: number): TrafficPlan {
  return { requests: Math.ceil(expectedRequests), durationMs: phases.reduce((t, p) => t + p.durationMs, 0), peakRps: peakRateRpsOf(phases), largestBurst: largestInstantCount(phases) };
}

/** $0.02, $0.00007 (small sums keep their first digits), $0. */
function usd(x: number): string {
  if (x >= 0.01 || x === 0) return `$${x === 0 ? '0' : x.toFixed(2)}`;
  return `$${x.toFixed(8).replace(/0+$/, '')}`;
}

/** One line: `1,200 requests over 60 s, peak 20 rps; cost at API Gateway prices: REST $0.0042, HTTP $0.0012`. */
export function describePlan(plan: TrafficPlan, prefix = ''): string {
  const cost = costUsd(plan.requests);
  const burst = plan.largestBurst > 0 ? ` and an instant burst of ${plan.largestBurst}` : '';
  return `${prefix}${plan.requests.toLocaleString('en-US')} requests over ${(plan.durationMs / 1000).toFixed(1)} s, peak ${plan.peakRps.toLocaleString('en-US', { maximumFractionDigits: 1 })} rps${burst}; cost at API Gateway prices: REST API ${usd(cost.rest)}, HTTP API ${usd(cost.http)}`;
}

/** The caps `--max-requests N` and `--max-cost USD` (undefined: no cap). */
export interface TrafficCaps {
  readonly maxRequests?: number;
  readonly maxCostUsd?: number;
}

export function capsFromFlags(flags: { readonly maxRequests?: string; readonly maxCost?: string }): TrafficCaps {
  return {
    maxRequests: flags.maxRequests === undefined ? undefined : numberFlag(flags.maxRequests, '--max-requests', { integer: true, min: 1 }),
    maxCostUsd: flags.maxCost === undefined ? undefined : numberFlag(flags.maxCost.replace(/^\$/, ''), '--max-cost', { min: 0 }),
  };
}

/**
 * Before any traffic: prints the plan for a non-local target, refuses it without consent, and
 * refuses any plan beyond the caps. The cost cap is checked at the REST price (the higher one).
 */
export function checkTraffic(command: string, target: string | undefined, plan: TrafficPlan, caps: TrafficCaps, yes: boolean, print: (line: string) => void): void {
  const local = target === undefined || isLocalTarget(target);
  if (!local) print(describePlan(plan, `${command} ${maskUrlCredentials(target!)}: `));
  if (caps.maxRequests !== undefined && plan.requests > caps.maxRequests) {
    throw new UsageError(`${command}: the plan sends ${plan.requests} requests, over --max-requests ${caps.maxRequests}; nothing was sent`, { field: '--max-requests' });
  }
  const cost = costUsd(plan.requests).rest;
  if (caps.maxCostUsd !== undefined && cost > caps.maxCostUsd) {
    throw new UsageError(`${command}: the plan costs up to ${usd(cost)} at REST API prices, over --max-cost ${usd(caps.maxCostUsd)}; nothing was sent`, { field: '--max-cost' });
  }
  if (target !== undefined) assertLocalOrConsented(target, yes, command);
}
