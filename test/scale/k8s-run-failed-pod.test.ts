/**
 * `loadgate k8s run --allow-partial` when one pod fails, in process (as k8s-run-failures.test.ts):
 * the part that came home from its pod log is merged and judged as `loadgate merge
 * --allow-partial` would, and the merged count is what the target counted from that part.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { readResult } from '../../src/result/io.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { fakeKubeApi, type FakeKubeApi } from '../helpers/fake-kube-api.ts';

describe('loadgate k8s run --allow-partial', () => {
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

  it('merges the part that came home with --allow-partial', async () => {
    const api = await fakeKubeApi({ crash: [1] });
    apis.push(api);
    const before = target.count();
    const partial = await k8sRun(api, 'crash-partial', 2_500, ['--allow-partial']);
    // As loadgate merge --allow-partial: the missing part's arrivals count as not sent, so the schedule was not kept (exit 3).
    expect(partial.code, partial.stderr).toBe(3);
    const result = await readResult(join(dir, 'crash-partial', 'result.json'));
    expect(result.totals.sent).toBe(25);
    expect(result.totals.sent).toBe(target.count() - before);
    expect(result.notes).toContain('missing part 1/2: the merged record does not hold their requests (--allow-partial)');
  }, 15_000);
});
