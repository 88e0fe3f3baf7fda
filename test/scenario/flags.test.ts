import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioFromFlags, withOverrides, type RunFlags } from '../../src/cli/scenario-flags.ts';

const base: RunFlags = { method: 'GET', path: '/', header: [], gate: [], maxRegression: [], rps: '10', duration: '2s' };

describe('run flags', () => {
  it('build a one-liner with headers, body and the target', () => {
    const s = scenarioFromFlags({ ...base, target: 'http://127.0.0.1:9/prod/', method: 'post', path: '/orders', header: ['x-api-key: k-1', 'content-type: application/json'], body: '{"a":1}' });
    expect(s.target).toBe('http://127.0.0.1:9/prod/'); // as given: load/target-path.ts joins paths
    expect(s.requests[0]).toMatchObject({ method: 'POST', path: '/orders', body: '{"a":1}', headers: { 'x-api-key': 'k-1', 'content-type': 'application/json' } });
    expect(s.phases).toEqual([{ shape: 'constant', rateRps: 10, durationMs: 2000, arrivals: 'uniform' }]);
  });

  it.each([
    { why: "a header without a colon (not echoed: it may be a secret)", flags: { ...base, header: ["nocolon"] }, message: /^--header: expected "name: value" \(no name before a colon\)$/ },
    { why: 'a rate that is not a number', flags: { ...base, rps: 'fast' }, message: /--rps: "fast" is invalid/ },
    { why: 'a duration without a unit that parses', flags: { ...base, duration: 'soon' }, message: /--duration: "soon" is invalid/ },
  ])('reject $why in one line', ({ flags, message }) => {
    expect(() => scenarioFromFlags(flags)).toThrow(message);
  });

  it('override a scenario: limits from a file, connections within the in-flight cap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-flags-'));
    const file = join(dir, 'limits.json');
    await writeFile(file, JSON.stringify({ stages: { prod: { throttle: { rateRps: 7, burst: 3 } } } }));
    const s = await withOverrides(scenarioFromFlags(base), { ...base, limits: file, connections: '20', seed: '9' });
    expect(s.limits?.stages.prod.throttle).toEqual({ rateRps: 7, burst: 3 });
    expect(s.options.connections).toBe(20);
    expect(s.seed).toBe(9);
    await expect(withOverrides(scenarioFromFlags(base), { ...base, connections: '50', maxInFlight: '10' })).rejects.toThrow(/--connections: 50 is invalid \(expected at most --max-in-flight \(10\)\)/);
  });

  it('take limits from one source only, and a malformed AWS source is a usage error', async () => {
    await expect(withOverrides(scenarioFromFlags(base), { ...base, limits: 'a.json', limitsFrom: 'aws:rest:abc/prod' })).rejects.toThrow(/one of --limits and --limits-from/);
    await expect(withOverrides(scenarioFromFlags(base), { ...base, limitsFrom: 'rest:abc' })).rejects.toThrow(/--limits-from: "rest:abc" is invalid \(expected aws:rest:<restApiId>\/<stage>/);
  });
});
