/**
 * `loadgate k8s run` as a user runs it: a cold CLI, its kubeconfig from KUBECONFIG, the real
 * @kubernetes/client-node against the fake API server (test/helpers/fake-kube-api.ts), whose
 * "pods" are local `loadgate run --segment i/2` processes sending to a counting server. Every
 * part comes home from its pod log, and the merged count equals the server's own count.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult } from '../../src/result/io.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { fakeKubeApi, type FakeKubeApi } from '../helpers/fake-kube-api.ts';

describe('loadgate k8s run through the fake API server', () => {
  let dir: string;
  let api: FakeKubeApi;
  let target: CountingServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-k8s-run-'));
    api = await fakeKubeApi();
    target = await countingServer();
    await writeFile(join(dir, 'scenario.json'), JSON.stringify({ name: 'k8s-run', requests: [{ method: 'GET', path: '/' }], phases: [{ shape: 'constant', rateRps: 100, duration: '1s' }], options: { warmUp: false, requireSchedule: false } }));
  });
  afterAll(async () => {
    await api?.close();
    await target?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs 2 parts as pods, brings them home from the logs, and merges exactly what the target counted', async () => {
    const out = join(dir, 'merged');
    // Cold CLIs on a shared 2-core machine: the coordinator and both pods start in a few seconds each.
    const startAt = String(Date.now() + 9_000);
    const run = await runCli(['k8s', 'run', join(dir, 'scenario.json'), '--parts', '2', '--image', 'loadgate:test', '--target', target.url,
      '--start-at', startAt, '--name', 'split', '--out', out, '--quiet'], { env: { KUBECONFIG: api.kubeconfig('load') }, timeoutMs: 30_000 });
    expect(run.stderr).toContain('2 pods ready');
    // requireSchedule false: on a busy 2-core machine cold parts start late (start skew), which is not what this test judges.
    expect(run.code, run.stderr).toBe(0);
    const result = await readResult(join(out, 'result.json'));
    expect(result.totals.sent).toBe(100);
    expect(result.totals.sent).toBe(target.count());
    expect(result.totals.byStatus['200']).toBe(target.count());
    // Namespace from the kubeconfig's context; both objects deleted once the logs are home.
    expect(api.calls).toEqual(expect.arrayContaining(['POST /api/v1/namespaces/load/configmaps', 'POST /apis/batch/v1/namespaces/load/jobs',
      'DELETE /apis/batch/v1/namespaces/load/jobs/split', 'DELETE /api/v1/namespaces/load/configmaps/split-scenario']));
    expect(api.calls.filter((c) => c.endsWith('/log'))).toHaveLength(2);
  }, 40_000);
});
