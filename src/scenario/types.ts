/**
 * The Scenario: a validated, frozen description of one load test (scenario/validate.ts makes it
 * from a .ts/.js/.json file or from CLI flags). Defaults are applied once, at validation.
 */
import type { Limits } from '../core/limits.ts';

/** A value generator for a `{param}` in a path, a header or a body. */
export type ParamGenerator =
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'uuid' }
  | { readonly type: 'list'; readonly values: readonly string[] }
  | { readonly type: 'sequence'; readonly start: number }
  /** Only from .ts/.js scenarios: called per request. */
  | { readonly type: 'function'; readonly fn: (ctx: { readonly index: number; readonly random: () => number }) => string | number };

export interface RequestSpec {
  /** Name shown in reports; @default `${method} ${path}` */
  readonly name: string;
  readonly method: string;
  /** Path relative to the target base URL, with `{param}` placeholders; may carry a query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Body sent as is (a string); objects in the scenario are JSON-encoded at validation. */
  readonly body: string | undefined;
  readonly weight: number;
  readonly params: Readonly<Record<string, ParamGenerator>>;
}

/** One phase of the arrival schedule (its shapes are listed in schedule/shapes/registry.ts). */
export type { PhaseSpec } from '../schedule/shapes/registry.ts';
export type { Spacing } from '../schedule/shape-definition.ts';
import type { PhaseSpec } from '../schedule/shapes/registry.ts';

export interface RunOptions {
  /** In-flight cap; a due arrival that finds it reached is dropped. @default 2000 */
  readonly maxInFlight: number;
  /** Open this many connections before the first arrival and never more; @default undefined (as needed up to maxInFlight) */
  readonly connections: number | undefined;
  /** Per-request timeout. @default 35000 (so the gateway's own 504 at 29 s / 503 at 30 s is what is recorded) */
  readonly timeoutMs: number;
  /** After the last arrival (or an interrupt), how long to wait for responses. @default 5000 (interrupt: 2000) */
  readonly graceMs: number;
  /** Warm the engine's code against an in-process sink before time 0 (sends nothing to the target). @default true */
  readonly warmUp?: boolean;
  /** A run whose schedule was not kept (drops, achieved < 99%, send-lag p99 over 5 ms) exits 3. @default true */
  readonly requireSchedule?: boolean;
}

export interface GateSpec {
  readonly expr: string;
  readonly abortOnFail: boolean;
}

export interface AwsOptions {
  /** Pull CloudWatch even when the target does not look like API Gateway. */
  readonly cloudwatch: boolean | undefined;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly endpoint: string | undefined;
  /** REST: ApiName; HTTP API: ApiId. @default from the limits' api */
  readonly apiName: string | undefined;
  readonly apiId: string | undefined;
  readonly stage: string | undefined;
}

export interface Scenario {
  readonly name: string;
  /** The file it came from, or null for a one-liner. */
  readonly file: string | null;
  /** Base URL (with the stage path for API Gateway); undefined = start the embedded emulator. */
  readonly target: string | undefined;
  readonly requests: readonly RequestSpec[];
  readonly phases: readonly PhaseSpec[];
  readonly seed: number;
  /** The limits the target is expected to enforce (implies the throttle.verdict gate). */
  readonly limits: Limits | undefined;
  /** Which stage of `limits` the target is; @default the only stage */
  readonly stage: string | undefined;
  /** Raw emulator config (validated by the emulator), used when loadgate starts the emulator. */
  readonly emulator: unknown;
  readonly gates: readonly GateSpec[];
  readonly options: RunOptions;
  /** Tolerance profile for the throttle verdict; @default 'emulator' for the emulator, else 'aws' */
  readonly tolerance: 'emulator' | 'aws' | undefined;
  /** Statuses that count as throttled besides 429 (nginx answers 503). @default [429] */
  readonly throttleStatuses: readonly number[];
  readonly aws: AwsOptions;
  /** Consent to send to a non-local target (as `--yes`), for CI. @default false */
  readonly yes?: boolean;
}
