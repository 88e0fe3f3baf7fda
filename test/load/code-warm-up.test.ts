import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/run-load.ts';
import { WARM_UP_MAX_REQUESTS, WARM_UP_MIN_REQUESTS, warmUpRequestsFor } from '../../src/load/code-warm-up.ts';
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
      requestNames: ['GET /items'], options: testOptions(), signal: new AbortController().signal, peakRateRps: 4000,
    });
    expect(out.warmUp?.sinkRequests).toBe(2000);
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
    { why: 'half a second of the peak in between', peakRps: 2000, expected: 1000 },
    { why: 'never more than the cap, however fast', peakRps: 1e9, expected: WARM_UP_MAX_REQUESTS },
  ])('warmUpRequestsFor: $why', ({ peakRps, expected }) => {
    expect(warmUpRequestsFor(peakRps)).toBe(expected);
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
