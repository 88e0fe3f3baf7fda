/**
 * The open-loop promises of `loadgate run`, through the real bin, against a node:http server on
 * 127.0.0.1 that answers in 100 ms: the planned count is sent, the rate is kept, latency is
 * honest, and a server stall shows in latency measured from the intended send time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { RunResult } from '../../src/result/schema.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Answers every request after `delayMs(ms since the first request)`; returns the base URL. */
async function slowServer(delayMs: (nowMs: number) => number): Promise<string> {
  // From the first request, not from start-up: a cold CLI's start-up and warm-up take a varying second or two.
  let t0: number | undefined;
  server = createServer((req, res) => {
    t0 ??= performance.now();
    req.resume();
    setTimeout(() => res.end('ok'), delayMs(performance.now() - t0));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function run(target: string, rps: number, duration: string): Promise<RunResult> {
  const out = await mkdtemp(join(tmpdir(), 'lg-open-'));
  // The assertions below judge the schedule themselves; a shared machine's 5 ms lag p99 miss (exit 3) is not the point here.
  const cli = await runCli(['run', '--target', target, '--rps', String(rps), '--duration', duration, '--out', out, '-q', '--allow-unkept-schedule']);
  expect(cli.code, cli.stderr).toBe(0);
  return JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
}

describe('open loop against a server that answers in 100 ms', () => {
  it('1000 rps for 5 s sends 5000 requests at >= 990 rps with p50 about 100 ms', async () => {
    const result = await run(await slowServer(() => 100), 1000, '5s');
    expect(result.totals.sent).toBeGreaterThanOrEqual(4950);
    expect(result.totals.sent).toBeLessThanOrEqual(5000);
    expect(result.totals.byStatus['200']).toBe(result.totals.sent);
    expect(result.schedule.achievedRps).toBeGreaterThanOrEqual(990);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(99);
    expect(result.latencyMs.p50).toBeLessThan(130);
  }, 60_000);

  it('a one-second stall of every response mid-run shows in p99 (>= 900 ms), though service time hides most of it', async () => {
    // From 1.5 s to 2.5 s after the first request every answer waits until 2.6 s.
    const result = await run(await slowServer((t) => (t >= 1500 && t < 2500 ? 2600 - t : 100)), 500, '4s');
    expect(result.totals.dropped).toBe(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(900);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(900);
  }, 60_000);
});
