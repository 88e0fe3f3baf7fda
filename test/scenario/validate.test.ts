import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const minimal = { name: 'x', phases: [{ shape: 'constant', rateRps: 10, duration: '1s' }] };

function errorOf(raw: unknown): UsageError {
  try {
    validateScenario(raw, 'scenarios/x.json');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('validateScenario', () => {
  it('applies defaults once: GET /, seed 1, in-flight cap 2000, timeout 35 s', () => {
    const s = validateScenario(minimal, null);
    expect(s.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/', weight: 1, name: 'GET /' })]);
    expect(s.seed).toBe(1);
    expect(s.options).toEqual({ maxInFlight: 2000, connections: undefined, timeoutMs: 35_000, graceMs: 5_000 });
    expect(s.phases).toEqual([{ shape: 'constant', rateRps: 10, durationMs: 1000, arrivals: 'uniform' }]);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it.each([
    { why: 'unknown top-level field', raw: { ...minimal, rps: 5 }, message: /scenarios\/x\.json: rps: unknown field/ },
    { why: 'negative rate', raw: { ...minimal, phases: [{ shape: 'constant', rateRps: -5, duration: '1s' }] }, message: /scenarios\/x\.json: phases\[0\]\.rateRps: -5 is invalid \(expected a number >= 0 <= 1000000\)/ },
    { why: 'unparsable duration', raw: { ...minimal, phases: [{ shape: 'ramp', fromRps: 1, toRps: 5, duration: '10 parsecs' }] }, message: /phases\[0\]\.duration: "10 parsecs" is invalid \(expected a duration/ },
    { why: 'unknown shape', raw: { ...minimal, phases: [{ shape: 'zigzag' }] }, message: /phases\[0\]\.shape: "zigzag" is invalid \(expected one of constant/ },
    { why: 'unknown field inside a phase', raw: { ...minimal, phases: [{ shape: 'pause', duration: '1s', rate: 3 }] }, message: /phases\[0\]\.rate: unknown field/ },
    { why: 'target not a URL', raw: { ...minimal, target: 'localhost:80' }, message: /target: "localhost:80" is invalid/ },
    { why: 'limits use the emulator schema', raw: { ...minimal, limits: { stages: { prod: { throttle: { rateRps: 10, burst: 1.5 } } } } }, message: /limits\.stages\.prod\.throttle\.burst: 1\.5 is invalid \(expected an integer/ },
    { why: 'sine amplitude above the mean would need negative rates', raw: { ...minimal, phases: [{ shape: 'sine', meanRps: 10, amplitudeRps: 20, period: '5s', duration: '10s' }] }, message: /amplitudeRps: 20 is invalid/ },
    { why: 'api key bound to an unknown plan', raw: { ...minimal, limits: { apiKeys: { k1: { usagePlan: 'gold' } } } }, message: /limits\.apiKeys\.k1\.usagePlan: "gold" is invalid/ },
  ])('one line naming file, field and value: $why', ({ raw, message }) => {
    const err = errorOf(raw);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
    expect(err.exitCode).toBe(2);
  });

  it('turns a spike into base, peak, base phases and a JSON body into a JSON request', () => {
    const s = validateScenario(
      {
        name: 'x',
        requests: [{ method: 'post', path: '/items', body: { a: 1 } }],
        phases: [{ shape: 'spike', baseRps: 10, peakRps: 100, duration: '10s', spikeAt: '4s', spikeDuration: '2s' }],
      },
      null,
    );
    expect(s.phases.map((p) => [p.shape, 'rateRps' in p ? p.rateRps : 0, p.durationMs])).toEqual([
      ['constant', 10, 4000],
      ['constant', 100, 2000],
      ['constant', 10, 4000],
    ]);
    expect(s.requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  });
});

describe('loadScenarioFile', () => {
  it('loads a TypeScript scenario with no build step and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-scn-'));
    const good = join(dir, 'good.ts');
    await writeFile(good, `const rate: number = 7;\nexport default { name: 'ts', phases: [{ shape: 'constant', rateRps: rate, duration: '2s' }] };\n`);
    const s = await loadScenarioFile(good);
    expect(s.phases[0]).toMatchObject({ rateRps: 7, durationMs: 2000 });

    const bad = join(dir, 'bad.ts');
    await writeFile(bad, `export default { name: 'ts', phases: [{ shape: 'constant', rateRps: 1, duration: 'soon' }] };\n`);
    await expect(loadScenarioFile(bad)).rejects.toThrow(/bad\.ts: phases\[0\]\.duration: "soon" is invalid/);
    await expect(loadScenarioFile(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read scenario \(no such file\)/);
  });
});
