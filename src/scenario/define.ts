/**
 * What a scenario author writes. `defineScenario` only types the object: validation (defaults,
 * units, one-line errors) happens when loadgate loads the file (scenario/validate.ts).
 *
 * ```ts
 * import { defineScenario } from 'loadgate';
 * export default defineScenario({
 *   name: 'checkout',
 *   target: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
 *   requests: [{ method: 'GET', path: '/items/{id}', params: { id: { type: 'int', min: 1, max: 500 } } }],
 *   phases: [{ shape: 'ramp', fromRps: 10, toRps: 200, duration: '1m' }],
 *   limits: { stages: { prod: { throttle: { rateRps: 100, burst: 50 } } } },
 *   gates: ['latency.p99 < 250ms', 'errors.rate < 1%'],
 * });
 * ```
 */
import type { ApiType } from '../api/flavours.ts';

import type { DurationInput } from '../schedule/shape-definition.ts';
import type { PhaseInput } from '../schedule/shapes/registry.ts';

export type { DurationInput, PhaseInput };

export type ParamInput =
  | { type: 'int'; min: number; max: number }
  | { type: 'uuid' }
  | { type: 'list'; values: (string | number)[] }
  | { type: 'sequence'; start?: number }
  | ((ctx: { readonly index: number; readonly random: () => number }) => string | number);

export interface RequestInput {
  name?: string;
  /** @default 'GET' */
  method?: string;
  /** Relative to the target, with `{param}` placeholders: `/users/{id}?q=1`. @default '/' */
  path?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-encoded (and content-type set to JSON). */
  body?: unknown;
  /** Relative share of arrivals. @default 1 */
  weight?: number;
  params?: Record<string, ParamInput>;
}

export type GateInput = string | { expr: string; abortOnFail?: boolean };

export interface ThrottleInput {
  rateRps: number;
  burst: number;
}

/** The limits the target is expected to enforce (same fields as the emulator config). */
export interface LimitsInput {
  api?: { type?: ApiType; name?: string; id?: string };
  account?: ThrottleInput;
  stages?: Record<string, { throttle?: ThrottleInput; routes?: Record<string, { throttle?: ThrottleInput }> }>;
  routes?: Record<string, { apiKeyRequired?: boolean }>;
  apiKeys?: Record<string, { usagePlan: string }>;
  usagePlans?: Record<string, { throttle?: ThrottleInput; methods?: Record<string, ThrottleInput>; quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH'; offset?: number } }>;
  options?: { stageBucketScope?: 'method' | 'stage' };
}

export interface ScenarioInput {
  name: string;
  /** Base URL (with the stage path for API Gateway). Omit to run against the embedded emulator. */
  target?: string;
  /** @default [{ method: 'GET', path: '/' }] */
  requests?: RequestInput[];
  phases: PhaseInput[];
  /** Seeds arrivals (Poisson), request picks and parameter values. @default 1 */
  seed?: number;
  limits?: LimitsInput;
  /** Which stage of `limits` the target is. @default the only stage */
  stage?: string;
  /** A full emulator config (`loadgate emulator --config` schema) for when loadgate starts the emulator. */
  emulator?: Record<string, unknown>;
  gates?: GateInput[];
  options?: {
    /** @default 2000 */
    maxInFlight?: number;
    connections?: number;
    /** @default '35s' */
    timeout?: DurationInput;
    /** @default '5s' */
    grace?: DurationInput;
    /** Warm loadgate's own code against an in-process sink before time 0 (nothing goes to the target). @default true */
    warmUp?: boolean;
    /** Exit 3 when the schedule was not kept (drops, achieved < 99%, send-lag p99 > 5 ms). @default true */
    requireSchedule?: boolean;
  };
  tolerance?: 'emulator' | 'aws';
  /** Statuses counted as throttled. @default [429] */
  throttleStatuses?: number[];
  aws?: { cloudwatch?: boolean; region?: string; profile?: string; endpoint?: string; apiName?: string; apiId?: string; stage?: string };
}

/** Types a scenario for editors; returns it unchanged. */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
