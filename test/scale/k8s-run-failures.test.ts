/**
 * `loadgate k8s run` when the cluster lets it down, in process (the CLI is not the point here;
 * test/scale/k8s-run-cli.test.ts runs it cold): the real @kubernetes/client-node against the fake
 * API server, whose pods are local `loadgate run --segment` processes. A pod that never becomes
 * ready aborts before T with one line, the Job deleted and nothing sent; a pod that fails fails
 * the run (with --allow-partial: k8s-run-failed-pod.test.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { fakeKubeApi, type FakeKubeApi } from '../helpers/fake-kube-api.ts';

describe('loadgate k8s run, a pod never ready or failed', () => {
  let dir: string;
  let target: CountingServer;
  const apis: FakeKubeApi[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-k8s-fail-'));
    target = await countingServer();
    await writeFile(join(dir, 'scenario.json'), JSON.stringify({ name: 'k8s-fail', requests: [{ method: 'GET', path: '/' }], phases: [{ shape: 'constant', rateRps: 100, duration: '500ms' }], options: { warmUp: false } }));
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    await target?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function k8sRun(api: FakeKubeApi, name: string, startInMs: number, extra: string[] = []) {
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    const startAtWallMs = Date.now() + startInMs;
    try {
      const code = await main(['k8s', 'run', join(dir, 'scenario.json'), '--parts', '2', '--image', 'loadgate:test', '--target', target.url,
        '--start-at', String(startAtWallMs), '--name', name, '--kubeconfig', api.kubeconfig('load'), '--out', join(dir, name), '--quiet', ...extra]);
      return { code, stderr: stderr.join(''), startAtWallMs, endedWallMs: Date.now() };
    } finally {
      spy.mockRestore();
    }
  }

  it('aborts before the start time when a pod never becomes ready: one line, the Job deleted, nothing sent', async () => {
    const api = await fakeKubeApi({ neverReady: [1] });
    apis.push(api);
    const before = target.count();
    const run = await k8sRun(api, 'stuck', 2_500);
    expect(run.code).toBe(1);
    expect(run.endedWallMs).toBeLessThan(run.startAtWallMs);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loadgate: k8s run: not every pod was ready 1000 ms before the start time .*part 1\/2 stuck-1-\w+ Pending \(ImagePullBackOff\).*Job load\/stuck deleted, nothing was sent$/);
    expect(api.calls).toContain('DELETE /apis/batch/v1/namespaces/load/jobs/stuck');
    await api.idle();
    // Past T: the ready pod was stopped before it sent.
    await new Promise((r) => setTimeout(r, Math.max(0, run.startAtWallMs + 300 - Date.now())));
    expect(target.count()).toBe(before);
  }, 15_000);

  it('fails the run when a pod fails', async () => {
    const api = await fakeKubeApi({ crash: [1] });
    apis.push(api);
    const strict = await k8sRun(api, 'crash', 2_500);
    expect(strict.stderr).toMatch(/k8s run: part 1\/2 failed: pod crash-1-\w+ Failed \(exit 1 Error\)/);
    expect(strict.stderr).toContain('missing part 1/2 of 2');
    expect(strict.code).toBe(2);
  }, 15_000);
});
