import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { UsageError } from '../../src/errors.ts';
import { emulatorConfigFromLimits, loadEmulatorConfig, parseEmulatorConfig } from '../../src/emulator/config.ts';
import { parseLimits } from '../../src/core/limits.ts';

const SHOP = JSON.parse(readFileSync(new URL('../../scenarios/emulator/shop.json', import.meta.url), 'utf8'));

/** The UsageError message parseEmulatorConfig throws for `raw`. */
function errorOf(raw: unknown, field?: string): string {
  try {
    parseEmulatorConfig(raw, 'emu.json', field);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseEmulatorConfig', () => {
  it('reads the issue example as written, with AWS defaults for what it leaves out', () => {
    const c = parseEmulatorConfig(SHOP, 'shop.json');
    expect(c.limits.api).toEqual({ type: 'rest', name: 'shop', id: 'lgemu00001' });
    expect(Object.keys(c.routes).sort()).toEqual(['GET /items', 'GET /keyed', 'GET /slow']);
    expect(c.routes['GET /items'].integration).toMatchObject({ type: 'mock', status: 200, latencyMs: { kind: 'fixed', ms: 5 } });
    expect(c.routes['GET /keyed'].apiKeyRequired).toBe(true);
    expect(c).toMatchObject({ integrationTimeoutMs: 29_000, payloadLimitBytes: 10 * 1024 * 1024, detailedMetrics: false });
    expect(Object.isFrozen(c) && Object.isFrozen(c.routes)).toBe(true);
  });

  it.each([
    { why: 'HTTP API timeout defaults to 30 s', raw: { api: { type: 'http' } }, expected: { integrationTimeoutMs: 30_000, stages: ['$default'] } },
    { why: 'REST with no stage gets one named prod', raw: {}, expected: { integrationTimeoutMs: 29_000, stages: ['prod'] } },
  ])('$why', ({ raw, expected }) => {
    const c = parseEmulatorConfig(raw);
    expect(c.integrationTimeoutMs).toBe(expected.integrationTimeoutMs);
    expect(Object.keys(c.limits.stages)).toEqual(expected.stages);
  });

  it.each([
    { why: 'latency forms', latencyMs: { normal: { mean: 10, stdDev: 2 } }, kind: 'normal' },
    { why: 'lognormal', latencyMs: { lognormal: { median: 10, sigma: 0.5 } }, kind: 'lognormal' },
    { why: 'bare number is fixed', latencyMs: 7, kind: 'fixed' },
  ])('accepts $why', ({ latencyMs, kind }) => {
    const c = parseEmulatorConfig({ routes: { 'GET /a': { integration: { type: 'mock', latencyMs } } } });
    expect(c.routes['GET /a'].integration).toMatchObject({ latencyMs: { kind } });
  });

  it.each([
    { why: 'unknown top-level field', raw: { stagez: {} }, message: /^emu\.json: stagez: unknown field/ },
    { why: 'bad API type', raw: { api: { type: 'grpc' } }, message: 'emu.json: api.type: "grpc" is invalid (expected one of rest, http)' },
    { why: 'bad rate', raw: { stages: { prod: { throttle: { rateRps: -1, burst: 5 } } } }, message: 'emu.json: stages.prod.throttle.rateRps: -1 is invalid (expected a number >= 0)' },
    { why: 'bad route key', raw: { routes: { 'FETCH /x': {} } }, message: /^emu\.json: routes\.FETCH \/x: "FETCH \/x" is invalid/ },
    { why: 'unknown integration type', raw: { routes: { 'GET /x': { integration: { type: 'grpc' } } } }, message: 'emu.json: routes.GET /x.integration.type: "grpc" is invalid (expected one of mock, http, lambda)' },
    { why: 'unknown latency kind', raw: { routes: { 'GET /x': { integration: { type: 'mock', latencyMs: { gamma: 1 } } } } }, message: /integration\.latencyMs\.gamma: unknown field/ },
    { why: 'uniform max below min', raw: { routes: { 'GET /x': { integration: { type: 'mock', latencyMs: { uniform: { min: 5, max: 1 } } } } } }, message: /latencyMs\.uniform\.max: 1 is invalid \(expected a number >= 5\)/ },
    { why: 'proxy URL not absolute', raw: { routes: { 'GET /x': { integration: { type: 'http', url: '/relative' } } } }, message: /integration\.url: "\/relative" is invalid/ },
    { why: 'lambda without concurrency', raw: { routes: { 'GET /x': { integration: { type: 'lambda' } } } }, message: /reservedConcurrency: undefined is invalid \(expected an integer >= 1\)/ },
    { why: 'HTTP API timeout above 30 s', raw: { api: { type: 'http' }, integrationTimeoutMs: 40_000 }, message: 'emu.json: integrationTimeoutMs: 40000 is invalid (expected a number >= 50 <= 30000)' },
    { why: 'HTTP API with usage plans', raw: { api: { type: 'http' }, usagePlans: { p: {} } }, message: /usagePlans: .* is invalid \(expected no usage plans/ },
    { why: 'bad stage name', raw: { stages: { 'my stage': {} } }, message: /stages\.my stage: "my stage" is invalid/ },
    { why: '$default stage on REST', raw: { stages: { $default: {} } }, message: /stages\.\$default: "\$default" is invalid/ },
    { why: 'unknown usage plan', raw: { apiKeys: { k: { usagePlan: 'nope' } } }, message: /apiKeys\.k\.usagePlan: "nope" is invalid/ },
  ])('one-line error naming file, field and value: $why', ({ raw, message }) => {
    const text = errorOf(raw);
    expect(text).not.toContain('\n');
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
  });

  it.each(readdirSync(new URL('../../scenarios/emulator/', import.meta.url)).filter((f) => f.endsWith('.json')))('the example config %s is valid', async (name) => {
    const c = await loadEmulatorConfig(new URL(`../../scenarios/emulator/${name}`, import.meta.url).pathname);
    expect(Object.keys(c.routes).length).toBeGreaterThan(0);
  });

  it('prefixes fields when the config sits inside a scenario', () => {
    expect(errorOf({ api: { type: 'x' } }, 'emulator')).toBe('emu.json: emulator.api.type: "x" is invalid (expected one of rest, http)');
  });

  it('loadEmulatorConfig names the file on a missing file and on bad JSON', async () => {
    await expect(loadEmulatorConfig('/nonexistent/emu.json')).rejects.toThrow('/nonexistent/emu.json: cannot read the emulator config (ENOENT)');
    await expect(loadEmulatorConfig(new URL('../../package.json', import.meta.url).pathname)).rejects.toThrow(/package\.json: name: unknown field/);
  });
});

describe('emulatorConfigFromLimits', () => {
  it('a REST API with the limits, every named route plus ANY / and ANY /{proxy+}, each a quick 200 mock', () => {
    const limits = parseLimits({ stages: { prod: { throttle: { rateRps: 50, burst: 10 }, routes: { 'GET /slow': { throttle: { rateRps: 1, burst: 1 } } } } }, routes: { 'GET /keyed': { apiKeyRequired: true } } }, undefined);
    const c = emulatorConfigFromLimits(limits);
    expect(Object.keys(c.routes).sort()).toEqual(['ANY /', 'ANY /{proxy+}', 'GET /keyed', 'GET /slow']);
    expect(c.routes['GET /keyed'].apiKeyRequired).toBe(true);
    for (const r of Object.values(c.routes)) expect(r.integration).toMatchObject({ type: 'mock', status: 200, latencyMs: { kind: 'fixed', ms: 0 } });
    expect(c.limits.stages).toEqual(limits.stages);
    expect(c.integrationTimeoutMs).toBe(29_000);
  });

  it('no limits at all: one prod stage, account defaults, a catch-all', () => {
    const c = emulatorConfigFromLimits(parseLimits({}, undefined));
    expect(Object.keys(c.limits.stages)).toEqual(['prod']);
    expect(c.limits.account).toEqual({ rateRps: 10_000, burst: 5_000 });
    expect(Object.keys(c.routes)).toEqual(['ANY /', 'ANY /{proxy+}']);
  });

  it('an HTTP API keeps its type and catches everything with $default', () => {
    const c = emulatorConfigFromLimits(parseLimits({ api: { type: 'http' }, routes: { 'GET /pets': {} } }, undefined));
    expect(Object.keys(c.routes).sort()).toEqual(['$default', 'GET /pets']);
    expect(Object.keys(c.limits.stages)).toEqual(['$default']);
  });
});
