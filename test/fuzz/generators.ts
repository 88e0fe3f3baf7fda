/**
 * fast-check generators of hostile input for loadgate's readers: scenarios, limits files, gate
 * expressions and result files. Each mixes well-formed values with the shapes users get wrong
 * (wrong types, non-finite and huge numbers, CR/LF, empty and odd strings), so most cases reach
 * deep into validation instead of failing on the first field.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

/** Values that break readers: wrong types, extremes, control characters. */
export const nasty = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e400, -1e400, Number.NaN, 2 ** 53 + 1, 1e-320, '', ' ', 'oops', '1e400', '10s', '-5', 'a\r\nb', 'x\u0000', '{id', '%E0%A4%A', [], {}, [1, 'a'], { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.integer(),
);

/** Sometimes a good value, sometimes a nasty one. */
const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: nasty });

/** Durations: valid ones stay under 1 s so a scenario that passes validation runs briefly. */
const duration = maybe(fc.constantFrom('200ms', '500ms', 0.3, '1s', '0s', '25h', '1e400s', '1m30', 'soon'));
const rate = maybe(fc.constantFrom(0, 5, 20, 2e6, -3));

const phase = fc.oneof(
  fc.record({ shape: maybe(fc.constant('constant')), rateRps: rate, duration }, { requiredKeys: ['shape'] }),
  fc.record({ shape: fc.constant('ramp'), fromRps: rate, toRps: rate, duration }),
  fc.record({ shape: fc.constant('burst'), count: maybe(fc.constantFrom(1, 5, 2_000_000, 0)), spread: duration }),
  fc.record({ shape: fc.constant('sine'), meanRps: rate, amplitudeRps: rate, period: duration, duration }),
  fc.record({ shape: maybe(fc.constantFrom('pause', 'banana')), duration }),
);

const headerName = maybe(fc.constantFrom('x-api-key', 'content-type', 'bad name', 'x:y', '', 'x-ok'));
const headerValue = maybe(fc.constantFrom('v', 'a\r\nHost: evil', 'tab\there', 'ünï', '\u2028'));

const request = fc.record({
  name: maybe(fc.constantFrom('list', 'get')),
  method: maybe(fc.constantFrom('GET', 'post', 'G E T', '')),
  path: maybe(fc.constantFrom('/', '/items/{id}', 'items', '/a?b=1')),
  headers: maybe(fc.dictionary(headerName.map(String), headerValue, { maxKeys: 2 })),
  weight: maybe(fc.constantFrom(1, 3, 0)),
  params: maybe(fc.record({ id: maybe(fc.record({ type: maybe(fc.constantFrom('int', 'uuid', 'list', 'sequence')), min: rate, max: rate, values: maybe(fc.constant(['a'])) })) })),
}, { requiredKeys: [] });

/** A scenario object aimed at `target` (valid ones send at most a few dozen requests, briefly). */
export function scenarioArb(target: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    name: maybe(fc.constant('fuzz')),
    target: fc.oneof({ weight: 4, arbitrary: fc.constant(target) }, { weight: 1, arbitrary: fc.constantFrom('http:///path', 'ftp://127.0.0.1', 'http://u:p@127.0.0.1:9', 'not a url') }),
    requests: maybe(fc.array(request, { minLength: 0, maxLength: 2 })),
    phases: maybe(fc.array(phase, { minLength: 0, maxLength: 2 })),
    seed: maybe(fc.constantFrom(1, 7)),
    options: maybe(fc.record({ timeout: duration, grace: maybe(fc.constantFrom('200ms', '11m')), maxInFlight: maybe(fc.constantFrom(10, 0, 1e7)) }, { requiredKeys: [] })),
    gates: maybe(fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constant('errors.rate < 1%')), { maxLength: 2 })),
    aws: fc.constant({ cloudwatch: false }),
  }, { requiredKeys: ['target', 'aws'] });
}

const throttle = maybe(fc.record({ rateRps: rate, burst: maybe(fc.constantFrom(1, 10, -1, 0.5)) }));

/** A limits file's content. */
export const limitsArb = fc.record({
  api: maybe(fc.record({ type: maybe(fc.constantFrom('rest', 'http')), name: maybe(fc.constant('shop')) }, { requiredKeys: [] })),
  account: throttle,
  stages: maybe(fc.dictionary(maybe(fc.constantFrom('prod', '')).map(String), maybe(fc.record({ throttle, routes: maybe(fc.dictionary(fc.constantFrom('GET /items', 'GET /a/{id', 'BAD'), fc.record({ throttle }))) }, { requiredKeys: [] })), { maxKeys: 2 })),
  usagePlans: maybe(fc.dictionary(fc.constant('gold'), fc.record({ throttle, quota: maybe(fc.record({ limit: rate, period: maybe(fc.constantFrom('DAY', 'YEAR')) })) }, { requiredKeys: [] }))),
}, { requiredKeys: [] });

const gateTokens = fc.constantFrom('latency.p99', 'errors.rate', 'throttle.verdict', 'schedule.achieved', 'status429.throttle.rate', 'latency', '<', '<=', '==', '!=', '<>', '250ms', '1%', '0.5', 'pass', '-', '1e400', 'in', 'every', '10s', 'after', '30s', 'µs', '(', '"', '\n');

/** A gate expression: grammar tokens in random order, or any string. */
export const gateArb = fc.oneof(fc.array(gateTokens, { minLength: 0, maxLength: 8 }).map((t) => t.join(' ')), fc.string({ maxLength: 30 }));

type Json = unknown;
const fixtureOf = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/results/${name}.json`, import.meta.url), 'utf8'));

function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.slice(0, 3).forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

const FIXTURES = ['throttled', 'no-limits', 'capacity', 'verify'].map((name) => ({ name, value: fixtureOf(name), paths: pathsOf(fixtureOf(name)) }));

/** A value of the same JSON type as `old`, with extremes: what a well-typed but odd result holds. */
const sameType = fc.record({
  n: fc.oneof(fc.constantFrom(0, -1, 1e308, 0.5, 2 ** 31), fc.double({ noNaN: true, noDefaultInfinity: true })),
  s: fc.oneof(fc.constantFrom('', 'x', '<script>', 'a\nb', 'ünï'), fc.string({ maxLength: 8 })),
  b: fc.boolean(),
});
function retyped(old: unknown, v: { n: number; s: string; b: boolean }): unknown {
  if (typeof old === 'number') return v.n;
  if (typeof old === 'string') return v.s;
  if (typeof old === 'boolean') return v.b;
  if (Array.isArray(old)) return [];
  return old;
}

/** A fixture result.json with one to three fields replaced (same type or not) or deleted. */
export const resultArb = fc.integer({ min: 0, max: FIXTURES.length - 1 }).chain((f) => {
  const fixture = FIXTURES[f]!;
  // Shallow paths as often as deep ones: a whole section replaced is the common corruption.
  const path = fc.oneof(fc.constantFrom(...fixture.paths.filter((p) => p.length <= 2)), fc.constantFrom(...fixture.paths));
  const edit = fc.tuple(path, fc.option(nasty, { nil: undefined, freq: 6 }), sameType, fc.integer({ min: 0, max: 3 }));
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(fixture.value) as Record<string, unknown>;
    for (const [path, value, typed, how] of edits) {
      let node = copy as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) {
        const next = node?.[key];
        if (next === null || typeof next !== 'object') return copy;
        node = next as Record<string | number, unknown>;
      }
      const last = path.at(-1)!;
      if (how >= 2) node[last] = retyped(node[last], typed);
      else if (value === undefined) delete node[last];
      else node[last] = value;
    }
    return copy;
  });
});
