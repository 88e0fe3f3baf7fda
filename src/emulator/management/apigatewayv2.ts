/**
 * apigatewayv2 (HTTP APIs, 2018-11-29) read-only operations for the one API the emulator serves,
 * shaped as botocore's model: GetApis, GetStages, GetStage, GetRoutes. Wire members are
 * camelCase (`items`, `nextToken`, `defaultRouteSettings`), dates ISO 8601. A REST API emulator
 * has no HTTP APIs.
 */
import { flavourOf } from '../../api/flavours.ts';
import type { ThrottleSpec } from '../../core/limits.ts';
import type { ManagementState } from './apigateway.ts';
import { stableId } from './ids.ts';
import { EMULATOR_ACCOUNT_ID, iso8601, notFound, page } from './wire.ts';

type Operation = (state: ManagementState, params: string[], query: URLSearchParams, origin: string) => unknown;

function httpApi(state: ManagementState, id: string): void {
  const api = state.config.limits.api;
  if (flavourOf(api.type).controlPlane !== 'apigatewayv2' || id !== api.id) throw notFound(`Invalid API identifier specified ${EMULATOR_ACCOUNT_ID}:${id}`);
}

function routeSettings(t: ThrottleSpec | undefined): Record<string, unknown> {
  return { dataTraceEnabled: false, detailedMetricsEnabled: false, ...(t ? { throttlingBurstLimit: t.burst, throttlingRateLimit: t.rateRps } : {}) };
}

function stage(state: ManagementState, name: string): Record<string, unknown> {
  const s = state.config.limits.stages[name];
  const routes: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(s.routes)) if (r.throttle) routes[key] = routeSettings(r.throttle);
  const at = iso8601(state.startedWallMs);
  return {
    apiGatewayManaged: false, autoDeploy: true, createdDate: at, defaultRouteSettings: routeSettings(s.throttle),
    deploymentId: stableId('deployment', state.config.limits.api.id), lastUpdatedDate: at, routeSettings: routes, stageName: name, stageVariables: {}, tags: {},
  };
}

const listed = (items: readonly unknown[], q: URLSearchParams): Record<string, unknown> => {
  const p = page(items, q.get('nextToken'), q.get('maxResults'), 100, 500);
  return { items: p.items, ...(p.next ? { nextToken: p.next } : {}) };
};

export const APIGATEWAYV2_OPERATIONS: readonly (readonly [RegExp, Operation])[] = [
  [/^\/v2\/apis$/, (s, _p, q, origin) => {
    const api = s.config.limits.api;
    const items = flavourOf(api.type).controlPlane !== 'apigatewayv2' ? [] : [{
      apiEndpoint: origin, apiId: api.id, apiKeySelectionExpression: '$request.header.x-api-key', createdDate: iso8601(s.startedWallMs),
      disableExecuteApiEndpoint: false, name: api.name, protocolType: 'HTTP', routeSelectionExpression: '$request.method $request.path', tags: {},
    }];
    return listed(items, q);
  }],
  [/^\/v2\/apis\/([^/]+)\/stages$/, (s, [id], q) => (httpApi(s, id), listed(Object.keys(s.config.limits.stages).map((n) => stage(s, n)), q))],
  [/^\/v2\/apis\/([^/]+)\/stages\/([^/]+)$/, (s, [id, name]) => {
    httpApi(s, id);
    if (!Object.hasOwn(s.config.limits.stages, name)) throw notFound(`Invalid stage identifier specified`);
    return stage(s, name);
  }],
  [/^\/v2\/apis\/([^/]+)\/routes$/, (s, [id], q) => {
    httpApi(s, id);
    const routes = Object.values(s.config.routes).map((r) => ({
      apiGatewayManaged: false, apiKeyRequired: false, authorizationType: 'NONE', routeId: stableId('route', r.key), routeKey: r.key,
      target: `integrations/${stableId('integration', r.key)}`,
    }));
    return listed(routes, q);
  }],
];

