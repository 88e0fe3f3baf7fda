/**
 * The scenario a verify probe runs: one request, the probe's phases (throttle/probe.ts: a plan
 * built to reveal a token bucket, or a guessing ladder when nothing is declared), the declared
 * limits, and the connections opened before the first arrival. The pipeline then runs it like any
 * other scenario (pipeline.ts runScenario), with verify's stage (verdict.ts) added.
 */
import { UsageError } from '../errors.ts';
import { pickStage, type Limits } from '../core/limits.ts';
import type { RequestSpec, Scenario } from '../scenario/types.ts';
import type { VerifySection } from '../result/schema.ts';
import { ApiGatewayModel } from '../throttle/model.ts';
import { bindingOf, requestKeysOf } from '../throttle/groups.ts';
import { keyIdOf, limitsKeyedById } from '../throttle/key-id.ts';
import { guessingLadder, probeForLimits, type ProbeCaps, type ProbePlan } from '../throttle/probe.ts';
import { isLocalTarget } from '../core/local-target.ts';
import { verifyStage, type DeclaredBinding, type MeasuredProbe } from './verdict.ts';

/** What a probe is built from: the command's flags, and the scenario they may name. */
export interface ProbeInputs {
  /** A scenario whose first request, target, stage, emulator and AWS settings the probe takes. */
  readonly base: Scenario | undefined;
  /** undefined = the embedded emulator (or the base scenario's target). */
  readonly target: string | undefined;
  readonly limits: Limits | undefined;
  readonly throttleStatuses: readonly number[];
  readonly caps: ProbeCaps;
  /** Sent as x-api-key (its usage plan binds the probe). */
  readonly apiKey: string | undefined;
  /** Overrides the base request's path. */
  readonly path: string | undefined;
  /** @default emulator for a local target, else aws */
  readonly tolerance: 'emulator' | 'aws' | undefined;
}

/** A probe ready to run: its scenario and plan, what binds it, and verify's pipeline stage. */
export interface Probe {
  readonly scenario: Scenario;
  readonly plan: ProbePlan;
  readonly declared: DeclaredBinding | undefined;
  readonly verify: (measured: MeasuredProbe) => VerifySection;
}

const NO_AWS = Object.freeze({ cloudwatch: false, region: undefined, profile: undefined, endpoint: undefined, apiName: undefined, apiId: undefined, stage: undefined });

export function buildProbe(inputs: ProbeInputs): Probe {
  const { base, target, limits } = inputs;
  const request = probeRequest(base, inputs.apiKey, inputs.path ?? (target === undefined && !base ? '/probe' : undefined));
  const declared = limits ? declaredFor(limits, base?.stage, request) : undefined;
  const plan = declared ? probeForLimits(declared.rateRps, declared.burst, inputs.caps) : guessingLadder(inputs.caps);
  const tolerance = inputs.tolerance ?? (target === undefined || isLocalTarget(target) ? 'emulator' : 'aws');
  const scenario: Scenario = Object.freeze({
    name: 'verify', file: base?.file ?? null, target, requests: [request], phases: plan.phases, seed: 1, limits, stage: base?.stage,
    emulator: base?.emulator, gates: [], tolerance, throttleStatuses: inputs.throttleStatuses, aws: base?.aws ?? NO_AWS,
    // Open the burst's connections before the first arrival so connection setup does not smear the burst.
    options: { maxInFlight: 2000, connections: Math.min(2000, plan.largestBurst + 64), timeoutMs: 35_000, graceMs: 5_000 },
  });
  return { scenario, plan, declared, verify: verifyStage(plan, declared, inputs.throttleStatuses) };
}

function probeRequest(base: Scenario | undefined, apiKey: string | undefined, path: string | undefined): RequestSpec {
  const first = base?.requests[0];
  const headers = { ...(first?.headers ?? {}), ...(apiKey ? { 'x-api-key': apiKey } : {}) };
  return Object.freeze({ name: first?.name ?? 'GET /', method: first?.method ?? 'GET', path: path ?? first?.path ?? '/', headers, body: first?.body, weight: 1, params: first?.params ?? {} });
}

function declaredFor(limits: Limits, stageName: string | undefined, request: RequestSpec): DeclaredBinding {
  const stage = pickStage(limits, stageName);
  const keyed = limitsKeyedById(limits);
  const apiKey = request.headers['x-api-key'];
  const [key] = requestKeysOf([{ method: request.method, path: request.path, keyId: apiKey === undefined ? undefined : keyIdOf(apiKey) }], new ApiGatewayModel(keyed, { stage }));
  const bound = bindingOf(keyed, stage, key);
  if (!bound) throw new UsageError(`verify: ${request.method} ${request.path} needs an API key that a usage plan of the declared limits holds (--api-key)`);
  return { rateRps: bound.binding.spec.rateRps, burst: bound.burst, layer: bound.binding.layer, label: bound.binding.label };
}
