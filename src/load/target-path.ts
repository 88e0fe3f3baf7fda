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
  return requestTargetJoiner(target)(requestPath);
}

/** requestTargetFor with the target's parts worked out once: the sender calls it per request. */
export function requestTargetJoiner(target: URL): (requestPath: string) => string {
  const base = target.pathname;
  const trimmedBase = base.replace(/\/+$/, '');
  const targetQuery = target.search.slice(1);
  return (requestPath) => {
    const [path, query] = splitQuery(requestPath);
    const joined = path === '' || path === '/' ? base : `${trimmedBase}/${path.replace(/^\/+/, '')}`;
    const both = targetQuery === '' ? query : query === '' ? targetQuery : `${targetQuery}&${query}`;
    return `${joined || '/'}${both === '' ? '' : `?${both}`}`;
  };
}

function splitQuery(path: string): [string, string] {
  const i = path.indexOf('?');
  return i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i + 1)];
}
