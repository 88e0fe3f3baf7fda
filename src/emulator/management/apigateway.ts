/**
 * apigateway (REST APIs, 2015-07-09) read-only operations for the one API the emulator serves,
 * shaped as botocore's model: GetAccount, GetRestApis, GetStages, GetStage, GetResources,
 * GetUsagePlans, GetApiKeys, GetUsagePlanKeys, GetUsage. Lists are `item` on the wire (the
 * SDKs call them `items`), GetUsage's map is `values`; timestamps are epoch seconds.
 *
 * What the config says, as AWS would hold it: the stage default is the `*\/*` method setting, a
 * route override is `~1pets~1{petId}/GET` (`*` for ANY), a usage plan covers every stage of the
 * API and its per-method throttles are keyed `/pets/GET`. An HTTP API emulator has no REST APIs.
 */
import { flavourOf } from '../../api/flavours.ts';
import type { QuotaSpec, ThrottleSpec } from '../../core/limits.ts';
import { parseRouteKey } from '../../routing/route-key.ts';
import type { EmulatorConfig } from '../config.ts';
import { stableId } from './ids.ts';
import type { UsageLedger } from './usage.ts';
import { badRequest, EMULATOR_ACCOUNT_ID, epochSeconds, notFound, page } from './wire.ts';

/** What the operations read: the config, when the emulator started, and its usage counts. */
export interface ManagementState {
  readonly config: EmulatorConfig;
  readonly startedWallMs: number;
  readonly usage: UsageLedger;
  /** Epoch ms now, for GetUsage's last day. */
  readonly nowWallMs: () => number;
}

type Query = URLSearchParams;
type Operation = (state: ManagementState, params: string[], query: Query) => unknown;

const throttleSettings = (t: ThrottleSpec): { burstLimit: number; rateLimit: number } => ({ burstLimit: t.burst, rateLimit: t.rateRps });
const methodOf = (method: string): string => (method === 'ANY' ? '*' : method);

function restApi(state: ManagementState, id: string): void {
  const api = state.config.limits.api;
  if (flavourOf(api.type).controlPlane !== 'apigateway' || id !== api.id) throw notFound(`Invalid API identifier specified ${EMULATOR_ACCOUNT_ID}:${id}`);
}

/** The method setting the real service keeps for a throttle (the rest of its fields at their defaults). */
function methodSetting(t: ThrottleSpec): Record<string, unknown> {
  return {
    metricsEnabled: false, loggingLevel: 'OFF', dataTraceEnabled: false,
    throttlingBurstLimit: t.burst, throttlingRateLimit: t.rateRps,
    cachingEnabled: false, cacheTtlInSeconds: 300, cacheDataEncrypted: false,
    requireAuthorizationForCacheControl: true, unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
  };
}

/** `GET /pets/{petId}` -> `~1pets~1{petId}/GET`, the key of a method setting. */
export function methodSettingKey(routeKey: string): string {
  const k = parseRouteKey(routeKey);
  return `${`/${k.segments.join('/')}`.replace(/~/g, '~0').replace(/\//g, '~1')}/${methodOf(k.method)}`;
}

function stage(state: ManagementState, name: string): Record<string, unknown> {
  const s = state.config.limits.stages[name];
  const methodSettings: Record<string, unknown> = {};
  if (s.throttle) methodSettings['*/*'] = methodSetting(s.throttle);
  for (const [key, r] of Object.entries(s.routes)) if (r.throttle) methodSettings[methodSettingKey(key)] = methodSetting(r.throttle);
  const at = epochSeconds(state.startedWallMs);
  return {
    deploymentId: stableId('deployment', state.config.limits.api.id), stageName: name, cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings, tracingEnabled: false, createdDate: at, lastUpdatedDate: at,
  };
}

/** Resources as API Gateway builds them: one per path prefix of every route, the root `/` first. */
function resources(state: ManagementState, embedMethods: boolean): Record<string, unknown>[] {
  const byPath = new Map<string, { id: string; parentId?: string; pathPart?: string; methods: Record<string, unknown> }>();
  const root: { id: string; parentId?: string; pathPart?: string; methods: Record<string, unknown> } = { id: stableId('resource', '/'), methods: {} };
  byPath.set('/', root);
  for (const route of Object.values(state.config.routes)) {
    const key = parseRouteKey(route.key);
    let path = '';
    let parent = root;
    for (const part of key.segments) {
      path += `/${part}`;
      let r = byPath.get(path);
      if (!r) byPath.set(path, (r = { id: stableId('resource', path), parentId: parent.id, pathPart: part, methods: {} }));
      parent = r;
    }
    parent.methods[key.method] = embedMethods
      ? { httpMethod: key.method, authorizationType: 'NONE', apiKeyRequired: route.apiKeyRequired }
      : {};
  }
  return [...byPath].map(([path, r]) => ({
    id: r.id, ...(r.parentId ? { parentId: r.parentId, pathPart: r.pathPart } : {}), path,
    ...(Object.keys(r.methods).length > 0 ? { resourceMethods: r.methods } : {}),
  }));
}

const planId = (name: string): string => stableId('usageplan', name);
const keyId = (value: string): string => stableId('apikey', value);

function usagePlan(state: ManagementState, name: string): Record<string, unknown> {
  const { limits } = state.config;
  const plan = limits.usagePlans[name];
  const methods: Record<string, { burstLimit: number; rateLimit: number }> = {};
  for (const [key, t] of Object.entries(plan.methods)) {
    const k = parseRouteKey(key);
    methods[`/${k.segments.join('/')}/${methodOf(k.method)}`] = throttleSettings(t);
  }
  const apiStages = Object.keys(limits.stages).map((s) => ({ apiId: limits.api.id, stage: s, ...(Object.keys(methods).length > 0 ? { throttle: methods } : {}) }));
  return {
    id: planId(name), name, apiStages,
    ...(plan.throttle ? { throttle: throttleSettings(plan.throttle) } : {}),
    ...(plan.quota ? { quota: quotaOf(plan.quota) } : {}),
  };
}

const quotaOf = (q: QuotaSpec): Record<string, unknown> => ({ limit: q.limit, offset: q.offset, period: q.period });

function planByIdOrThrow(state: ManagementState, id: string): string {
  const name = Object.keys(state.config.limits.usagePlans).find((n) => planId(n) === id);
  if (name === undefined) throw notFound(`Invalid Usage Plan ID specified: ${id}`);
  return name;
}

function apiKey(state: ManagementState, value: string, includeValue: boolean): Record<string, unknown> {
  const at = epochSeconds(state.startedWallMs);
  const plan = state.config.limits.apiKeys[value].usagePlan;
  return {
    id: keyId(value), ...(includeValue ? { value } : {}), name: `${plan}-${keyId(value)}`, enabled: true,
    createdDate: at, lastUpdatedDate: at, stageKeys: [],
  };
}

/** `yyyy-MM-dd` -> day number since the epoch (UTC). */
function dayOf(text: string | null, name: string): number {
  if (text === null) throw badRequest(`Parameter ${name} is required`);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`Invalid ${name}: ${text} (expected yyyy-MM-dd)`);
  return ms / 86_400_000;
}

const listed = (items: readonly unknown[], q: Query): Record<string, unknown> => {
  const p = page(items, q.get('position'), q.get('limit'), 25, 500);
  return { ...(p.next ? { position: p.next } : {}), item: p.items };
};

/** Operations by `METHOD path pattern`; path parameters in order. */
export const APIGATEWAY_OPERATIONS: readonly (readonly [RegExp, Operation])[] = [
  [/^\/account$/, (s) => ({ throttleSettings: throttleSettings(s.config.limits.account), features: [], apiKeyVersion: '4' })],
  [/^\/restapis$/, (s, _p, q) => {
    const api = s.config.limits.api;
    const items = flavourOf(api.type).controlPlane !== 'apigateway' ? [] : [{
      id: api.id, name: api.name, createdDate: epochSeconds(s.startedWallMs), apiKeySource: 'HEADER',
      endpointConfiguration: { types: ['REGIONAL'] }, disableExecuteApiEndpoint: false, rootResourceId: stableId('resource', '/'),
    }];
    return listed(items, q);
  }],
  [/^\/restapis\/([^/]+)\/stages$/, (s, [id]) => (restApi(s, id), { item: Object.keys(s.config.limits.stages).map((n) => stage(s, n)) })],
  [/^\/restapis\/([^/]+)\/stages\/([^/]+)$/, (s, [id, name]) => {
    restApi(s, id);
    if (!Object.hasOwn(s.config.limits.stages, name)) throw notFound('Invalid stage identifier specified');
    return stage(s, name);
  }],
  [/^\/restapis\/([^/]+)\/resources$/, (s, [id], q) => {
    restApi(s, id);
    const embed = q.getAll('embed').flatMap((e) => e.split(','));
    return listed(resources(s, embed.includes('methods')), q);
  }],
  [/^\/usageplans$/, (s, _p, q) => {
    const keyFilter = q.get('keyId');
    const names = Object.keys(s.config.limits.usagePlans).filter((n) => keyFilter === null || Object.entries(s.config.limits.apiKeys).some(([v, k]) => k.usagePlan === n && keyId(v) === keyFilter));
    return listed(names.map((n) => usagePlan(s, n)), q);
  }],
  [/^\/apikeys$/, (s, _p, q) => {
    const include = q.get('includeValues') === 'true';
    const name = q.get('name');
    const keys = Object.keys(s.config.limits.apiKeys).map((v) => apiKey(s, v, include)).filter((k) => name === null || String(k.name).startsWith(name));
    return listed(keys, q);
  }],
  [/^\/usageplans\/([^/]+)\/keys$/, (s, [id], q) => {
    const plan = planByIdOrThrow(s, id);
    const keys = Object.entries(s.config.limits.apiKeys).filter(([, k]) => k.usagePlan === plan).map(([v]) => ({ id: keyId(v), type: 'API_KEY', value: v, name: `${plan}-${keyId(v)}` }));
    return listed(keys, q);
  }],
  [/^\/usageplans\/([^/]+)\/usage$/, (s, [id], q) => {
    const plan = planByIdOrThrow(s, id);
    const from = dayOf(q.get('startDate'), 'startDate');
    const to = Math.min(dayOf(q.get('endDate'), 'endDate'), Math.floor(s.nowWallMs() / 86_400_000));
    if (to < from && dayOf(q.get('endDate'), 'endDate') < from) throw badRequest('The usage data period must not end before it starts');
    const only = q.get('keyId');
    const values: Record<string, [number, number][]> = {};
    for (const [value, k] of Object.entries(s.config.limits.apiKeys)) {
      if (k.usagePlan !== plan || (only !== null && keyId(value) !== only)) continue;
      values[keyId(value)] = s.usage.daily(value, from, to, s.config.limits.usagePlans[plan].quota);
    }
    return { usagePlanId: id, startDate: q.get('startDate'), endDate: q.get('endDate'), values };
  }],
];
