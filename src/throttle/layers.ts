/**
 * Which declared buckets a request passes through: API Gateway's throttling hierarchy
 * (docs/throttling.md, docs/architecture.md "Throttle model"), resolved for one (route, method, API key).
 * The model (model.ts) enforces and predicts with these layers, and the verdict (verdict.ts)
 * judges each against what the target did, so both read the hierarchy from this one place.
 *
 *   1 usage-plan-method  the caller's key, this method       (REST, methods requiring a key)
 *   2 usage-plan         the caller's key, shared by all methods of the plan
 *   3 stage-route        this route's override on the stage   | one or the other, never both:
 *     stage              else the stage default, per method   | an override replaces the default
 *   4 account            shared by every API and stage
 */
import { flavourOf } from '../api/flavours.ts';
import type { Layer, Limits, QuotaSpec, ThrottleSpec } from '../core/limits.ts';

/** What the model needs to know of one request. */
export interface RequestKey {
  /** The matched route's canonical key (`GET /items`), or undefined when no route matched. */
  readonly routeKey: string | undefined;
  /** The request's own method (an `ANY` route still throttles per route, not per method). */
  readonly method: string;
  /** The x-api-key header value (or its key id, against limitsKeyedById), if any. */
  readonly apiKey?: string;
}

/** One declared bucket on a request's path. */
export interface LayerBucket {
  readonly layer: Layer;
  /** Identifies the bucket: requests with the same id share its tokens. */
  readonly bucketId: string;
  readonly spec: ThrottleSpec;
  /** How reports name it: `stage prod, GET /slow (override)`, `usage plan gold, key id:3f2a…`. */
  readonly label: string;
}

export interface ResolvedLayers {
  /** Narrowest first; the account last. */
  readonly buckets: readonly LayerBucket[];
  /** The key's usage-plan quota, if any. */
  readonly quota: { readonly apiKey: string; readonly spec: QuotaSpec } | undefined;
  /** The route requires an API key and the request has none, or one no usage plan holds (403). */
  readonly forbidden: boolean;
}

/** The layers a request of `key` on `stage` passes, narrowest first. */
export function layersFor(limits: Limits, stage: string | undefined, key: RequestKey): ResolvedLayers {
  const routeKey = key.routeKey ?? `${key.method.toUpperCase()} ?`;
  const buckets: LayerBucket[] = [];
  let quota: ResolvedLayers['quota'];
  let forbidden = false;
  const keyRequired = flavourOf(limits.api.type).routing.apiKeys && (limits.routes[routeKey]?.apiKeyRequired ?? false);
  if (keyRequired) {
    const planName = key.apiKey !== undefined ? limits.apiKeys[key.apiKey]?.usagePlan : undefined;
    const plan = planName !== undefined ? limits.usagePlans[planName] : undefined;
    if (!plan || key.apiKey === undefined) forbidden = true;
    else {
      const keyLabel = key.apiKey.startsWith('id:') ? `key ${key.apiKey}` : 'its key';
      const methodSpec = plan.methods[routeKey];
      if (methodSpec) buckets.push({ layer: 'usage-plan-method', bucketId: `upm\n${key.apiKey}\n${routeKey}`, spec: methodSpec, label: `usage plan ${planName}, ${routeKey}, ${keyLabel}` });
      if (plan.throttle) buckets.push({ layer: 'usage-plan', bucketId: `up\n${key.apiKey}`, spec: plan.throttle, label: `usage plan ${planName}, ${keyLabel}` });
      if (plan.quota) quota = { apiKey: key.apiKey, spec: plan.quota };
    }
  }
  const stageLimits = stage === undefined ? undefined : limits.stages[stage];
  const override = stageLimits?.routes[routeKey]?.throttle;
  if (override) buckets.push({ layer: 'stage-route', bucketId: `sr\n${stage}\n${routeKey}`, spec: override, label: `stage ${stage}, ${routeKey} (override)` });
  else if (stageLimits?.throttle) {
    const perStage = limits.stageBucketScope === 'stage';
    buckets.push({ layer: 'stage', bucketId: perStage ? `s\n${stage}` : `s\n${stage}\n${routeKey}`, spec: stageLimits.throttle, label: perStage ? `stage ${stage} (one bucket)` : `stage ${stage} default, ${routeKey}` });
  }
  buckets.push({ layer: 'account', bucketId: 'account', spec: limits.account, label: 'account (per Region)' });
  return { buckets, quota, forbidden };
}
