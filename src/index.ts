/**
 * loadgate's library API: what scenario authors and programmatic users import.
 * Deliberately small: the scenario helper and its types, the pipeline entry points, the result
 * schema, the throttle model and limits, the emulator. Internals (the send loop, the recorder,
 * renderers' helpers) are left out so they can change without breaking users.
 */
export { defineScenario } from './scenario/define.ts';
export type { ScenarioInput, RequestInput, PhaseInput, LimitsInput, GateInput, ParamInput, DurationInput, ThrottleInput } from './scenario/define.ts';
export type { Scenario } from './scenario/types.ts';
export { validateScenario } from './scenario/validate.ts';
export { loadScenarioFile } from './scenario/load.ts';
export { runScenario, measure, writeReports, exitCodeOf } from './pipeline.ts';
export { startTarget } from './target.ts';
export type { PipelineOptions, PipelineOutcome } from './pipeline.ts';
export type * from './result/schema.ts';
export { readResult, writeResult } from './result/io.ts';
export { parseLimits } from './core/limits.ts';
export { maskSecret } from './core/redact.ts';
export type { Limits, ThrottleSpec } from './core/limits.ts';
export { TokenBucket } from './throttle/bucket.ts';
export { ApiGatewayModel } from './throttle/model.ts';
export { LoadgateError, UsageError } from './errors.ts';
