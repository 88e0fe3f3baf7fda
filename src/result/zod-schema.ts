/**
 * The result.json schema as a validator (zod 4), defined once: `readResult` checks every file
 * against it, and the compile-time checks at the end prove it describes exactly the RunResult
 * interfaces of schema.ts (each assignable to the other), so the type and the validator cannot
 * drift. z.toJSONSchema(runResultSchema) gives the published JSON Schema.
 * The throttle and verify sections live in zod-lead-sections.ts (owned by the lead).
 */
import { z } from 'zod';
import { API_TYPES } from '../api/flavours.ts';
import type { CapacitySection, CloudWatchSection, RunResult } from './schema.ts';
import { throttleSectionSchema, verifySectionSchema } from './zod-lead-sections.ts';

const count = z.number().int().min(0);
const nonNegative = z.number().min(0);
const nullableNumber = z.number().nullable();
const countsByKey = z.record(z.string(), count);

const percentiles = z.object({ p50: nonNegative, p90: nonNegative, p99: nonNegative, p999: nonNegative, max: nonNegative, mean: nonNegative, count });

const totals = z.object({
  scheduled: count,
  sent: count,
  dropped: count,
  completed: count,
  errors: count,
  errorsByKind: z.object({ refused: count, reset: count, timeout: count, dns: count, tls: count, other: count }),
  byStatus: countsByKey,
  status429ByOrigin: z.object({ throttle: count, quota: count, other: count }),
  unfinished: count,
});

const connectTimes = z.object({ count, p50: nonNegative, p99: nonNegative, max: nonNegative });

const schedule = z.object({
  targetRps: nonNegative,
  achievedRps: nonNegative,
  durationS: nonNegative,
  phases: z.array(z.string()),
  sendLagMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  seed: z.number().int(),
  burstDispatchMs: z.object({ p50: z.number(), p99: z.number(), max: z.number(), count }).optional(),
  kept: z.boolean().optional(),
  required: z.boolean().optional(),
  notKept: z.array(z.string()).optional(),
  inFlightCap: z.object({ limit: count, from: z.enum(['connections', 'maxInFlight']) }).optional(),
  warmUp: z.object({ sinkRequests: count, durationMs: nonNegative }).nullable().optional(),
  cpuMs: nonNegative.optional(),
  connectMs: z.object({ warm: connectTimes, duringRun: connectTimes }).optional(),
});

const allRequestsLatency = z.object({
  p50: nullableNumber, p90: nullableNumber, p99: nullableNumber, p999: nullableNumber, max: nullableNumber, count, neverAnswered: count,
});

const emulatorSection = z.object({
  internalErrors: count,
  exitedEarly: z.object({ atIso: z.string(), exit: z.string() }).nullable(),
});

const timelineRow = z.object({
  second: count, scheduled: count, sent: count, dropped: count, ok: count, throttled: count, status429Other: count,
  clientErrors: count, serverErrors: count, errors: count, p50Ms: nonNegative, p99Ms: nonNegative, latencyHistogram: z.string(),
});

const route = z.object({ route: z.string(), sent: count, byStatus: countsByKey, errors: count, latencyMs: percentiles, latencyUs: z.string().optional(), timeline: z.array(timelineRow).optional() });

const histograms = z.object({ latencyUs: z.string(), serviceTimeUs: z.string(), sendLagUs: z.string(), latencyAllUs: z.string().optional() });

const cloudWatchMinute = z.object({
  minuteIso: z.string(),
  client: z.object({ requests: count, status4xx: count, status429: count, status5xx: count, latencyAvgMs: nullableNumber }),
  gateway: z.object({
    count: nullableNumber, error4xx: nullableNumber, error5xx: nullableNumber, latencyAvgMs: nullableNumber,
    latencyP50Ms: nullableNumber, latencyP90Ms: nullableNumber, latencyP99Ms: nullableNumber, integrationLatencyAvgMs: nullableNumber,
  }),
  countDiff: nullableNumber,
  inFlightAtBoundary: count,
});

const cloudwatch = z.object({
  status: z.enum(['ok', 'unavailable', 'skipped']),
  reason: z.string(),
  source: z.enum(['emulator', 'aws']).nullable(),
  namespace: z.literal('AWS/ApiGateway'),
  dimensions: z.array(z.object({ Name: z.string(), Value: z.string() })),
  minutes: z.array(cloudWatchMinute),
  reconciliation: z.object({
    clientRequests: count, gatewayCount: z.number(), difference: z.number(), explainedByInFlight: z.number(),
    matched: z.boolean(), gatewayOverheadMs: nullableNumber,
  }).nullable(),
});

const gateVerdict = z.object({
  expr: z.string(),
  passed: z.boolean(),
  actual: z.union([z.number(), z.string()]).nullable(),
  threshold: z.string(),
  window: z.string().optional(),
  reason: z.string().optional(),
});

const capacity = z.object({
  objective: z.array(z.string()),
  highestHeldRps: nullableNumber,
  firstBrokenRps: nullableNumber,
  steps: z.array(z.object({
    rateRps: nonNegative, held: z.boolean(), reason: z.string(), achievedRps: nonNegative, latencyP99Ms: nonNegative,
    errorRate: nonNegative, unexpected429Rate: nonNegative, requests: count,
  })),
});

/** The kinds of result, one per command that writes one. */
export const RESULT_KINDS = ['run', 'verify', 'capacity'] as const;

/** result.json, schemaVersion 1. */
export const runResultSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string().min(1),
  tool: z.object({ name: z.literal('loadgate'), version: z.string() }),
  scenario: z.object({ name: z.string(), file: z.string().nullable(), target: z.string(), apiType: z.enum([...API_TYPES, 'unknown']) }),
  kind: z.enum(RESULT_KINDS),
  startedAtIso: z.string(),
  endedAtIso: z.string(),
  interrupted: z.boolean(),
  interruptReason: z.string().nullable(),
  notes: z.array(z.string()),
  totals,
  schedule,
  latencyMs: percentiles,
  serviceTimeMs: percentiles,
  histograms,
  timeline: z.array(timelineRow),
  routes: z.array(route),
  throttle: throttleSectionSchema.optional(),
  cloudwatch,
  gates: z.array(gateVerdict).optional(),
  passed: z.boolean().optional(),
  capacity: capacity.optional(),
  verify: verifySectionSchema.optional(),
  latencyAllMs: allRequestsLatency.optional(),
  emulator: emulatorSection.optional(),
});

// Compile-time proof that the validator and the interfaces describe the same thing: each must
// be assignable to the other (readonly aside). A field added to one and not the other fails tsc.
type Assert<T extends true> = T;
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** zod infers mutable arrays; the interfaces are readonly all the way down. */
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type Inferred<S extends z.ZodType> = DeepReadonly<z.infer<S>>;
export type RunResultSchemaMatches = Assert<SameShape<Inferred<typeof runResultSchema>, RunResult>>;
export type CloudWatchSchemaMatches = Assert<SameShape<Inferred<typeof cloudwatch>, CloudWatchSection>>;
export type CapacitySchemaMatches = Assert<SameShape<Inferred<typeof capacity>, CapacitySection>>;
export type ThrottleSchemaMatches = Assert<SameShape<Inferred<typeof throttleSectionSchema>, NonNullable<RunResult['throttle']>>>;
export type VerifySchemaMatches = Assert<SameShape<Inferred<typeof verifySectionSchema>, NonNullable<RunResult['verify']>>>;
