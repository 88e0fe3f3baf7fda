/**
 * `loadgate run SCENARIO.json --segment i/N --start-at T` then `loadgate merge`, as a scheduler
 * other than --workers runs them (docs/scale-out.md): the merge rebuilds the scenario from the
 * file named in part.json, and must not add one-liner flags (method, path) that a scenario file
 * refuses. The merged count is the target's own.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { readResult } from '../../src/result/io.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';

describe('parts of a scenario file, merged', () => {
  let server: CountingServer;
  let dir: string;
  beforeAll(async () => {
    server = await countingServer();
    dir = await mkdtemp(join(tmpdir(), 'loadgate-merge-file-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('merges two parts run from a JSON scenario, and counts what the target counted', async () => {
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify({
      name: 'split from a file', target: server.url,
      requests: [{ method: 'POST', path: '/orders', body: '{}' }, { path: '/items' }],
      phases: [{ shape: 'constant', rateRps: 40, duration: '1s' }],
    }));
    const startAt = String(Date.now() + 4_000);
    const parts = [0, 1].map((i) => join(dir, `part-${i}`));
    const runs = await Promise.all(parts.map((out, i) => runCli(['run', file, '--segment', `${i}/2`, '--start-at', startAt, '--out', out, '-q'], { timeoutMs: 40_000 })));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);

    const merged = join(dir, 'merged');
    const code = await main(['merge', ...parts, '--out', merged, '--quiet', '--no-cloudwatch']);
    const result = await readResult(join(merged, 'result.json'));
    expect(result.totals.sent).toBe(40);
    expect(result.totals.sent).toBe(server.count());
    expect([0, 3]).toContain(code);
    // The requests are the file's, not a one-liner's GET /.
    expect(result.routes.map((r) => r.route).sort()).toEqual(['GET /items', 'POST /orders']);
  }, 60_000);
});
