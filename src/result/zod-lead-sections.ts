/**
 * The `throttle` and `verify` sections of the result schema (and the Limits inside throttle):
 * when ThrottleSection / VerifySection in schema.ts change, update the zod definitions here:
 * the compile-time check in zod-schema.ts fails until the two agree again.
 * Validated structurally only (types, enums, nullability): the values are the analysis's own.
 */
import { z } from 'zod';
import { API_TYPES } from '../api/flavours.ts';

const count = z.number().int().min(0);

/**
 * A key the interface declares as `T | undefined` (always there in TypeScript, dropped by
 * JSON.stringify when undefined): optional at run time, `T | undefined` in the inferred type.
 */
export function keptOrUndefined<T>(schema: z.ZodType<T>): z.ZodType<T | undefined> {
  return schema.optional() as unknown as z.ZodType<T | undefined>;
}
const throttleSpec = z.object({ rateRps: z.number().min(0), burst: z.number().min(0) });

/** Limits as result.json carries them (API keys already masked, so not re-parsed as a config). */
export const limitsSchema = z.object({
  api: z.object({ type: z.enum(API_TYPES), name: z.string(), id: z.string() }),
  account: throttleSpec,
  stages: z.record(z.string(), z.object({
    throttle: throttleSpec.optional(),
    routes: z.record(z.string(), z.object({ throttle: throttleSpec.optional() })),
  })),
  routes: z.record(z.string(), z.object({ apiKeyRequired: z.boolean() })),
  apiKeys: z.record(z.string(), z.object({ usagePlan: z.string() })),
  usagePlans: z.record(z.string(), z.object({
    throttle: throttleSpec.optional(),
    methods: z.record(z.string(), throttleSpec),
    quota: z.object({ limit: z.number().min(0), period: z.enum(['DAY', 'WEEK', 'MONTH']), offset: z.number().min(0) }).optional(),
  })),
  stageBucketScope: z.enum(['method', 'stage']),
});

export const toleranceSchema = z.object({
  profile: z.enum(['emulator', 'aws', 'custom']),
  minAgreement: z.number(),
  rateRelative: z.number(),
  burstAbsolute: z.number(),
});

export const inferenceSchema = z.object({
  kind: z.enum(['token-bucket', 'no-throttling', 'not-a-token-bucket', 'insufficient-data']),
  rateRps: z.number().nullable(),
  burst: z.number().nullable(),
  rateRange: z.tuple([z.number(), z.number()]).nullable(),
  burstRange: z.tuple([z.number(), z.number()]).nullable(),
  unidentified: z.array(z.object({ parameter: z.enum(['rate', 'burst']), why: z.string(), traffic: z.string() })),
  decisionDelayMs: z.number().nullable(),
  note: z.string(),
});

const acceptedThrottled = z.object({ accepted: count, throttled: count });

const throttleVerdict = z.enum(['pass', 'fail', 'inconclusive', 'not-exercised', 'no-response']);
const detectionPower = z.object({ rateRelative: z.number().min(0).nullable(), burst: z.number().min(0).nullable() });
const parameterVerdict = z.object({ verdict: z.enum(['pass', 'fail', 'untested']), reason: z.string() });

const bucketVerdict = z.object({
  label: z.string(),
  layer: z.enum(['usage-plan-method', 'usage-plan', 'stage-route', 'stage', 'account']),
  declared: z.object({ rateRps: z.number().min(0), burst: z.number().min(0) }),
  routes: z.array(z.string()),
  requests: count,
  verdict: throttleVerdict,
  reason: z.string(),
  rate: parameterVerdict,
  burst: parameterVerdict,
  detection: detectionPower,
  predicted: z.object({ accepted: count, throttled: count }),
  observed: z.object({ accepted: count, throttled: count }),
  largestGap: z.object({ requests: z.number().min(0), atS: z.number() }).nullable(),
  inferred: inferenceSchema,
});

export const throttleSectionSchema = z.object({
  limits: limitsSchema,
  stage: keptOrUndefined(z.string()),
  verdict: throttleVerdict,
  reason: z.string(),
  detection: detectionPower,
  buckets: z.array(bucketVerdict),
  predicted: acceptedThrottled,
  observed: acceptedThrottled,
  agreement: z.number(),
  firstThrottledS: z.object({ predicted: z.number().nullable(), observed: z.number().nullable() }),
  perSecond: z.array(z.object({ second: count, predictedAccepted: count, observedAccepted: count, observedThrottled: count })),
  inferred: inferenceSchema,
  tolerance: toleranceSchema,
});

const rateBurst = z.object({ rateRps: z.number().nullable(), burst: z.number().nullable() });

export const verifySectionSchema = z.object({
  declared: rateBurst,
  measured: rateBurst,
  verdict: z.enum(['pass', 'fail', 'no-throttling', 'inconclusive', 'no-response']),
  reason: z.string(),
  binding: z.object({ layer: z.string(), label: z.string() }).nullable(),
  plannedRequests: count,
  estimatedCostUsd: z.object({ rest: z.number().min(0), http: z.number().min(0) }),
});
