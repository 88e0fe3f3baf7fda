/**
 * The emulator config (`loadgate emulator --config FILE`, a scenario's `emulator`) as a zod schema:
 * the limits' fields plus each route's integration and the top-level settings of
 * emulator/config.ts. The parser there adds what JSON Schema cannot state (route-key grammar,
 * stage names, body sizes, a uniform latency's max >= min).
 */
import { z } from 'zod';
import { bool, exact, map, nonEmpty, num, schemaRef, text } from './leaves.ts';
import { limitsFields } from './limits.ts';

const ms = () => num({ min: 0 });

const latencySchema = z.union([
  ms(),
  exact({ fixed: ms() }),
  exact({ uniform: exact({ min: ms(), max: ms() }) }),
  exact({ normal: exact({ mean: ms(), stdDev: ms() }) }),
  exact({ lognormal: exact({ median: num({ min: 0, exclusiveMin: true }), sigma: ms() }) }),
], { error: 'a latency: a number of ms, or exactly one of fixed, uniform, normal, lognormal' });

const answerFields = {
  status: num({ min: 200, max: 599, integer: true }).optional(),
  body: z.unknown().optional().meta({ description: 'a string as is; anything else is JSON-encoded' }),
  headers: map(text()).optional(),
  latencyMs: latencySchema.optional(),
};

const integrationSchema = z.discriminatedUnion('type', [
  exact({ type: z.literal('mock'), ...answerFields }),
  exact({ type: z.literal('http'), url: nonEmpty() }),
  exact({
    type: z.literal('lambda'), ...answerFields,
    reservedConcurrency: num({ min: 1, integer: true }),
    queueLimit: num({ min: 0, integer: true }).optional(),
    throttledStatus: z.union([z.literal(500), z.literal(502)], { error: '500 or 502' }).optional(),
  }),
], { error: 'an integration of type mock, http or lambda' });

const emulatorFields = {
  ...limitsFields,
  routes: map(exact({ apiKeyRequired: bool().optional(), integration: integrationSchema.optional() })).optional(),
  integrationTimeoutMs: num({ min: 50, max: 300_000 }).optional(),
  payloadLimitBytes: num({ min: 0, integer: true }).optional(),
  detailedMetrics: bool().optional(),
};

/** An emulator config inside another document (a scenario's `emulator`). */
export const emulatorConfigBodySchema = exact(emulatorFields);

/** An emulator config file: the same, and the `$schema` an editor reads. */
export const emulatorConfigSchema = exact({ $schema: schemaRef(), ...emulatorFields });

export type EmulatorConfigDocument = z.input<typeof emulatorConfigSchema>;
