/**
 * `loadgate run --workers 2` as a user runs it (a cold CLI coordinator and two worker
 * processes) against Debian's nginx, interrupted by Ctrl-C half-way: every worker stops, writes
 * its part, the coordinator merges what was measured (exit 130), and the merged count equals
 * nginx's own access-log count. `loadgate merge` of the same part folders gives the same totals.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxInstalled, startNginx, type RunningNginx } from '../../bench/servers/nginx.ts';
import { main } from '../../src/cli/program.ts';
import { readResult } from '../../src/result/io.ts';
import { runCli } from '../helpers/cli.ts';

describe.skipIf(!nginxInstalled() && process.env.CI !== 'true')('run --workers 2 against nginx, interrupted', () => {
  let nginx: RunningNginx;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-workers-'));
    nginx = await startNginx({ locations: 'location / { return 200 "ok"; }', arrivalLog: join(dir, 'access.log') });
  });
  afterAll(async () => {
    await nginx?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stops every part, merges what was measured, and counts exactly what nginx logged', async () => {
    const out = join(dir, 'merged');
    let interrupted = false;
    const run = await runCli(['run', '--target', nginx.url, '--rps', '300', '--duration', '6s', '--workers', '2', '--out', out, '--no-warm-up'], {
      timeoutMs: 60_000,
      onStart: (child) => child.stderr!.on('data', (chunk: Buffer) => {
        // The merged progress line (plain, every ~5 s) shows the parts are sending: stop them then.
        if (!interrupted && /sent \d+/.test(chunk.toString())) {
          interrupted = true;
          child.kill('SIGINT');
        }
      }),
    });
    expect(run.stderr).toMatch(/merged from 2 of 2 parts/);
    expect(run.code, run.stderr).toBe(130);
    const merged = await readResult(join(out, 'result.json'));
    expect(merged.interrupted).toBe(true);
    expect(merged.totals.sent).toBeGreaterThan(0);
    expect(merged.totals.sent).toBeLessThan(1800);
    await nginx.stop(); // flushes the access log
    const logged = (await readFile(join(dir, 'access.log'), 'utf8')).split('\n').filter(Boolean).length;
    expect(merged.totals.sent).toBe(logged);
    const parts = [0, 1].map((i) => join(out, 'parts', `part-${i}`));
    for (const p of parts) expect(existsSync(join(p, 'part.json'))).toBe(true);

    const again = join(dir, 'again');
    const code = await main(['merge', ...parts, '--out', again, '--quiet']);
    expect(code).toBe(130);
    const remerged = await readResult(join(again, 'result.json'));
    expect(remerged.totals).toEqual(merged.totals);
    expect(remerged.histograms.latencyUs).toBe(merged.histograms.latencyUs);
  }, 60_000);
});
