/**
 * `loadgate k8s run` when the cluster lets it down, in process (the CLI is not the point here;
 * test/scale/k8s-run-cli.test.ts runs it cold): the real @kubernetes/client-node against the fake
 * API server, whose pods are local `loadgate run --segment` processes. A pod that is not Ready
 * by T - 1 s (Pending, or started but not yet warmed up: its readinessProbe) aborts the run with
 * one line, the Job deleted and nothing sent; so does a pod that fails before T (with
 * --allow-partial the others run: k8s-run-failed-pod.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { k8sRunRig } from './k8s-run-rig.ts';

describe('loadgate k8s run, a pod never ready or failed', () => {
  const rig = k8sRunRig();

  it('aborts before the start time when a pod is not ready, be it Pending or started and still warming up: one line, the Job deleted, nothing sent', async () => {
    // Part 1's image never pulls; part 2's process blocks 6 s at start-up: Running, but its ready
    // file (run --ready-file, the readinessProbe's) is not there by T - 1 s.
    const api = await rig.api({ neverReady: [1], slowStartMs: { 2: 6_000 } });
    const before = rig.target().count();
    const run = await rig.run(api, 'stuck', 2_500, [], 3);
    expect(run.code, run.stderr).toBe(1);
    expect(run.endedWallMs).toBeLessThan(run.startAtWallMs);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loadgate: k8s run: not every pod was ready 1000 ms before the start time .*part 1\/3 stuck-1-\w+ Pending \(ImagePullBackOff\).*Job load\/stuck deleted, nothing was sent$/);
    expect(lines[0]).toMatch(/part 2\/3 stuck-2-\w+ Running \(not ready: still warming up or connecting\)/);
    expect(api.calls).toContain('DELETE /apis/batch/v1/namespaces/load/jobs/stuck');
    await api.idle();
    // Past T: the pods were stopped before they sent.
    await new Promise((r) => setTimeout(r, Math.max(0, run.startAtWallMs + 300 - Date.now())));
    expect(rig.target().count()).toBe(before);
  }, 15_000);

  it('fails the run when a pod fails', async () => {
    const api = await rig.api({ crash: [1] });
    const before = rig.target().count();
    const strict = await rig.run(api, 'crash', 2_500);
    // At once, before T: without --allow-partial the merge would refuse the missing part, so nothing is sent.
    expect(strict.stderr.trim()).toMatch(/^loadgate: k8s run: a pod failed before the start time \(part 1\/2 crash-1-\w+ Failed \(exit 1 Error\)\): Job load\/crash deleted, nothing was sent/);
    expect(strict.code).toBe(2);
    expect(strict.endedWallMs).toBeLessThan(strict.startAtWallMs);
    await api.idle();
    await new Promise((r) => setTimeout(r, Math.max(0, strict.startAtWallMs + 300 - Date.now())));
    expect(rig.target().count()).toBe(before);
  }, 15_000);
});
