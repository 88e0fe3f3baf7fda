import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_TYPES, apiDimensionOf, apiTypeFromNaming, flavourOf, isApiType, metricNameOf } from '../../src/api/flavours.ts';
import { parseLimits, effectiveRouteKeys } from '../../src/core/limits.ts';
import { parseLimitsFrom } from '../../src/aws/limits.ts';

const SRC = join(import.meta.dirname, '../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** A comparison, a case label or a ternary arm on a flavour's name: what src/api/ exists to hold. */
const FLAVOUR_BRANCH = /(?:[!=]==\s*['"`](?:rest|http)['"`])|(?:['"`](?:rest|http)['"`]\s*[!=]==)|(?:case\s+['"`](?:rest|http)['"`])|(?:\?\s*['"`](?:rest|http)['"`]\s*:)/;

describe('API flavours', () => {
  it('no branch on a flavour name outside src/api/ (grep of src/)', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(SRC)) {
      const rel = relative(SRC, file);
      if (rel.startsWith('api/')) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (FLAVOUR_BRANCH.test(line)) offenders.push(`src/${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the grep catches the branch shapes it is meant to catch', () => {
    for (const line of ["if (type === 'rest') x();", "t !== \"http\"", "case 'http':", "const n = a ? 'rest' : 'http';", "'rest' === t"]) {
      expect(FLAVOUR_BRANCH.test(line), line).toBe(true);
    }
    expect(FLAVOUR_BRANCH.test("const url = 'http://127.0.0.1';")).toBe(false);
  });

  it('every registered flavour is complete and consistent', () => {
    expect([...API_TYPES]).toEqual(['rest', 'http']);
    for (const type of API_TYPES) {
      const f = flavourOf(type);
      expect(f.type).toBe(type);
      expect(isApiType(type)).toBe(true);
      // Loadgate's CloudWatch pull reads these three by kind: every flavour must publish them.
      for (const kind of ['count', 'error4xx', 'error5xx', 'latency'] as const) expect(metricNameOf(type, kind), `${type} ${kind}`).toBeTypeOf('string');
      expect(f.responses.throttled.status).toBe(429);
      expect(f.integrationTimeoutMs.default).toBeLessThanOrEqual(f.integrationTimeoutMs.max);
      const ids = f.requestIdHeaders();
      expect(ids.length % 2).toBe(0);
      expect(f.requestIdHeaders()[1]).not.toBe(ids[1]);
    }
    expect(isApiType('websocket')).toBe(false);
  });

  it.each([
    { why: 'REST metrics are keyed by ApiName', type: 'rest' as const, naming: { name: 'shop', id: 'a1' }, dim: { Name: 'ApiName', Value: 'shop' } },
    { why: 'HTTP API metrics are keyed by ApiId', type: 'http' as const, naming: { name: 'shop', id: 'a1' }, dim: { Name: 'ApiId', Value: 'a1' } },
    { why: 'no id, no HTTP API dimension', type: 'http' as const, naming: { name: 'shop' }, dim: undefined },
  ])('$why', ({ type, naming, dim }) => {
    expect(apiDimensionOf(type, naming)).toEqual(dim);
  });

  it.each([
    { why: '--api-name means a REST API', naming: { name: 'shop' }, type: 'rest' },
    { why: '--api-id means an HTTP API', naming: { id: 'a1' }, type: 'http' },
    { why: 'neither: the last flavour, as before (HTTP API)', naming: {}, type: 'http' },
  ])('$why', ({ naming, type }) => {
    expect(apiTypeFromNaming(naming)).toBe(type);
  });

  it('metric names, key rules and catch-all routes come from the flavour', () => {
    expect(metricNameOf('rest', 'error4xx')).toBe('4XXError');
    expect(metricNameOf('http', 'error4xx')).toBe('4xx');
    expect(metricNameOf('http', 'cacheHit')).toBeUndefined();
    expect(effectiveRouteKeys(parseLimits({ api: { type: 'http' } }, undefined))).toEqual(['$default']);
    expect(effectiveRouteKeys(parseLimits({}, undefined))).toEqual(['ANY /', 'ANY /{proxy+}']);
    expect(() => parseLimits({ api: { type: 'http' }, usagePlans: { p: {} } }, 'l.json')).toThrow(/no usage plans or API keys on an HTTP API/);
    expect(() => parseLimits({ api: { type: 'alb' } }, 'l.json')).toThrow(/one of rest, http/);
  });

  it('--limits-from accepts only flavours with a control-plane reader, with the usage line as before', () => {
    expect(parseLimitsFrom('aws:http:a1/$default')).toEqual({ type: 'http', apiId: 'a1', stage: '$default' });
    expect(() => parseLimitsFrom('aws:alb:a1/prod')).toThrow('aws:rest:<restApiId>/<stage>, aws:http:<apiId>/<stage>, cfn:<template>');
  });
});
