/**
 * `loadgate k8s run` when the cluster lets it down, in process (the CLI is not the point here;
 * test/scale/k8s-run-cli.test.ts runs it cold): the real @kubernetes/client-node against the fake
 * API server, whose pods are local `loadgate run --segment` processes. A pod that never becomes
 * ready aborts before T with one line, the Job deleted and nothing sent; a pod that fails fails
 * the run (with --allow-partial: k8s-run-failed-pod.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { k8sRunRig } from './k8s-run-rig.ts';

describe('loadgate k8s run, a pod never ready or failed', () => {
  const rig = k8sRunRig();

  it('aborts before the start time when a pod never becomes ready: one line, the Job deleted, nothing sent', async () => {
    const api = await rig.api({ neverReady: [1] });
    const before = rig.target().count();
    const run = await rig.run(api, 'stuck', 2_500);
    expect(run.code).toBe(1);
    expect(run.endedWallMs).toBeLessThan(run.startAtWallMs);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loadgate: k8s run: not every pod was ready 1000 ms before the start time .*part 1\/2 stuck-1-\w+ Pending \(ImagePullBackOff\).*Job load\/stuck deleted, nothing was sent$/);
    expect(api.calls).toContain('DELETE /apis/batch/v1/namespaces/load/jobs/stuck');
    await api.idle();
    // Past T: the ready pod was stopped before it sent.
    await new Promise((r) => setTimeout(r, Math.max(0, run.startAtWallMs + 300 - Date.now())));
    expect(rig.target().count()).toBe(before);
  }, 15_000);

  it('fails the run when a pod fails', async () => {
    const api = await rig.api({ crash: [1] });
    const strict = await rig.run(api, 'crash', 2_500);
    expect(strict.stderr).toMatch(/k8s run: part 1\/2 failed: pod crash-1-\w+ Failed \(exit 1 Error\)/);
    expect(strict.stderr).toContain('missing part 1/2 of 2');
    expect(strict.code).toBe(2);
  }, 15_000);
});
