/**
 * API Gateway's throttling hierarchy (layers.ts) as a LimitModel (docs/architecture.md "Throttle model").
 * Every applicable bucket is refilled and checked; the request is admitted only if all have a
 * token, and then one token is taken from each (a rejected request spends nothing: AWS leaves it
 * open, this is the default). The reported layer is the narrowest one that had no token.
 * A usage-plan quota is checked after the buckets: exhausted -> 429 "Limit Exceeded".
 * The emulator enforces with this class and replay predicts with it, so both share one truth.
 */
import { TokenBucket } from './bucket.ts';
import { effectiveRouteKeys, pickStage, type Layer, type Limits, type QuotaSpec, type ThrottleSpec } from '../core/limits.ts';
import { layersFor, type RequestKey } from './layers.ts';
import { matchRoute, parseRouteKey, type RouteKey } from '../routing/route-key.ts';
import { QuotaCounter } from './quota.ts';

export type { RequestKey } from './layers.ts';

export type Verdict =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly kind: 'throttle'; readonly by: Layer }
  | { readonly admitted: false; readonly kind: 'quota'; readonly by: 'usage-plan' }
  | { readonly admitted: false; readonly kind: 'forbidden'; readonly by: 'api-key' };

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

  /** Buckets in check order, narrowest first (layers.ts); cached per (route, key). */
  #resolve(key: RequestKey): Resolved {
    const cacheKey = `${key.routeKey ?? `${key.method} ?`}\n${key.apiKey ?? ''}`;
    const cached = this.#resolved.get(cacheKey);
    if (cached) return cached;
    const layers = layersFor(this.limits, this.stage, key);
    const resolved: Resolved = {
      buckets: layers.buckets.map(({ layer, bucketId, spec }) => ({ layer, bucket: bucketId === 'account' ? this.#account : this.#bucket(bucketId, spec) })),
      quota: layers.quota && this.#quota(layers.quota.apiKey, layers.quota.spec),
      forbidden: layers.forbidden,
    };
    this.#resolved.set(cacheKey, resolved);
    return resolved;
  }
}
