/**
 * Where a request goes: the target URL exactly as the user gave it, with the request's path
 * joined by exactly one slash (issue 10: `http://host/limited50` must reach `/limited50`, not
 * `/limited50/`, or an nginx `location = /limited50` never sees the probe).
 *
 *   target                     request path     request target sent
 *   http://h/limited50         /                /limited50
 *   http://h/limited50/        /                /limited50/
 *   http://h/prod              /items           /prod/items
 *   http://h/prod/             /items           /prod/items
 *   http://h                   /                /
 *   http://h/p?stage=1         /items?id=2      /p/items?stage=1&id=2
 *
 * The root path `/` means "the target itself"; query strings of both are kept, the target's first.
 */

/** The request target (path and query) to send for `requestPath` against `target`. */
export function requestTargetFor(target: URL, requestPath: string): string {
  const [path, query] = splitQuery(requestPath);
  const base = target.pathname;
  const joined = path === '' || path === '/' ? base : `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  const queries = [target.search.slice(1), query].filter((q) => q !== '');
  return `${joined || '/'}${queries.length > 0 ? `?${queries.join('&')}` : ''}`;
}

function splitQuery(path: string): [string, string] {
  const i = path.indexOf('?');
  return i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i + 1)];
}
