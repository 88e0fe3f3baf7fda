/**
 * Which stage and route a request addresses, by the URL scheme of API Gateway:
 *
 *   REST       /<stage>/<path>                 an unknown stage is an unknown route
 *   HTTP API   /<stage>/<path> for a named stage, else /<path> on the `$default` stage
 *
 * Routes are matched by each stage model's own `routeFor` (routing/route-key.ts), so the route a
 * request is served by is always the route the throttle model buckets it in. Resolutions are
 * cached per (method, raw path); the cache is bounded so a scan of random paths cannot grow it.
 */
import { ApiGatewayModel, type RequestKey, type SharedModelState } from '../throttle/model.ts';
import { flavourOf, type ApiType } from '../api/flavours.ts';
import { decodeSegment, type RouteKey } from '../routing/route-key.ts';
import type { EmulatorConfig, EmulatorRoute } from './config.ts';
import type { Integration } from './integrations/integration.ts';

/** One served stage: its name and its throttle model. */
export interface StageRuntime {
  readonly name: string;
  readonly model: ApiGatewayModel;
}

/** One served route: its config, parsed key, metric resource and integration. */
export interface RouteRuntime {
  readonly config: EmulatorRoute;
  readonly key: RouteKey;
  /** REST: the resource path (`/users/{id}`); HTTP API: the route key (`GET /users/{id}`). */
  readonly resource: string;
  readonly integration: Integration;
}

/** Where a request goes. `route` undefined: no stage or no route (403/404 by API type). */
export interface Resolution {
  readonly stage: StageRuntime | undefined;
  readonly route: RouteRuntime | undefined;
  /** Path below the stage, starting with `/`. */
  readonly path: string;
  /** What metrics call the resource: the route's, or the path below the stage when unmatched. */
  readonly resource: string;
  /** The path has a percent-encoding that does not decode (`%E0%A4%A`): answered 400. */
  readonly malformed: boolean;
  /**
   * The throttle model's key of a request without an API key on this route, frozen so the model
   * caches its buckets by identity instead of building a key string per request. Undefined
   * when no route matched.
   */
  readonly requestKey: RequestKey | undefined;
}

/** Whether some segment of `rawPath` has a malformed percent-encoding. */
function malformedPath(rawPath: string): boolean {
  if (!rawPath.includes('%')) return false;
  return rawPath.split('/').some((segment) => decodeSegment(segment) === undefined);
}

const CACHE_LIMIT = 10_000;

/** Resolves (method, raw path) to stage and route, with a bounded cache. */
export class Router {
  readonly type: ApiType;
  readonly stages: ReadonlyMap<string, StageRuntime>;
  readonly #routes = new Map<string, RouteRuntime>();
  readonly #defaultStage: StageRuntime | undefined;
  /** method -> raw path -> resolution: two lookups, no key string built per request. */
  readonly #cache = new Map<string, Map<string, Resolution>>();
  #cached = 0;

  constructor(config: EmulatorConfig, originWallMs: number, makeIntegration: (route: EmulatorRoute, key: RouteKey) => Integration) {
    this.type = config.limits.api.type;
    const shared: SharedModelState = { buckets: new Map(), quotas: new Map() };
    const stages = new Map<string, StageRuntime>();
    for (const name of Object.keys(config.limits.stages)) {
      stages.set(name, { name, model: new ApiGatewayModel(config.limits, { stage: name, originWallMs, shared }) });
    }
    this.stages = stages;
    const routing = flavourOf(this.type).routing;
    this.#defaultStage = routing.defaultStage ? stages.get('$default') : undefined;
    const anyModel = stages.values().next().value as StageRuntime;
    for (const key of anyModel.model.routes) {
      const route = config.routes[key.key];
      const resource = routing.resourceDimension === 'route-key' || key.isDefault ? key.key : `/${key.segments.join('/')}`;
      this.#routes.set(key.key, { config: route, key, resource, integration: makeIntegration(route, key) });
    }
  }

  /** Every route's integration (to close them). */
  integrations(): Integration[] {
    return [...this.#routes.values()].map((r) => r.integration);
  }

  /** The stage and route of `method rawPath` (rawPath without the query). */
  resolve(method: string, rawPath: string): Resolution {
    let byPath = this.#cache.get(method);
    let resolution = byPath?.get(rawPath);
    if (resolution === undefined) {
      resolution = this.#resolve(method, rawPath);
      if (this.#cached >= CACHE_LIMIT) {
        this.#cache.clear();
        this.#cached = 0;
        byPath = undefined;
      }
      if (byPath === undefined) this.#cache.set(method, (byPath = new Map()));
      byPath.set(rawPath, resolution);
      this.#cached++;
    }
    return resolution;
  }

  #resolve(method: string, rawPath: string): Resolution {
    const end = rawPath.indexOf('/', 1);
    const first = end < 0 ? rawPath.slice(1) : rawPath.slice(1, end);
    let stage = first === '$default' ? undefined : this.stages.get(first);
    let path = end < 0 ? '/' : rawPath.slice(end);
    if (stage === undefined && this.#defaultStage !== undefined) {
      stage = this.#defaultStage;
      path = rawPath.length > 0 ? rawPath : '/';
    }
    const key = stage?.model.routeFor(method, path);
    const route = key === undefined ? undefined : this.#routes.get(key.key);
    const requestKey = route === undefined ? undefined : Object.freeze({ routeKey: route.key.key, method, apiKey: undefined });
    return Object.freeze({ stage, route, path, resource: route?.resource ?? (stage ? path : rawPath), malformed: malformedPath(rawPath), requestKey });
  }
}
