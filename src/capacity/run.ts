/**
 * `loadgate capacity` on the pipeline's stages: start the target once (target.ts), measure each
 * search step as a constant-rate copy of the scenario (pipeline.ts measureFull), judge it, rest;
 * then the highest held step's result, with the capacity section, goes through the gate stage
 * with capacity's one gate (gates/evaluate.ts withGates), and its exit code is the pipeline's
 * (exitCodeOf: 1 only when even the lowest step broke the objective).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../errors.ts';
import { parseEmulatorConfig } from '../emulator/config.ts';
import { measureFull } from '../pipeline.ts';
import { startTarget } from '../target.ts';
import { withGates } from '../gates/evaluate.ts';
import { linkQuit, quitSignalOf } from '../cancel.ts';
import { paramStopReason, type ParamFailure } from '../load/param-guard.ts';
import type { CapacityStep, GateVerdict, RunResult } from '../result/schema.ts';
import type { Scenario } from '../scenario/types.ts';
import { AWS_ACCOUNT_DEFAULT, type Limits, type ThrottleSpec } from '../core/limits.ts';
import { judgeStep, objectiveLines, type CapacityObjective } from './objective.ts';
import { searchCapacity, stopText, toSection, type SearchOutcome, type SearchPlan } from './search.ts';

/** Rest when nothing tells us the buckets' sizes (an external target without declared limits). */
export const DEFAULT_REST_MS = 1000;
const MAX_REST_MS = 60_000;

/** The limits the target enforces, as far as loadgate knows them. */
function knownLimits(scenario: Scenario): Limits | undefined {
  if (scenario.limits) return scenario.limits;
  if (scenario.target !== undefined) return undefined;
  if (scenario.emulator !== undefined) return parseEmulatorConfig(scenario.emulator, scenario.file ?? undefined, 'emulator').limits;
  return undefined;
}

function buckets(limits: Limits): ThrottleSpec[] {
  const out: ThrottleSpec[] = [limits.account];
  for (const stage of Object.values(limits.stages)) {
    if (stage.throttle) out.push(stage.throttle);
    for (const route of Object.values(stage.routes)) if (route.throttle) out.push(route.throttle);
  }
  for (const plan of Object.values(limits.usagePlans)) {
    if (plan.throttle) out.push(plan.throttle);
    out.push(...Object.values(plan.methods));
  }
  return out;
}

/**
 * The rest before each step: the longest time any known bucket takes to refill from empty
 * (burst / rate), capped at 60 s; 1 s when the limits are unknown. An emulator that loadgate
 * starts always has the account bucket (10,000 rps / 5,000: 0.5 s).
 */
export function restMsFor(scenario: Scenario): number {
  const limits = knownLimits(scenario) ?? (scenario.target === undefined ? undefined : null);
  if (limits === null) return DEFAULT_REST_MS;
  const all = limits ? buckets(limits) : [AWS_ACCOUNT_DEFAULT];
  const longestS = Math.max(0, ...all.filter((b) => b.rateRps > 0).map((b) => b.burst / b.rateRps));
  return Math.min(MAX_REST_MS, Math.ceil(longestS * 1000));
}

/** The scenario as one constant-rate step: same requests, target, limits; no gates. */
export function stepScenario(scenario: Scenario, rateRps: number, durationMs: number): Scenario {
  return Object.freeze({ ...scenario, phases: Object.freeze([{ shape: 'constant' as const, rateRps, durationMs, arrivals: 'uniform' as const }]), gates: Object.freeze([]) });
}

/** What runCapacity needs besides the scenario. */
export interface CapacityRunOptions {
  readonly plan: SearchPlan;
  readonly objective: CapacityObjective;
  readonly signal?: AbortSignal;
  /** Called after each step (the CLI prints a line). */
  readonly onStep?: (step: CapacityStep, index: number) => void;
}

/** The search's result and the RunResult the reports are written from. */
export interface CapacityRun {
  readonly outcome: SearchOutcome;
  readonly result: RunResult;
  /** Set when the scenario's own code threw during a step: the search stopped there. */
  readonly stoppedBy?: ParamFailure;
  /** Requests sent over every step, the one cut short included. */
  readonly sentRequests: number;
}

/** Runs the capacity search against the scenario's target (the emulator when it has none). */
export async function runCapacity(scenario: Scenario, opts: CapacityRunOptions): Promise<CapacityRun> {
  const target = await startTarget(scenario);
  const results = new Map<number, RunResult>();
  // The CLI's signal, or the search's own stop when a step's scenario code threw.
  const stop = new AbortController();
  const forward = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forward();
  opts.signal?.addEventListener('abort', forward, { once: true });
  const quit = quitSignalOf(opts.signal);
  if (quit) linkQuit(stop.signal, quit);
  let stoppedBy: ParamFailure | undefined;
  let outcome: SearchOutcome;
  try {
    outcome = await searchCapacity(opts.plan, {
      step: async (rateRps) => {
        const measured = await measureFull(stepScenario(scenario, rateRps, opts.plan.stepDurationMs), { target: target.url, signal: stop.signal, kind: 'capacity', apiType: target.apiType });
        const result = measured.result;
        if (measured.stoppedBy) {
          stoppedBy = measured.stoppedBy;
          stop.abort(paramStopReason(stoppedBy));
        }
        results.set(rateRps, result);
        const step = judgeStep(result, rateRps, opts.objective);
        opts.onStep?.(step, results.size - 1);
        return step;
      },
      rest: (ms) => sleep(ms, undefined, { signal: stop.signal }).catch(() => undefined),
      nowMs: () => performance.now(),
      signal: stop.signal,
    });
  } finally {
    opts.signal?.removeEventListener('abort', forward);
    await target.stop();
  }
  const sentRequests = [...results.values()].reduce((n, r) => n + r.totals.sent, 0);
  return { outcome, result: capacityResult(outcome, results, opts, stoppedBy), stoppedBy, sentRequests };
}

/** The highest held step's result (else the lowest broken one's) with the capacity section and its verdict. */
function capacityResult(outcome: SearchOutcome, results: ReadonlyMap<number, RunResult>, opts: CapacityRunOptions, stoppedBy: ParamFailure | undefined): RunResult {
  // A step cut short (Ctrl-C, a throwing param) is not judged, but what it measured is kept.
  const judged = results.get(outcome.highestHeldRps ?? outcome.firstBrokenRps ?? Number.NaN);
  const base = judged ?? [...results.values()].at(-1);
  if (!base) {
    throw new UsageError(`capacity: no step could run (${stopText(outcome, opts.plan)}): raise --max-total-requests or --max-duration, or lower --start / --step-duration`);
  }
  const objective = objectiveLines(opts.objective);
  const lowest = outcome.steps[0]?.rateRps;
  const verdict: GateVerdict = {
    expr: `capacity: the objective holds at the lowest step (${lowest} rps)`,
    passed: outcome.highestHeldRps !== null,
    actual: outcome.highestHeldRps,
    threshold: objective.join('; '),
    reason: `highest held ${outcome.highestHeldRps ?? 'none'} rps; ${stopText(outcome, opts.plan)}`,
  };
  return withGates({
    ...base,
    kind: 'capacity',
    interrupted: outcome.stoppedBy === 'interrupted' || base.interrupted,
    interruptReason: stoppedBy ? paramStopReason(stoppedBy) : outcome.stoppedBy === 'interrupted' ? 'interrupted (signal)' : base.interruptReason,
    notes: [...base.notes, `capacity: ${stopText(outcome, opts.plan)}`, `the figures outside the capacity section are those of the ${!judged ? 'step cut short (not judged)' : outcome.highestHeldRps !== null ? 'highest held' : 'lowest'} step (${base.schedule.targetRps.toFixed(1)} rps)`],
    capacity: toSection(outcome, objective),
  }, [verdict]);
}
