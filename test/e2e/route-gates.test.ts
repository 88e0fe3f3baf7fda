/**
 * Per-route gates as a user runs them: the real bin, the embedded emulator giving one route 400 ms
 * (docs/emulator.md, mock latencyMs), a slow route hiding behind a fast one.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { RunResult } from '../../src/result/schema.ts';

const SCENARIO = {
  name: 'slow-behind-fast',
  requests: [
    { method: 'GET', path: '/fast', weight: 49 },
    { method: 'GET', path: '/slow', weight: 1 },
  ],
  phases: [{ shape: 'constant', rateRps: 100, duration: '2s' }],
  seed: 7,
  emulator: {
    api: { type: 'rest', name: 'two-speeds' },
    stages: { prod: {} },
    routes: {
      'GET /fast': { integration: { type: 'mock', status: 200, latencyMs: { fixed: 2 } } },
      'GET /slow': { integration: { type: 'mock', status: 200, latencyMs: { fixed: 400 } } },
    },
  },
  gates: ['latency.p95 < 300ms', 'latency.p95{route:"GET /slow"} < 300ms', 'requests.failed{route:"GET /fast"} < 1%'],
};

describe('per-route gates (loadgate run)', () => {
  it('fail on the slow route while the aggregate gate passes; an unknown route is exit 2 before any traffic', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-route-'));
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify(SCENARIO));
    const run = await runCli(['run', file, '--out', join(dir, 'out'), '--no-cloudwatch', '--allow-unkept-schedule', '-q', '--gate', "latency.p99{route:'GET /slow'} < 300ms in every 1s"]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(1);
    const result = JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8')) as RunResult;
    const byExpr = new Map(result.gates!.map((g) => [g.expr, g]));
    expect(byExpr.get('latency.p95 < 300ms')?.passed).toBe(true);
    expect(byExpr.get('latency.p95{route:"GET /slow"} < 300ms')).toMatchObject({ passed: false });
    expect(byExpr.get('latency.p95{route:"GET /slow"} < 300ms')!.actual as number).toBeGreaterThanOrEqual(400);
    expect(byExpr.get('requests.failed{route:"GET /fast"} < 1%')?.passed).toBe(true);
    // seed 7: 6 of the 200 requests go to the slow route, 3%, so the whole run's p95 is a fast one.
    expect(result.routes.map((r) => [r.route, r.sent])).toEqual([['GET /fast', 194], ['GET /slow', 6]]);
    expect(byExpr.get("latency.p99{route:'GET /slow'} < 300ms in every 1s")?.reason).toMatch(/windows fail < 300ms; worst: latency\.p99\{route:"GET \/slow"\}/);

    const typo = await runCli(['run', file, '--out', join(dir, 'typo'), '--no-cloudwatch', '-q', '--gate', 'latency.p99{route:"GET /slwo"} < 300ms']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe('loadgate: --gate: gate "latency.p99{route:\\"GET /slwo\\"} < 300ms": route "GET /slwo" is not a request of this scenario (its routes: "GET /fast", "GET /slow")');
    expect(typo.stdout).toBe('');
  }, 60_000);
});
