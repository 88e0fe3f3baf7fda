/**
 * The limits document (core/limits.ts parses it: `--limits FILE`, a scenario's `limits`, the
 * throttling half of an emulator config) as a zod schema: its TypeScript input type, the JSON
 * Schema published in schemas/limits.schema.json, and the check a document passes before
 * parseLimits builds it. Route keys, API-key-to-plan references and the HTTP-API rules are the
 * parser's (JSON Schema cannot state them).
 */
import { z } from 'zod';
import { bool, exact, map, nonEmpty, num, oneOf, schemaRef } from './leaves.ts';

export const throttleSchema = exact({ rateRps: num({ min: 0 }), burst: num({ min: 0, integer: true }) })
  .meta({ description: 'a token bucket: rateRps tokens per second, capacity burst, starting full' });

const quotaSchema = exact({ limit: num({ min: 0, integer: true }), period: oneOf(['DAY', 'WEEK', 'MONTH']), offset: num({ min: 0, integer: true }).optional() });

/** The limits' own top-level fields; the emulator config adds its own beside them. */
export const limitsFields = {
  api: exact({ type: oneOf(['rest', 'http']).optional(), name: nonEmpty().optional(), id: nonEmpty().optional() }).optional(),
  account: throttleSchema.optional(),
  stages: map(exact({ throttle: throttleSchema.optional(), routes: map(exact({ throttle: throttleSchema.optional() })).optional() })).optional(),
  apiKeys: map(exact({ usagePlan: nonEmpty() })).optional().meta({ description: 'API key value -> its usage plan' }),
  usagePlans: map(exact({ throttle: throttleSchema.optional(), methods: map(throttleSchema).optional(), quota: quotaSchema.optional() })).optional(),
  options: exact({ stageBucketScope: oneOf(['method', 'stage']).optional() }).optional(),
};

const limitsBodyFields = { ...limitsFields, routes: map(exact({ apiKeyRequired: bool().optional() })).optional() };

/** Limits inside another document (a scenario's `limits`). */
export const limitsBodySchema = exact(limitsBodyFields);

/** A limits file: the same, and the `$schema` an editor reads. */
export const limitsSchema = exact({ $schema: schemaRef(), ...limitsBodyFields });

export type LimitsDocument = z.input<typeof limitsSchema>;
