import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/run-load.ts';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WARM_UP_MAX_REQUESTS, WARM_UP_MIN_REQUESTS, warmUpConnectionsFor, warmUpRequestsFor } from '../../src/load/code-warm-up.ts';
import { httpProtocol } from '../../src/load/http-sender.ts';
import { RunClock, performanceClock } from '../../src/load/clock.ts';
import { Recorder } from '../../src/record/recorder.ts';
import { peakRateRps } from '../../src/load/warm-up.ts';
import { constantArrivals, fixedFactory, startServer, testOptions, type TestServer } from './helpers.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the code warm-up before time 0', () => {
  it('sends nothing to the target: the target sees exactly the measured requests', async () => {
    let received = 0;
    server = await startServer((_req, res) => {
      received++;
      res.end('ok');
    });
    const out = await runLoad({
      target: server.url, arrivals: constantArrivals(100, 500), plannedDurationMs: 500, factory: fixedFactory(),
      requestNames: ['GET /items'], options: testOptions(), signal: new AbortController().signal, peakRateRps: 500,
    });
    expect(out.warmUp?.sinkRequests).toBe(warmUpRequestsFor(500));
    expect(out.measurement.totals.sent).toBe(50);
    expect(received).toBe(50);
    // Warm-up requests are not in the record either.
    expect(out.sendLog.count).toBe(50);
    expect(out.measurement.totals.scheduled).toBe(50);
  });

  it('is switched off by options.warmUp: false', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    const out = await runLoad({
      target: server.url, arrivals: constantArrivals(100, 200), plannedDurationMs: 200, factory: fixedFactory(),
      requestNames: ['GET /items'], options: testOptions({ warmUp: false }), signal: new AbortController().signal,
    });
    expect(out.warmUp).toBeNull();
    expect(out.measurement.totals.sent).toBe(20);
  });

  it.each([
    { why: 'a slow schedule still warms the paths', peakRps: 10, expected: WARM_UP_MIN_REQUESTS },
    { why: 'two seconds of the peak in between', peakRps: 2000, expected: 4000 },
    { why: 'never more than the cap, however fast', peakRps: 1e9, expected: WARM_UP_MAX_REQUESTS },
  ])('warmUpRequestsFor: $why', ({ peakRps, expected }) => {
    expect(warmUpRequestsFor(peakRps)).toBe(expected);
  });

  it('keeps its connections open until released, then closes every one', async () => {
    const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const clock = new RunClock(performanceClock);
    clock.start();
    const requests = 1000;
    const warmUp = await httpProtocol.warmUp({ factory: fixedFactory(), clock, signal: new AbortController().signal, requests, recorder: new Recorder() });
    expect(warmUp.report.sinkRequests).toBe(requests);
    // At least the client end of every connection of the sender kept for the run, still there
    // once sockets being closed have had time to go.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets() - before).toBeGreaterThanOrEqual(warmUpConnectionsFor(requests));
    await warmUp.release();
    // A destroyed socket's handle goes at the loop's next close phase.
    for (let turn = 0; turn < 50 && sockets() > before; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sockets()).toBeLessThanOrEqual(before);
  });

  it('spills like the run when the run spills, beside its file, and removes that file after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadgate-test-'));
    const path = join(dir, 'send-log.bin');
    let warmUpFileDuringRun = false;
    server = await startServer((_req, res) => {
      warmUpFileDuringRun ||= existsSync(`${path}.warm-up`);
      res.end('ok');
    });
    const out = await runLoad({
      target: server.url, arrivals: constantArrivals(100, 200), plannedDurationMs: 200, factory: fixedFactory(),
      requestNames: ['GET /items'], options: testOptions(), signal: new AbortController().signal, peakRateRps: 100,
      spill: { path, header: { requests: [{ method: 'GET', path: '/items' }] } },
    });
    expect(out.warmUp?.sinkRequests).toBe(WARM_UP_MIN_REQUESTS);
    expect(out.sendLog.count).toBe(20);
    expect(warmUpFileDuringRun).toBe(true);
    expect(readdirSync(dir)).toEqual(['send-log.bin']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('peakRateRps reads the highest rate of every shape; an instant burst counts its count per second', () => {
    expect(peakRateRps([
      { shape: 'ramp', fromRps: 10, toRps: 700, durationMs: 1000, arrivals: 'uniform' },
      { shape: 'sine', meanRps: 300, amplitudeRps: 200, periodMs: 1000, durationMs: 1000, arrivals: 'uniform' },
    ])).toBe(700);
    expect(peakRateRps([{ shape: 'burst', count: 900, spreadMs: 0, durationMs: 1000 }, { shape: 'pause', durationMs: 1000 }])).toBe(900);
    expect(peakRateRps([{ shape: 'burst', count: 900, spreadMs: 3000, durationMs: 3000 }])).toBe(300);
  });
});
