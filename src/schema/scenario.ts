/**
 * A scenario's JSON form as a zod schema: the JSON Schema published in
 * schemas/scenario.schema.json and the check every scenario passes before validate.ts builds the
 * frozen Scenario. Phases come from the shape registry (each shape declares its own fields), so a
 * new shape is in the schema with no edit here. validate.ts adds what JSON Schema cannot state:
 * URL and header grammar, a sine's amplitude <= its mean, a burst's duration >= its spread, the
 * caps on a whole schedule, `stage` naming a stage of `limits`, and the emulator config's and
 * limits' own rules.
 */
import { z } from 'zod';
import { CAPS } from './caps.ts';
import type { FieldKinds } from '../schedule/shape-definition.ts';
import { SHAPES } from '../schedule/shapes/registry.ts';
import { emulatorConfigBodySchema } from './emulator-config.ts';
import { bool, duration, exact, map, nonEmpty, num, oneOf, schemaRef, text } from './leaves.ts';
import { limitsBodySchema } from './limits.ts';

const kinds: FieldKinds = {
  rate: num({ min: 0, max: CAPS.rateRps }).meta({ description: 'requests per second' }),
  duration: duration(),
  arrivals: oneOf(['uniform', 'poisson']),
  integer: (min, max) => num({ min, max, integer: true }),
  number: (min) => num({ min }),
  caps: { burstCount: CAPS.burstCount, steps: CAPS.steps },
};

const phaseSchemas = SHAPES.map((s) => exact({ shape: z.literal(s.name), ...s.fields(kinds) }));
const phaseSchema = z.discriminatedUnion('shape', phaseSchemas as unknown as [z.ZodObject, ...z.ZodObject[]], {
  error: `a phase with shape one of ${SHAPES.map((s) => s.name).join(', ')}`,
});

/** A `{param}` generator of the JSON form. */
const jsonParams = [
  exact({ type: z.literal('int'), min: num({ integer: true }), max: num({ integer: true }) }),
  exact({ type: z.literal('uuid') }),
  exact({ type: z.literal('list'), values: z.array(z.union([z.string(), z.number()])).min(1) }),
  exact({ type: z.literal('sequence'), start: num({ integer: true }).optional() }),
] as const;

/** A .ts/.js scenario may also give a function `({ index, random }) => value`. */
const functionParam = z.custom<(ctx: { readonly index: number; readonly random: () => number }) => string | number>((v) => typeof v === 'function');

const requestFields = (paramSchema: z.ZodType) => ({
  name: nonEmpty().optional(),
  method: nonEmpty().optional().meta({ description: 'default GET' }),
  path: nonEmpty().optional().meta({ description: 'relative to the target, starting with /, with {param} placeholders; default /' }),
  headers: map(text()).optional(),
  body: z.unknown().optional().meta({ description: 'a string is sent as is; anything else is JSON-encoded (content-type application/json)' }),
  weight: num({ min: 0, exclusiveMin: true }).optional(),
  params: map(paramSchema).optional(),
});

const gateSchema = z.union([nonEmpty(), exact({ expr: nonEmpty(), abortOnFail: bool().optional() })]);

const scenarioFields = (paramSchema: z.ZodType) => ({
  name: nonEmpty(),
  target: nonEmpty().optional().meta({ description: 'base URL (with the stage path for API Gateway); omit for the embedded emulator' }),
  requests: z.array(exact(requestFields(paramSchema)), { error: 'a non-empty array' }).min(1, { error: 'a non-empty array' }).optional(),
  phases: z.array(phaseSchema, { error: 'a non-empty array' }).min(1, { error: 'a non-empty array' }),
  seed: num({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }).optional(),
  limits: limitsBodySchema.optional(),
  stage: nonEmpty().optional(),
  emulator: emulatorConfigBodySchema.optional(),
  gates: z.array(gateSchema, { error: 'an array' }).optional(),
  options: exact({
    maxInFlight: num({ integer: true, min: 1, max: CAPS.maxInFlight }).optional(),
    connections: num({ integer: true, min: 1, max: CAPS.maxInFlight }).optional(),
    timeout: duration().optional(),
    grace: duration().optional(),
    warmUp: bool().optional(),
    requireSchedule: bool().optional(),
  }).optional(),
  tolerance: oneOf(['emulator', 'aws']).optional(),
  throttleStatuses: z.array(num({ integer: true, min: 100, max: 599 }), { error: 'a non-empty array' }).min(1, { error: 'a non-empty array' }).optional(),
  aws: exact({
    cloudwatch: bool().optional(),
    region: nonEmpty().optional(),
    profile: nonEmpty().optional(),
    endpoint: nonEmpty().optional(),
    apiName: nonEmpty().optional(),
    apiId: nonEmpty().optional(),
    stage: nonEmpty().optional(),
  }).optional(),
  yes: bool().optional(),
});

/** A JSON scenario file (what schemas/scenario.schema.json publishes). */
export const scenarioSchema = exact({ $schema: schemaRef(), ...scenarioFields(z.union(jsonParams)) });

/** Any scenario as loaded (validate.ts checks against this): a .ts/.js one may also give param functions. */
export const loadedScenarioSchema = exact({ $schema: schemaRef(), ...scenarioFields(z.union([...jsonParams, functionParam])) });

export type ScenarioDocument = z.input<typeof scenarioSchema>;
