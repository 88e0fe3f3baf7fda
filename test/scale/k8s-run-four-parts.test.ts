/**
 * `loadgate k8s run` end to end (issue 16, "a 4-part run through the fake API server"): the CLI's
 * main() in this process (a cold coordinator would eat seconds of the lead the 4 cold pods need
 * on a busy 2-core machine), its kubeconfig from KUBECONFIG, the real @kubernetes/client-node against the fake API
 * server (test/helpers/fake-kube-api.ts), whose 4 "pods" are local `loadgate k8s part -- run
 * --segment i/4` processes, each Ready once its readiness probe finds the part warmed up, all
 * sending to one emulator. Every part comes home from its pod log; the merged count equals the
 * emulator's own CloudWatch count, and the merged throttle verdict equals a single-process run's
 * against an emulator of the same limits.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { readResult } from '../../src/result/io.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { startTarget, type StartedTarget } from '../../src/target.ts';
import { cloudWatchTargetFor } from '../../src/cloudwatch-step.ts';
import { pullCloudWatch } from '../../src/aws/cloudwatch.ts';
import type { CloudWatchTarget } from '../../src/aws/cloudwatch.ts';
import { clientMinutes } from '../../src/aws/reconcile.ts';
import { readSendLogFile } from '../../src/record/send-log-file.ts';
import { fakeKubeApi, type FakeKubeApi } from '../helpers/fake-kube-api.ts';

// An instant burst over the bucket, then a rate over the limit: both limits exercised, by a margin
// a busy machine's jitter does not cross. Warm-up on: without it a cold sender's first burst goes
// out tens of ms late and, on a loaded machine, even one process's verdict is fail or inconclusive.
const SCENARIO = {
  name: 'k8s-run-4', seed: 5, requests: [{ method: 'GET', path: '/orders' }],
  phases: [{ shape: 'burst', count: 60, duration: '500ms' }, { shape: 'constant', rateRps: 80, duration: '2s' }],
  limits: { stages: { prod: { throttle: { rateRps: 50, burst: 25 } } } },
  options: { requireSchedule: false },
};

const verdictOf = (r: RunResult) => ({ verdict: r.throttle?.verdict, buckets: r.throttle?.buckets.map((b) => [b.verdict, b.rate.verdict, b.burst.verdict]) });

async function mainCapturingStderr(argv: string[]): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  try {
    return { code: await main(argv), stderr: stderr.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** KUBECONFIG as a user's shell sets it: k8s run finds the cluster the way kubectl does. */
async function withKubeconfig<T>(file: string, work: () => Promise<T>): Promise<T> {
  const before = process.env.KUBECONFIG;
  process.env.KUBECONFIG = file;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = before;
  }
}

describe('loadgate k8s run, 4 parts through the fake API server', () => {
  let dir: string;
  let api: FakeKubeApi;
  let emulator: StartedTarget;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-k8s-run-'));
    api = await fakeKubeApi();
    await writeFile(join(dir, 'scenario.json'), JSON.stringify(SCENARIO));
  });
  afterAll(async () => {
    await api?.close();
    await emulator?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('merges exactly what the emulator counted, and judges the same throttle verdict as one process', async () => {
    const file = join(dir, 'scenario.json');
    // The single-process reference first, on its own emulator (the scenario names no target), in this process.
    expect(await main(['run', file, '--out', join(dir, 'single'), '--quiet'])).toBe(0);
    const single = await readResult(join(dir, 'single', 'result.json'));

    const scenario = validateScenario(SCENARIO, null);
    emulator = await startTarget(scenario);
    const out = join(dir, 'merged');
    // 4 cold pods (loadgate processes, ~2.3 s of CPU each to warm up) on a shared 2-core machine
    // are Ready in ~5 s when it is quiet and ~15 s when other suites run. A run whose pods were not
    // Ready by T - 1 s aborts having sent nothing (k8s-run-failures.test.ts): then again, later.
    let run = { code: -1, stderr: '' };
    for (const leadMs of [10_000, 30_000]) {
      run = await withKubeconfig(api.kubeconfig('load'), () => mainCapturingStderr(['k8s', 'run', file, '--parts', '4', '--image', 'loadgate:test',
        '--target', emulator.url, '--start-at', String(Date.now() + leadMs), '--name', 'split', '--out', out, '--quiet']));
      if (!/not every pod was ready/.test(run.stderr)) break;
      await api.idle();
    }
    expect(run.stderr).toContain('4 pods ready');
    const merged = await readResult(join(out, 'result.json'));
    expect(run.code, `${run.stderr}\n${merged.throttle?.reason}\n${JSON.stringify(merged.gates)}`).toBe(0);
    expect(merged.totals.sent).toBe(single.totals.sent);

    // The emulator's own count for the merged window, from its CloudWatch.
    const { log } = readSendLogFile(join(out, 'send-log.bin'));
    const window = { startWallMs: Date.parse(merged.startedAtIso), endWallMs: Date.parse(merged.endedAtIso) };
    const cw = await pullCloudWatch(cloudWatchTargetFor(scenario, emulator, {}) as CloudWatchTarget, window, clientMinutes(log, window.startWallMs));
    expect(cw.reconciliation!.gatewayCount).toBe(merged.totals.sent);
    expect(merged.totals.status429ByOrigin.throttle).toBeGreaterThan(0);

    expect(verdictOf(merged)).toEqual(verdictOf(single));
    expect(merged.throttle!.verdict).toBe('pass');
    // Each part's start skew and spread are in the merged report.
    expect(merged.notes.some((n) => /^merged from 4 of 4 parts: .*start skew/.test(n))).toBe(true);
    expect(api.calls).toEqual(expect.arrayContaining(['POST /api/v1/namespaces/load/configmaps', 'POST /apis/batch/v1/namespaces/load/jobs',
      'DELETE /apis/batch/v1/namespaces/load/jobs/split', 'DELETE /api/v1/namespaces/load/configmaps/split-scenario']));
    expect(api.calls.filter((c) => c.endsWith('/log'))).toHaveLength(4);
  }, 75_000);
});
