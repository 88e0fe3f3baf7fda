/**
 * API Gateway's throttling hierarchy as a LimitModel (design.md, "Throttle model"):
 *
 *   1 usage-plan-method  the caller's key, this method       (REST, methods requiring a key)
 *   2 usage-plan         the caller's key, shared by all methods of the plan
 *   3 stage-route        this route's override on the stage   | one or the other, never both:
 *     stage              else the stage default, per method   | an override replaces the default
 *   4 account            shared by every API and stage
 *
 * Every applicable bucket is refilled and checked; the request is admitted only if all have a
 * token, and then one token is taken from each (a rejected request spends nothing: AWS leaves it
 * open, this is the default). The reported layer is the narrowest one that had no token.
 * A usage-plan quota is checked after the buckets: exhausted -> 429 "Limit Exceeded".
 * The emulator enforces with this class and replay predicts with it, so both share one truth.
 */
import { TokenBucket } from './bucket.ts';
import { effectiveRouteKeys, pickStage, type Limits, type QuotaSpec, type ThrottleSpec } from './limits.ts';
import { matchRoute, parseRouteKey, type RouteKey } from '../routing/route-key.ts';
import { QuotaCounter } from './quota.ts';

export type Layer = 'usage-plan-method' | 'usage-plan' | 'stage-route' | 'stage' | 'account';

export type Verdict =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly kind: 'throttle'; readonly by: Layer }
  | { readonly admitted: false; readonly kind: 'quota'; readonly by: 'usage-plan' }
  | { readonly admitted: false; readonly kind: 'forbidden'; readonly by: 'api-key' };

/** What the model needs to know of one request. */
export interface RequestKey {
  /** The matched route's canonical key (`GET /items`), or undefined when no route matched. */
  readonly routeKey: string | undefined;
  /** The request's own method (an `ANY` route still throttles per route, not per method). */
  readonly method: string;
  /** The x-api-key header value, if any. */
  readonly apiKey?: string;
}

export interface LimitModel {
  /** Decides one request at `atMs` (ms on any clock that only moves forward). */
  admit(key: RequestKey, atMs: number): Verdict;
}

export interface ModelOptions {
  /** The stage requests address; @default the only (first) stage of the limits */
  readonly stage?: string;
  /** Wall-clock epoch ms at `atMs = 0`, for quota periods (UTC calendar). @default Date.now() */
  readonly originWallMs?: number;
  /**
   * Buckets and quotas shared with the models of the API's other stages (the emulator makes one
   * model per stage): the account bucket and each key's usage-plan buckets and quota are one
   * across stages, as on AWS. @default a fresh state of this model's own
   */
  readonly shared?: SharedModelState;
}

/** The mutable state several stage models of one API share (see ModelOptions.shared). */
export interface SharedModelState {
  readonly buckets: Map<string, TokenBucket>;
  readonly quotas: Map<string, QuotaCounter>;
}

// Verdicts are plain constants: admit() runs once per request, in replay a million times a run.
const ADMITTED: Verdict = Object.freeze({ admitted: true });
const FORBIDDEN: Verdict = Object.freeze({ admitted: false, kind: 'forbidden', by: 'api-key' });
const QUOTA: Verdict = Object.freeze({ admitted: false, kind: 'quota', by: 'usage-plan' });
const THROTTLED_BY: Readonly<Record<Layer, Verdict>> = Object.freeze({
  'usage-plan-method': Object.freeze({ admitted: false, kind: 'throttle', by: 'usage-plan-method' }),
  'usage-plan': Object.freeze({ admitted: false, kind: 'throttle', by: 'usage-plan' }),
  'stage-route': Object.freeze({ admitted: false, kind: 'throttle', by: 'stage-route' }),
  stage: Object.freeze({ admitted: false, kind: 'throttle', by: 'stage' }),
  account: Object.freeze({ admitted: false, kind: 'throttle', by: 'account' }),
});

interface Resolved {
  readonly buckets: readonly { readonly layer: Layer; readonly bucket: TokenBucket }[];
  readonly quota: QuotaCounter | undefined;
  readonly forbidden: boolean;
}

export class ApiGatewayModel implements LimitModel {
  readonly limits: Limits;
  readonly stage: string | undefined;
  readonly routes: readonly RouteKey[];
  readonly #originWallMs: number;
  readonly #buckets: Map<string, TokenBucket>;
  readonly #quotas: Map<string, QuotaCounter>;
  readonly #resolved = new Map<string, Resolved>();
  /** Frozen keys (replay freezes one per scenario request and reuses it) are cached by identity. */
  readonly #resolvedByKey = new WeakMap<RequestKey, Resolved>();
  readonly #account: TokenBucket;

  constructor(limits: Limits, options: ModelOptions = {}) {
    this.limits = limits;
    this.stage = pickStage(limits, options.stage);
    this.routes = effectiveRouteKeys(limits).map((k) => parseRouteKey(k));
    this.#originWallMs = options.originWallMs ?? Date.now();
    this.#buckets = options.shared?.buckets ?? new Map();
    this.#quotas = options.shared?.quotas ?? new Map();
    this.#account = this.#bucket('account', limits.account);
  }

  /** The route a request falls in, by the same matcher the emulator routes with. */
  routeFor(method: string, path: string): RouteKey | undefined {
    return matchRoute(this.routes, method, path);
  }

  admit(key: RequestKey, atMs: number): Verdict {
    let resolved = this.#resolvedByKey.get(key);
    if (!resolved) {
      resolved = this.#resolve(key);
      if (Object.isFrozen(key)) this.#resolvedByKey.set(key, resolved);
    }
    if (resolved.forbidden) return FORBIDDEN;
    const buckets = resolved.buckets;
    let blockedBy: Layer | undefined;
    for (let i = 0; i < buckets.length; i++) {
      const { layer, bucket } = buckets[i];
      bucket.refill(atMs);
      if (blockedBy === undefined && !bucket.hasToken()) blockedBy = layer;
    }
    if (blockedBy !== undefined) return THROTTLED_BY[blockedBy];
    const wallMs = this.#originWallMs + atMs;
    if (resolved.quota && !resolved.quota.hasRoom(wallMs)) return QUOTA;
    for (let i = 0; i < buckets.length; i++) buckets[i].bucket.take();
    resolved.quota?.count(wallMs);
    return ADMITTED;
  }

  #bucket(id: string, spec: ThrottleSpec): TokenBucket {
    let bucket = this.#buckets.get(id);
    if (!bucket) this.#buckets.set(id, (bucket = new TokenBucket(spec)));
    return bucket;
  }

  #quota(apiKey: string, spec: QuotaSpec): QuotaCounter {
    let q = this.#quotas.get(apiKey);
    if (!q) this.#quotas.set(apiKey, (q = new QuotaCounter(spec, this.#originWallMs)));
    return q;
  }

  /** Buckets in check order, narrowest first; cached per (route, key). */
  #resolve(key: RequestKey): Resolved {
    const cacheKey = `${key.routeKey ?? `${key.method} ?`}\n${key.apiKey ?? ''}`;
    const cached = this.#resolved.get(cacheKey);
    if (cached) return cached;
    const { limits } = this;
    const routeKey = key.routeKey ?? `${key.method.toUpperCase()} ?`;
    const buckets: { layer: Layer; bucket: TokenBucket }[] = [];
    let quota: QuotaCounter | undefined;
    let forbidden = false;

    const keyRequired = limits.api.type === 'rest' && (limits.routes[routeKey]?.apiKeyRequired ?? false);
    if (keyRequired) {
      const plan = key.apiKey !== undefined ? limits.apiKeys[key.apiKey] : undefined;
      const spec = plan ? limits.usagePlans[plan.usagePlan] : undefined;
      if (!spec || key.apiKey === undefined) forbidden = true;
      else {
        const methodSpec = spec.methods[routeKey];
        if (methodSpec) buckets.push({ layer: 'usage-plan-method', bucket: this.#bucket(`upm\n${key.apiKey}\n${routeKey}`, methodSpec) });
        if (spec.throttle) buckets.push({ layer: 'usage-plan', bucket: this.#bucket(`up\n${key.apiKey}`, spec.throttle) });
        if (spec.quota) quota = this.#quota(key.apiKey, spec.quota);
      }
    }
    const stage = this.stage === undefined ? undefined : limits.stages[this.stage];
    const override = stage?.routes[routeKey]?.throttle;
    if (override) buckets.push({ layer: 'stage-route', bucket: this.#bucket(`sr\n${this.stage}\n${routeKey}`, override) });
    else if (stage?.throttle) {
      const id = limits.stageBucketScope === 'stage' ? `s\n${this.stage}` : `s\n${this.stage}\n${routeKey}`;
      buckets.push({ layer: 'stage', bucket: this.#bucket(id, stage.throttle) });
    }
    buckets.push({ layer: 'account', bucket: this.#account });
    const resolved: Resolved = { buckets, quota, forbidden };
    this.#resolved.set(cacheKey, resolved);
    return resolved;
  }
}
