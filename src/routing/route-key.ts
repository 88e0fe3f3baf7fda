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
  const problem = pathProblem(m[2]);
  if (problem !== undefined) throw UsageError.invalid(where?.file, where?.field ?? 'route', text, problem);
  const segments = splitPath(m[2]);
  return { key: `${method} /${segments.join('/')}`, method: method as RouteMethod, segments, isDefault: false };
}

const PARAMETER = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

/**
 * What is wrong with the path of a route key, or undefined. API Gateway's resource paths are
 * segments that are each a literal, a whole `{name}` or a last `{name+}`; parameter names are
 * unique within a path (docs/emulator.md "Route keys").
 */
function pathProblem(path: string): string | undefined {
  if (path === '/') return undefined;
  const segments = path.slice(1).split('/');
  const names = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === '') return 'a path without empty segments (no "//" and no trailing "/")';
    if (/[?#%\s]/.test(seg)) return 'a path without "?", "#", "%" or spaces (the query string is not part of a route)';
    const param = PARAMETER.exec(seg);
    if (param === null) {
      if (/[{}]/.test(seg)) return 'each {parameter} as a whole segment, braces balanced, named with letters, digits, ".", "_" or "-"';
      continue;
    }
    if (param[2] === '+' && i !== segments.length - 1) return 'a greedy {name+} segment only at the end';
    if (names.has(param[1])) return `each path parameter named once ("${param[1]}" appears twice)`;
    names.add(param[1]);
  }
  return undefined;
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
      if (plain && segments[i] !== undefined) params[plain[1]] = decodeSegment(segments[i]) ?? segments[i];
    }
  });
  return params;
}

/**
 * A path segment percent-decoded, or undefined when its percent-encoding is malformed (`%E0%A4%A`,
 * `%zz`): the caller decides what that means (the emulator answers 400, docs/emulator.md), so
 * no request can make this throw.
 */
export function decodeSegment(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** AWS usage-plan method keys look like `/pets/GET`; accept them as well as `GET /pets`. */
export function normaliseMethodKey(text: string, where?: { file?: string; field: string }): string {
  const aws = /^(\/\S*)\/([A-Za-z]+|\*)$/.exec(text.trim());
  if (aws) return parseRouteKey(`${aws[2] === '*' ? 'ANY' : aws[2]} ${aws[1] || '/'}`, where).key;
  return parseRouteKey(text, where).key;
}
