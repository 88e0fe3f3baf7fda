/**
 * A run's throttle verdict against the emulator it starts from the scenario's `emulator` section:
 * the true declaration passes live (exit 0), a doubled one fails (exit 1) through its implicit
 * gate, and a keyed run's record and reports carry only the masked key (judged against the usage
 * plan, so it needs the same quiet). A token bucket decides on receive times, so this file runs
 * alone (vitest.config.ts).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { RunResult } from '../../src/result/schema.ts';

async function readResultJson(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as RunResult;
}

describe('loadgate run with declared limits', () => {
  // The gateway decides on its own receive times: on a machine loaded by other work the emulator
  // can read requests late and agreement dips below the emulator band; one retry absorbs that.
  it('verifies declared limits against the emulator it starts, and fails (exit 1) when they are wrong', { retry: 1 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-e2e-'));
    const scenario = (rateRps: number, burst: number) => ({
      name: `limits ${rateRps}/${burst}`,
      requests: [{ path: '/orders' }],
      phases: [
        { shape: 'burst', count: 60, duration: '500ms' },
        { shape: 'constant', rateRps: 80, duration: '2s' },
        { shape: 'constant', rateRps: 30, duration: '1s' },
      ],
      limits: { stages: { prod: { throttle: { rateRps, burst } } } },
      emulator: { stages: { prod: { throttle: { rateRps: 40, burst: 20 } } } },
    });
    await writeFile(join(dir, 'right.json'), JSON.stringify(scenario(40, 20)));
    await writeFile(join(dir, 'wrong.json'), JSON.stringify(scenario(80, 40)));

    const right = await runCli(['run', join(dir, 'right.json'), '--out', join(dir, 'right'), '-q', '--allow-unkept-schedule']);
    const good = await readResultJson(join(dir, 'right'));
    expect(good.throttle?.verdict, good.throttle?.reason).toBe('pass');
    expect(good.throttle?.agreement).toBeGreaterThanOrEqual(0.99);
    expect(good.totals.status429ByOrigin.throttle).toBeGreaterThan(0);
    expect(right.code).toBe(0);

    const wrong = await runCli(['run', join(dir, 'wrong.json'), '--out', join(dir, 'wrong'), '-q']);
    const bad = await readResultJson(join(dir, 'wrong'));
    expect(bad.throttle?.verdict).toBe('fail');
    expect(bad.gates?.find((g) => g.expr.startsWith('throttle.verdict'))?.passed).toBe(false);
    expect(wrong.code).toBe(1);
  });


  it('never writes an API key or a header value: result.json and the reports carry the masked key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-e2e-'));
    await writeFile(
      join(dir, 'keyed.json'),
      JSON.stringify({
        name: 'keyed',
        requests: [{ path: '/keyed', headers: { 'x-api-key': 'k-gold-0001', authorization: 'Bearer sekret-token-123' } }],
        phases: [{ shape: 'constant', rateRps: 20, duration: '4s' }], // long enough to test the plan's rate: a shorter run is inconclusive (exit 1)
        limits: {
          stages: { prod: { throttle: { rateRps: 100, burst: 50 } } },
          routes: { 'GET /keyed': { apiKeyRequired: true } },
          apiKeys: { 'k-gold-0001': { usagePlan: 'gold' } },
          usagePlans: { gold: { throttle: { rateRps: 10, burst: 5 } } },
        },
      }),
    );
    const run = await runCli(['run', join(dir, 'keyed.json'), '--out', join(dir, 'out'), '--allow-unkept-schedule']);
    expect(run.code).toBe(0);
    const result = await readResultJson(join(dir, 'out'));
    expect(result.totals.status429ByOrigin.throttle).toBeGreaterThan(0); // the plan's 10 rps bucket applied to the key
    for (const name of ['result.json', 'summary.md', 'report.html']) {
      const text = await readFile(join(dir, 'out', name), 'utf8');
      expect(text, name).not.toContain('k-gold-0001');
      expect(text, name).not.toContain('sekret-token-123');
    }
    expect(Object.keys(result.throttle?.limits.apiKeys ?? {})).toEqual(['k-go****']);
    expect(run.stdout + run.stderr).not.toContain('k-gold-0001');
  });
});
