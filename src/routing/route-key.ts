/**
 * Route keys as API Gateway writes them: `GET /items`, `ANY /users/{id}`, `ANY /{proxy+}`, and the
 * HTTP API catch-all `$default`. One matcher serves the emulator (routing) and the throttle model
 * (which stage bucket a request falls in), so both always agree.
 *
 * Precedence follows API Gateway: a literal segment beats `{param}`, which beats `{greedy+}`;
 * an exact method beats `ANY`; `$default` matches only when nothing else does.
 */
import { UsageError } from '../errors.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type RouteMethod = (typeof HTTP_METHODS)[number];

export interface RouteKey {
  /** Canonical text: `GET /users/{id}` or `$default`. */
  readonly key: string;
  readonly method: RouteMethod;
  /** Path segments; `{name}` is a parameter, `{name+}` greedy. Empty for `/`. */
  readonly segments: readonly string[];
  readonly isDefault: boolean;
}

export function parseRouteKey(text: string, where?: { file?: string; field: string }): RouteKey {
  const trimmed = text.trim();
  if (trimmed === '$default') return { key: '$default', method: 'ANY', segments: [], isDefault: true };
  const m = /^([A-Za-z]+)\s+(\/\S*)$/.exec(trimmed);
  const method = m?.[1].toUpperCase();
  if (!m || !method || !(HTTP_METHODS as readonly string[]).includes(method)) {
    throw UsageError.invalid(where?.file, where?.field ?? 'route', text, `a route key such as "GET /items", "ANY /{proxy+}" or "$default"`);
  }
  const segments = splitPath(m[2]);
  segments.forEach((seg, i) => {
    if (/^\{[^{}]+\+\}$/.test(seg) && i !== segments.length - 1) {
      throw UsageError.invalid(where?.file, where?.field ?? 'route', text, 'a greedy {name+} segment only at the end');
    }
  });
  return { key: `${method} /${segments.join('/')}`, method: method as RouteMethod, segments, isDefault: false };
}

/** `/a//b/` -> ['a', 'b']; the query string is not part of a path. */
export function splitPath(path: string): string[] {
  const noQuery = path.split('?')[0];
  return noQuery.split('/').filter((s) => s.length > 0);
}

/** Score of a route for a request, or -1 when it does not match. Higher is more specific. */
function score(route: RouteKey, method: string, segments: readonly string[]): number {
  if (route.isDefault) return 0;
  if (route.method !== 'ANY' && route.method !== method.toUpperCase()) return -1;
  let total = 1;
  for (let i = 0; i < route.segments.length; i++) {
    const pattern = route.segments[i];
    if (pattern.startsWith('{') && pattern.endsWith('+}')) {
      if (i >= segments.length) return -1; // a greedy parameter needs at least one segment
      return total + 1 + (route.method === 'ANY' ? 0 : 0.5);
    }
    const seg = segments[i];
    if (seg === undefined) return -1;
    if (pattern.startsWith('{') && pattern.endsWith('}')) total += 2;
    else if (pattern === seg) total += 3;
    else return -1;
  }
  if (segments.length !== route.segments.length) return -1;
  return total + 1000 + (route.method === 'ANY' ? 0 : 0.5);
}

/**
 * The most specific route for `method path` (path relative to the stage, no query), or undefined.
 * Exact-length matches always beat greedy ones.
 */
export function matchRoute<R extends RouteKey>(routes: readonly R[], method: string, path: string): R | undefined {
  const segments = splitPath(path);
  let best: R | undefined;
  let bestScore = -1;
  for (const route of routes) {
    const s = score(route, method, segments);
    if (s > bestScore) {
      best = route;
      bestScore = s;
    }
  }
  return best;
}

/** Path parameters of a matched route: `/users/{id}` on `/users/7` -> { id: '7' }. */
export function pathParameters(route: RouteKey, path: string): Record<string, string> {
  const segments = splitPath(path);
  const params: Record<string, string> = {};
  route.segments.forEach((pattern, i) => {
    const greedy = /^\{(.+)\+\}$/.exec(pattern);
    if (greedy) params[greedy[1]] = segments.slice(i).join('/');
    else {
      const plain = /^\{(.+)\}$/.exec(pattern);
      if (plain && segments[i] !== undefined) params[plain[1]] = decodeURIComponent(segments[i]);
    }
  });
  return params;
}

/** AWS usage-plan method keys look like `/pets/GET`; accept them as well as `GET /pets`. */
export function normaliseMethodKey(text: string, where?: { file?: string; field: string }): string {
  const aws = /^(\/\S*)\/([A-Za-z]+|\*)$/.exec(text.trim());
  if (aws) return parseRouteKey(`${aws[2] === '*' ? 'ANY' : aws[2]} ${aws[1] || '/'}`, where).key;
  return parseRouteKey(text, where).key;
}
