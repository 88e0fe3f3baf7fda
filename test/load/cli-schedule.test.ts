/**
 * The engine's honesty as a user meets it, through the real bin: an unkept schedule fails with
 * exit 3 and says why first (naming the cap in force and where it came from), the opt-out
 * works, and SIGINT stops a run at an absurd rate with the result written.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { startServer, type TestServer } from './helpers.ts';
import { warmUpRequestsFor } from '../../src/load/code-warm-up.ts';

let slow: TestServer;
beforeAll(async () => {
  // 50 ms per answer: 4 connections hold 80 rps, far below the 400 asked.
  slow = await startServer((_req, res) => void setTimeout(() => res.end('ok'), 50));
});
afterAll(() => slow.close());

async function out(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lg-sched-'));
}

async function resultIn(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as RunResult;
}

describe('schedule kept, or exit 3', () => {
  it('fails with exit 3 when arrivals are dropped, names the cap in force, and says so first', async () => {
    const dir = await out();
    const run = await runCli(['run', '--target', slow.url, '--rps', '400', '--duration', '1s', '--connections', '4', '--gate', 'latency.p99 < 10s', '--out', dir]);
    expect(run.code).toBe(3);
    const result = await resultIn(dir);
    expect(result.passed).toBe(true);
    expect(result.totals.dropped).toBeGreaterThan(200);
    expect(result.schedule.kept).toBe(false);
    expect(result.schedule.inFlightCap).toEqual({ limit: 4, from: 'connections' });
    expect(result.schedule.warmUp?.sinkRequests).toBe(warmUpRequestsFor(400));
    expect(result.notes[0]).toMatch(/^schedule not kept: \d+ arrivals dropped at the in-flight cap of 4 \(set by --connections/);
    // Every report opens with it: terminal, summary.md, report.html.
    const firstVerdict = run.stdout.split('\n').find((l) => /^(PASS|FAIL|WARN|INFO) /.test(l));
    expect(firstVerdict).toMatch(/^FAIL\s+Schedule\s+NOT KEPT/);
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(md.split('\n').find((l) => l.startsWith('- '))).toMatch(/Schedule\*\*: NOT KEPT/);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html.indexOf('NOT KEPT')).toBeGreaterThan(0);
    expect(html.indexOf('NOT KEPT')).toBeLessThan(html.indexOf('Gates'));
    // The all-requests view does not pass on the answered ones alone.
    expect(result.latencyAllMs?.neverAnswered).toBe(result.totals.dropped + result.totals.unfinished);
    expect(result.latencyAllMs?.p99).toBeNull();
    expect(run.stdout).toMatch(/All arrivals.*not answered/);
  });

  it('exits 0 with --allow-unkept-schedule, still saying the schedule was not kept (and --no-warm-up skips the warm-up)', async () => {
    const dir = await out();
    const run = await runCli(['run', '--target', slow.url, '--rps', '400', '--duration', '1s', '--connections', '4', '--allow-unkept-schedule', '--no-warm-up', '--out', dir]);
    expect(run.code).toBe(0);
    const result = await resultIn(dir);
    expect(result.schedule).toMatchObject({ kept: false, required: false, warmUp: null });
    expect(run.stdout).toMatch(/WARN\s+Schedule\s+NOT KEPT/);
  });

  it('names maxInFlight as the cap when connections is not set', async () => {
    const dir = await out();
    const run = await runCli(['run', '--target', slow.url, '--rps', '400', '--duration', '1s', '--max-in-flight', '3', '--out', dir]);
    expect(run.code).toBe(3);
    expect((await resultIn(dir)).notes[0]).toMatch(/in-flight cap of 3 \(set by --max-in-flight/);
  });
});

describe('SIGINT at an absurd rate', () => {
  it('stops a --rps 1e6 run (the rate cap: absurd for one process) within seconds and writes what was measured (exit 130)', async () => {
    const fast = await startServer((_req, res) => res.end('ok'));
    try {
      const dir = await out();
      let sentSigintAtMs = 0;
      const run = await runCli(['run', '--target', fast.url, '--rps', '1e6', '--duration', '60s', '--out', dir], {
        timeoutMs: 30_000,
        onStart: (child) => {
          // The first progress line means the measured window has begun.
          child.stderr?.on('data', (d: Buffer) => {
            if (sentSigintAtMs === 0 && /sent \d+/.test(d.toString())) {
              sentSigintAtMs = performance.now();
              child.kill('SIGINT');
            }
          });
        },
      });
      const stoppedAfterMs = performance.now() - sentSigintAtMs;
      expect(run.code).toBe(130);
      expect(sentSigintAtMs).toBeGreaterThan(0);
      // Grace for in-flight requests after an interrupt is 2 s; a starved loop would not stop at all.
      expect(stoppedAfterMs).toBeLessThan(15_000);
      const result = await resultIn(dir);
      expect(result.interrupted).toBe(true);
      expect(result.totals.sent).toBeGreaterThan(0);
    } finally {
      await fast.close();
    }
  }, 40_000);
});
