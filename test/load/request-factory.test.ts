import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { createRequestFactory } from '../../src/load/request-factory.ts';
import type { ParamGenerator, RequestSpec } from '../../src/scenario/types.ts';

function request(over: Partial<RequestSpec> = {}): RequestSpec {
  return { name: 'r', method: 'GET', path: '/', headers: {}, body: undefined, weight: 1, params: {}, ...over };
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('weighted choice', () => {
  it('honours weights 1:2:7 (chi-square, 2 degrees of freedom, p = 0.001)', () => {
    const factory = createRequestFactory([request({ weight: 1 }), request({ weight: 2 }), request({ weight: 7 })], 17);
    const counts = [0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[factory.prepare(i).requestIndex]!++;
    const expected = [0.1 * n, 0.2 * n, 0.7 * n];
    const chi2 = counts.reduce((s, c, i) => s + (c - expected[i]!) ** 2 / expected[i]!, 0);
    expect(chi2).toBeLessThan(13.82);
  });

  it('never picks a request of weight 0', () => {
    const factory = createRequestFactory([request({ weight: 0 }), request({ weight: 1 }), request({ weight: 0 })], 3);
    const picked = new Set(Array.from({ length: 10_000 }, (_, i) => factory.prepare(i).requestIndex));
    expect([...picked]).toEqual([1]);
  });

  it('depends on (seed, arrival index) only, not on call order or on other factories', () => {
    const specs = [request({ weight: 1 }), request({ weight: 1 }), request({ weight: 1 })];
    const a = createRequestFactory(specs, 5);
    const forward = Array.from({ length: 500 }, (_, i) => a.prepare(i).requestIndex);
    const b = createRequestFactory(specs, 5);
    const shuffled = Array.from({ length: 500 }, (_, i) => 499 - i).map((i) => [i, b.prepare(i).requestIndex] as const);
    for (const [i, pick] of shuffled) expect(pick).toBe(forward[i]);
    const other = createRequestFactory(specs, 6);
    expect(Array.from({ length: 500 }, (_, i) => other.prepare(i).requestIndex)).not.toEqual(forward);
  });
});

describe('placeholders', () => {
  const gen = (p: ParamGenerator) => ({ p });

  it.each<[string, RequestSpec, (r: ReturnType<ReturnType<typeof createRequestFactory>['prepare']>, i: number) => void]>([
    ['int fills the path, inclusive bounds', request({ path: '/users/{p}', params: gen({ type: 'int', min: 3, max: 5 }) }), (r) => {
      expect(r.path).toMatch(/^\/users\/[345]$/);
    }],
    ['sequence is start + arrival index: unique across the run', request({ path: '/o/{p}', params: gen({ type: 'sequence', start: 100 }) }), (r, i) => {
      expect(r.path).toBe(`/o/${100 + i}`);
    }],
    ['uuid is a version-4 UUID', request({ path: '/x/{p}', params: gen({ type: 'uuid' }) }), (r) => {
      expect(r.path.slice(3)).toMatch(UUID_V4);
    }],
    ['list values are URI-encoded in the path', request({ path: '/s?q={p}', params: gen({ type: 'list', values: ['a b/c'] }) }), (r) => {
      expect(r.path).toBe('/s?q=a%20b%2Fc');
    }],
    ['headers and body get values as is', request({ headers: { 'x-q': 'v={p}', accept: '*/*' }, body: '{"q":"{p}"}', params: gen({ type: 'list', values: ['a b'] }) }), (r) => {
      expect(r.headers).toEqual({ 'x-q': 'v=a b', accept: '*/*' });
      expect(r.body).toBe('{"q":"a b"}');
    }],
    ['a placeholder without a generator stays as written', request({ path: '/a/{other}/{p}', body: '{"n":{missing}}', params: gen({ type: 'sequence', start: 0 }) }), (r, i) => {
      expect(r.path).toBe(`/a/{other}/${i}`);
      expect(r.body).toBe('{"n":{missing}}');
    }],
    ['one parameter has one value per request wherever it appears', request({ path: '/u/{p}', headers: { 'x-id': '{p}' }, body: '{p}', params: gen({ type: 'uuid' }) }), (r) => {
      expect(r.headers['x-id']).toBe(r.path.slice(3));
      expect(r.body).toBe(r.path.slice(3));
    }],
    ['function gets the arrival index and a seeded random', request({ path: '/f/{p}', params: gen({ type: 'function', fn: ({ index, random }) => `${index}:${random() < 1}` }) }), (r, i) => {
      expect(r.path).toBe(`/f/${i}%3Atrue`);
    }],
  ])('%s', (_why, spec, check) => {
    const factory = createRequestFactory([spec], 1);
    for (let i = 0; i < 50; i++) check(factory.prepare(i), i);
  });

  it('int covers its whole range evenly', () => {
    const factory = createRequestFactory([request({ path: '{p}', params: { p: { type: 'int', min: -2, max: 2 } } })], 4);
    const seen = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const v = factory.prepare(i).path;
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['-1', '-2', '0', '1', '2']);
    for (const c of seen.values()) expect(Math.abs(c - 2_000)).toBeLessThan(250);
  });

  it('gives the same values for the same seed and index, different ones for another seed', () => {
    const spec = request({ path: '/{a}/{b}/{c}', params: { a: { type: 'uuid' }, b: { type: 'int', min: 0, max: 1e9 }, c: { type: 'function', fn: ({ random }) => random() } } });
    const one = createRequestFactory([spec], 10);
    const two = createRequestFactory([spec], 10);
    const three = createRequestFactory([spec], 11);
    expect(two.prepare(77)).toEqual(one.prepare(77));
    expect(three.prepare(77).path).not.toBe(one.prepare(77).path);
  });

  it('gives unrelated values to two parameters of the same kind', () => {
    const factory = createRequestFactory([request({ path: '{a} {b}', params: { a: { type: 'uuid' }, b: { type: 'uuid' } } })], 1);
    const [a, b] = factory.prepare(0).path.split(' ');
    expect(a).not.toBe(b);
  });

  it('passes method, name index and a static body through untouched', () => {
    const factory = createRequestFactory([request({ method: 'POST', path: '/items', body: '{"a":1}', headers: { 'content-type': 'application/json' } })], 1);
    expect(factory.prepare(3)).toEqual({ requestIndex: 0, method: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  });
});

describe('refusals', () => {
  it.each<[string, RequestSpec[], RegExp]>([
    ['no requests', [], /^requests: \[\] is invalid/],
    ['every weight 0', [request({ weight: 0 })], /at least one weight > 0/],
    ['a negative weight', [request({ weight: 1 }), request({ weight: -1 })], /^requests\[1\]\.weight: -1 is invalid/],
  ])('%s', (_why, specs, message) => {
    expect(() => createRequestFactory(specs, 1)).toThrow(UsageError);
    expect(() => createRequestFactory(specs, 1)).toThrow(message);
  });

  it('reports a throwing function generator as a one-line error naming the parameter', () => {
    const factory = createRequestFactory([request({ path: '/{id}', params: { id: { type: 'function', fn: () => { throw new Error('boom'); } } } })], 1);
    expect(() => factory.prepare(4)).toThrow(/^requests\[0\]\.params\.id: the function threw for arrival 4: boom$/);
  });
});
