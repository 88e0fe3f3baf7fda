/**
 * `loadgate k8s run --allow-partial` when one pod fails, in process (as k8s-run-failures.test.ts):
 * the part that came home from its pod log is merged and judged as `loadgate merge
 * --allow-partial` would, and the merged count is what the target counted from that part.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult } from '../../src/result/io.ts';
import { k8sRunRig } from './k8s-run-rig.ts';

describe('loadgate k8s run --allow-partial', () => {
  const rig = k8sRunRig();

  it('merges the part that came home with --allow-partial', async () => {
    const api = await rig.api({ crash: [1] });
    const before = rig.target().count();
    // Part 0 is a cold loadgate process: on a busy 2-core machine it takes 2-15 s to warm up and
    // turn Ready; a run it was not Ready for aborts having sent nothing, and runs again later.
    let partial = await rig.run(api, 'crash-partial', 8_000, ['--allow-partial']);
    if (/not every pod was ready/.test(partial.stderr)) {
      await api.idle();
      partial = await rig.run(api, 'crash-partial', 25_000, ['--allow-partial']);
    }
    // As loadgate merge --allow-partial: the missing part's arrivals count as not sent, so the schedule was not kept (exit 3).
    expect(partial.code, partial.stderr).toBe(3);
    const result = await readResult(join(rig.dir(), 'crash-partial', 'result.json'));
    expect(result.totals.sent).toBe(25);
    expect(result.totals.sent).toBe(rig.target().count() - before);
    expect(result.notes).toContain('missing part 1/2: the merged record does not hold their requests (--allow-partial)');
  }, 45_000);
});
