/**
 * What the in-process `loadgate k8s run` tests share: a counting target, a 2-part scenario file,
 * fake API servers (test/helpers/fake-kube-api.ts) closed after the file, and `k8sRun`, which
 * calls the CLI's main() with stderr captured. Call `k8sRunRig()` at the top of a describe block.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { fakeKubeApi, type FakeKubeApi, type FakeKubeOptions } from '../helpers/fake-kube-api.ts';

export interface K8sRun {
  readonly code: number;
  readonly stderr: string;
  readonly startAtWallMs: number;
  readonly endedWallMs: number;
}

export interface K8sRunRig {
  /** The run folders live below it: `${dir}/${name}`. */
  dir(): string;
  target(): CountingServer;
  /** A fake API server, closed after the file. */
  api(options: FakeKubeOptions): Promise<FakeKubeApi>;
  /** `loadgate k8s run` of the scenario in `parts` parts (2) against `api`, starting `startInMs` from now. */
  run(api: FakeKubeApi, name: string, startInMs: number, extra?: string[], parts?: number): Promise<K8sRun>;
}

export function k8sRunRig(): K8sRunRig {
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
  return {
    dir: () => dir,
    target: () => target,
    api: async (options) => {
      const api = await fakeKubeApi(options);
      apis.push(api);
      return api;
    },
    run: async (api, name, startInMs, extra = [], parts = 2) => {
      const stderr: string[] = [];
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
      const startAtWallMs = Date.now() + startInMs;
      try {
        const code = await main(['k8s', 'run', join(dir, 'scenario.json'), '--parts', String(parts), '--image', 'loadgate:test', '--target', target.url,
          '--start-at', String(startAtWallMs), '--name', name, '--kubeconfig', api.kubeconfig('load'), '--out', join(dir, name), '--quiet', ...extra]);
        return { code, stderr: stderr.join(''), startAtWallMs, endedWallMs: Date.now() };
      } finally {
        spy.mockRestore();
      }
    },
  };
}
