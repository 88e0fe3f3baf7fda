/**
 * The throttle limits of one API, as configured on API Gateway: what a scenario's `limits` field
 * declares, what `--limits FILE` holds, what is read from AWS, and the throttling half of the
 * emulator's config. One schema for all of them (docs/architecture.md "Scenario limits vs the emulator").
 *
 * ```json
 * { "api": { "type": "rest", "name": "shop" },
 *   "account": { "rateRps": 10000, "burst": 5000 },
 *   "stages": { "prod": { "throttle": { "rateRps": 100, "burst": 50 },
 *                         "routes": { "GET /slow": { "throttle": { "rateRps": 20, "burst": 10 } } } } },
 *   "routes": { "GET /keyed": { "apiKeyRequired": true } },
 *   "apiKeys": { "k-gold-0001": { "usagePlan": "gold" } },
 *   "usagePlans": { "gold": { "throttle": { "rateRps": 5, "burst": 5 },
 *                             "methods": { "GET /keyed": { "rateRps": 2, "burst": 2 } },
 *                             "quota": { "limit": 1000, "period": "DAY" } } } }
 * ```
 */
import { API_TYPES, DEFAULT_API_TYPE, flavourOf, type ApiType } from '../api/flavours.ts';
import { UsageError } from '../errors.ts';
import { normaliseMethodKey, parseRouteKey } from '../routing/route-key.ts';
import { at, boolean, number, object, optional, record, string, type Where } from '../validate.ts';

export type { ApiType } from '../api/flavours.ts';

/** One token bucket: `rateRps` tokens per second, capacity `burst`, starting full. */
export interface ThrottleSpec {
  readonly rateRps: number;
  readonly burst: number;
}

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

export interface QuotaSpec {
  readonly limit: number;
  readonly period: QuotaPeriod;
  /** Requests subtracted from the limit in the first period (AWS `offset`). @default 0 */
  readonly offset: number;
}

export interface StageLimits {
  /** The stage default (`*\/*`), one bucket per method unless `stageBucketScope` is 'stage'. */
  readonly throttle?: ThrottleSpec;
  /** Per-route (HTTP API) or per-method (REST) overrides, keyed by canonical route key. */
  readonly routes: Readonly<Record<string, { readonly throttle?: ThrottleSpec }>>;
}

export interface UsagePlanSpec {
  readonly throttle?: ThrottleSpec;
  /** Per-method throttles for a key of this plan, keyed by canonical route key (`GET /pets`). */
  readonly methods: Readonly<Record<string, ThrottleSpec>>;
  readonly quota?: QuotaSpec;
}

export interface RouteLimits {
  /** REST only: the method requires an API key, and so usage plans apply to it. */
  readonly apiKeyRequired: boolean;
}

export interface Limits {
  readonly api: { readonly type: ApiType; readonly name: string; readonly id: string };
  /** The account's per-Region bucket, shared by every API and stage. */
  readonly account: ThrottleSpec;
  readonly stages: Readonly<Record<string, StageLimits>>;
  /** Routes of the API (canonical keys). Empty means one `ANY /{proxy+}` route (see effectiveRouteKeys). */
  readonly routes: Readonly<Record<string, RouteLimits>>;
  readonly apiKeys: Readonly<Record<string, { readonly usagePlan: string }>>;
  readonly usagePlans: Readonly<Record<string, UsagePlanSpec>>;
  /**
   * Whether a stage default is one bucket per method ('method', AWS: "applied at the API method
   * level") or one bucket for the whole stage ('stage'). Open point in AWS's docs. @default 'method'
   */
  readonly stageBucketScope: 'method' | 'stage';
}

/**
 * The levels of API Gateway's throttling hierarchy that a bucket can sit on, narrowest first
 * (docs/throttling.md); throttle/layers.ts resolves which of them a request passes.
 */
export type Layer = 'usage-plan-method' | 'usage-plan' | 'stage-route' | 'stage' | 'account';

export const AWS_ACCOUNT_DEFAULT: ThrottleSpec = Object.freeze({ rateRps: 10_000, burst: 5_000 });

/** Top-level keys of the limits schema; the emulator config adds its own to these. */
export const LIMITS_KEYS = ['api', 'account', 'stages', 'routes', 'apiKeys', 'usagePlans', 'options'] as const;

export interface LimitsParseOptions {
  /** Extra keys allowed at the top level (the emulator's `integrationTimeoutMs`, ...). */
  readonly extraTopKeys?: readonly string[];
  /** Extra keys allowed in each route (the emulator's `integration`). */
  readonly extraRouteKeys?: readonly string[];
}

export function parseThrottle(value: unknown, where: Where): ThrottleSpec {
  const o = object(value, where, ['rateRps', 'burst']);
  return Object.freeze({
    rateRps: number(o.rateRps, at(where, 'rateRps'), { min: 0 }),
    burst: number(o.burst, at(where, 'burst'), { min: 0, integer: true }),
  });
}

function parseQuota(value: unknown, where: Where): QuotaSpec {
  const o = object(value, where, ['limit', 'period', 'offset']);
  return Object.freeze({
    limit: number(o.limit, at(where, 'limit'), { min: 0, integer: true }),
    period: string(o.period, at(where, 'period'), { oneOf: ['DAY', 'WEEK', 'MONTH'] }) as QuotaPeriod,
    offset: optional(o.offset, (v) => number(v, at(where, 'offset'), { min: 0, integer: true })) ?? 0,
  });
}

function mapEntries<T>(value: unknown, where: Where, read: (v: unknown, w: Where, key: string) => [string, T]): Record<string, T> {
  if (value === undefined) return {};
  const out: Record<string, T> = {};
  for (const [key, entry] of Object.entries(record(value, where))) {
    const [k, v] = read(entry, at(where, key), key);
    out[k] = v;
  }
  return Object.freeze(out);
}

/** Validates a limits document (or the limits half of an emulator config) into frozen Limits. */
export function parseLimits(raw: unknown, file: string | undefined, field = '', opts: LimitsParseOptions = {}): Limits {
  const where: Where = { file, field };
  const o = object(raw, where, [...LIMITS_KEYS, ...(opts.extraTopKeys ?? [])]);
  const api = o.api === undefined ? {} : object(o.api, at(where, 'api'), ['type', 'name', 'id']);
  const type = (optional(api.type, (v) => string(v, at(at(where, 'api'), 'type'), { oneOf: API_TYPES })) ?? DEFAULT_API_TYPE) as ApiType;
  const name = optional(api.name, (v) => string(v, at(at(where, 'api'), 'name'), { nonEmpty: true })) ?? 'loadgate-api';
  const id = optional(api.id, (v) => string(v, at(at(where, 'api'), 'id'), { nonEmpty: true })) ?? 'lgemu00001';

  const stages = mapEntries(o.stages, at(where, 'stages'), (v, w, key) => {
    const s = object(v, w, ['throttle', 'routes']);
    const routes = mapEntries(s.routes, at(w, 'routes'), (rv, rw, rkey) => {
      const r = object(rv, rw, ['throttle']);
      return [parseRouteKey(rkey, rw).key, Object.freeze({ throttle: optional(r.throttle, (t) => parseThrottle(t, at(rw, 'throttle'))) })];
    });
    return [key, Object.freeze({ throttle: optional(s.throttle, (t) => parseThrottle(t, at(w, 'throttle'))), routes })];
  });

  const routes = mapEntries(o.routes, at(where, 'routes'), (v, w, key) => {
    const r = object(v, w, ['apiKeyRequired', ...(opts.extraRouteKeys ?? [])]);
    return [parseRouteKey(key, w).key, Object.freeze({ apiKeyRequired: optional(r.apiKeyRequired, (b) => boolean(b, at(w, 'apiKeyRequired'))) ?? false })];
  });

  const usagePlans = mapEntries(o.usagePlans, at(where, 'usagePlans'), (v, w, key) => {
    const p = object(v, w, ['throttle', 'methods', 'quota']);
    const methods = mapEntries(p.methods, at(w, 'methods'), (mv, mw, mkey) => [normaliseMethodKey(mkey, mw), parseThrottle(mv, mw)]);
    return [key, Object.freeze({ throttle: optional(p.throttle, (t) => parseThrottle(t, at(w, 'throttle'))), methods, quota: optional(p.quota, (q) => parseQuota(q, at(w, 'quota'))) })];
  });

  const apiKeys = mapEntries(o.apiKeys, at(where, 'apiKeys'), (v, w, key) => {
    const k = object(v, w, ['usagePlan']);
    const plan = string(k.usagePlan, at(w, 'usagePlan'), { nonEmpty: true });
    if (!(plan in usagePlans)) throw UsageError.invalid(file, at(w, 'usagePlan').field, plan, `one of the usagePlans (${Object.keys(usagePlans).join(', ') || 'none defined'})`);
    return [key, Object.freeze({ usagePlan: plan })];
  });

  if (!flavourOf(type).routing.apiKeys && (Object.keys(usagePlans).length > 0 || Object.keys(apiKeys).length > 0)) {
    throw UsageError.invalid(file, at(where, 'usagePlans').field, Object.keys(usagePlans), `no usage plans or API keys on an ${flavourOf(type).label} (AWS has none)`);
  }

  const options = o.options === undefined ? {} : object(o.options, at(where, 'options'), ['stageBucketScope']);
  const stageBucketScope = (optional(options.stageBucketScope, (v) => string(v, at(at(where, 'options'), 'stageBucketScope'), { oneOf: ['method', 'stage'] })) ?? 'method') as 'method' | 'stage';

  return Object.freeze({
    api: Object.freeze({ type, name, id }),
    account: o.account === undefined ? AWS_ACCOUNT_DEFAULT : parseThrottle(o.account, at(where, 'account')),
    stages,
    routes,
    apiKeys,
    usagePlans,
    stageBucketScope,
  });
}

/**
 * The API's route keys as the emulator serves them and the model buckets them: the declared
 * routes plus every route that a stage or usage plan names; `ANY /` and `ANY /{proxy+}`
 * (HTTP API: `$default`) when none is declared.
 */
export function effectiveRouteKeys(limits: Limits): string[] {
  const keys = new Set<string>(Object.keys(limits.routes));
  for (const stage of Object.values(limits.stages)) for (const k of Object.keys(stage.routes)) keys.add(k);
  for (const plan of Object.values(limits.usagePlans)) for (const k of Object.keys(plan.methods)) keys.add(k);
  if (Object.keys(limits.routes).length === 0) {
    for (const k of flavourOf(limits.api.type).routing.catchAllRoutes) keys.add(k);
  }
  return [...keys];
}

/** The stage a run addresses: the named one, else the only one, else undefined (account only). */
export function pickStage(limits: Limits, name?: string): string | undefined {
  const names = Object.keys(limits.stages);
  if (name !== undefined) {
    if (!names.includes(name)) throw new UsageError(`limits: stage ${JSON.stringify(name)} is not declared (declared: ${names.join(', ') || 'none'})`);
    return name;
  }
  return names[0];
}
