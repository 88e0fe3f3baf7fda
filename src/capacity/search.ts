/**
 * The capacity search, as a pure function of "run a step at rate r -> did it hold?":
 *
 *   rate ^                     x broken
 *        |              o held      x
 *        |         o          o  ?        geometric (or linear) steps up to the first broken
 *        |    o                           rate, then bisection between the last held and the
 *        +--------------------------> step    first broken rate until they are within `precision`
 *
 * Each step after the first starts after a rest (burst / rate seconds of the tightest bucket), so
 * the buckets are full again (docs/architecture.md "Gates"). The search stops at the first of: the bracket
 * is narrow enough, the max rate held, the next step would pass the request or time budget, or
 * the signal aborted. No clock, no I/O of its own: both come in through `deps`.
 */
import type { CapacitySection, CapacityStep } from '../result/schema.ts';

/** How the search moves and what bounds it. */
export interface SearchPlan {
  readonly startRps: number;
  readonly maxRps: number;
  /** Geometric (`factor` > 1) or linear (`stepRps` > 0) growth before the first broken step. */
  readonly growth: { readonly factor: number } | { readonly stepRps: number };
  /** Stop bisecting when (broken - held) <= precision × held. @default 0.05 */
  readonly precision: number;
  readonly stepDurationMs: number;
  /** Rest before each step but the first, so the buckets refill. */
  readonly restMs: number;
  readonly maxTotalRequests: number;
  readonly maxDurationMs: number;
}

/** Why the search stopped. */
export type StopReason = 'converged' | 'max-rate' | 'lowest-broke' | 'budget-requests' | 'budget-duration' | 'interrupted';

/** What the search needs from the world. */
export interface SearchDeps {
  /** Runs one step at `rateRps` and judges it. */
  step(rateRps: number): Promise<CapacityStep>;
  /** Waits `ms` (the rest between steps). */
  rest(ms: number): Promise<void>;
  /** Monotonic ms, for the duration budget. */
  nowMs(): number;
  readonly signal?: AbortSignal;
}

/** The capacity section plus why the search stopped. */
export interface SearchOutcome {
  readonly steps: readonly CapacityStep[];
  readonly highestHeldRps: number | null;
  readonly firstBrokenRps: number | null;
  readonly stoppedBy: StopReason;
}

/** Rates are whole rps from 10 up; below that one decimal, so slow targets can be searched too. */
export function roundRate(rateRps: number): number {
  return rateRps >= 10 ? Math.round(rateRps) : Math.round(rateRps * 10) / 10;
}

function nextRate(rate: number, plan: SearchPlan): number {
  const raw = 'factor' in plan.growth ? rate * plan.growth.factor : rate + plan.growth.stepRps;
  const next = roundRate(raw);
  return Math.min(plan.maxRps, next > rate ? next : rate + (rate >= 10 ? 1 : 0.1));
}

function midpoint(held: number, broken: number): number | undefined {
  const mid = roundRate((held + broken) / 2);
  return mid > held && mid < broken ? mid : undefined;
}

/** Runs the search. The caller turns the outcome into a CapacitySection (toSection). */
export async function searchCapacity(plan: SearchPlan, deps: SearchDeps): Promise<SearchOutcome> {
  const steps: CapacityStep[] = [];
  const startedMs = deps.nowMs();
  let requests = 0;
  // Highest rate that held and lowest that broke so far (the bracket the bisection narrows).
  const bracket: { held: number | null; broken: number | null } = { held: null, broken: null };
  const outcome = (stoppedBy: StopReason): SearchOutcome => ({ steps, highestHeldRps: bracket.held, firstBrokenRps: bracket.broken, stoppedBy });

  /** One step within the budgets, or the reason it may not run. */
  const run = async (rate: number): Promise<CapacityStep | StopReason> => {
    if (deps.signal?.aborted) return 'interrupted';
    const restMs = steps.length > 0 ? plan.restMs : 0;
    if (requests + (rate * plan.stepDurationMs) / 1000 > plan.maxTotalRequests) return 'budget-requests';
    if (deps.nowMs() - startedMs + restMs + plan.stepDurationMs > plan.maxDurationMs) return 'budget-duration';
    if (restMs > 0) await deps.rest(restMs);
    const step = await deps.step(rate);
    if (deps.signal?.aborted) return 'interrupted';
    steps.push(step);
    requests += step.requests;
    if (step.held) bracket.held = Math.max(bracket.held ?? 0, rate);
    else bracket.broken = Math.min(bracket.broken ?? Infinity, rate);
    return step;
  };

  for (let rate = roundRate(Math.min(plan.startRps, plan.maxRps)); ; rate = nextRate(rate, plan)) {
    const step = await run(rate);
    if (typeof step === 'string') return outcome(step);
    if (!step.held) break;
    if (rate >= plan.maxRps) return outcome('max-rate');
  }
  for (;;) {
    const { held: lo, broken: hi } = bracket;
    if (lo === null) return outcome('lowest-broke');
    if (hi === null) return outcome('max-rate');
    const mid = midpoint(lo, hi);
    if (hi - lo <= plan.precision * lo || mid === undefined) return outcome('converged');
    const step = await run(mid);
    if (typeof step === 'string') return outcome(step);
  }
}

/** The result.json section of a finished search. */
export function toSection(outcome: SearchOutcome, objective: readonly string[]): CapacitySection {
  return { objective, highestHeldRps: outcome.highestHeldRps, firstBrokenRps: outcome.firstBrokenRps, steps: outcome.steps };
}

/** One line on why the search stopped, for notes and the terminal. */
export function stopText(outcome: SearchOutcome, plan: SearchPlan): string {
  switch (outcome.stoppedBy) {
    case 'converged': return `bracketed within ${(plan.precision * 100).toFixed(0)}%: held ${outcome.highestHeldRps} rps, broke at ${outcome.firstBrokenRps} rps`;
    case 'max-rate': return `held up to --max-rate ${plan.maxRps} rps: the capacity is at least that`;
    case 'lowest-broke': return `even the lowest step (${outcome.firstBrokenRps} rps) broke the objective: try a lower --start`;
    case 'budget-requests': return `stopped by --max-total-requests ${plan.maxTotalRequests}: the next step would pass it`;
    case 'budget-duration': return `stopped by --max-duration ${Math.round(plan.maxDurationMs / 1000)}s: the next step would pass it`;
    case 'interrupted': return 'interrupted';
  }
}
