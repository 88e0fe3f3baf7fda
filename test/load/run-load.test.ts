import { createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadInput } from '../../src/load/run-load.ts';
import { decodeHistogram } from '../../src/record/histograms.ts';
import { constantArrivals, fixedFactory, freePort, startServer, testOptions, type TestServer } from './helpers.ts';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function input(target: string, rateRps: number, durationMs: number, extra: Partial<LoadInput> = {}): LoadInput {
  return {
    target, arrivals: constantArrivals(rateRps, durationMs), plannedDurationMs: durationMs,
    factory: fixedFactory(), requestNames: ['GET /items'], options: testOptions(),
    signal: new AbortController().signal, ...extra,
  };
}

describe('runLoad against node:http on 127.0.0.1', () => {
  it('keeps 1000 rps for 3 s against a 100 ms server, latency from the intended time', async () => {
    const s = await serve((_req, res) => void setTimeout(() => res.end('ok'), 100));
    const out = await runLoad(input(s.url, 1000, 3000));
    const { totals, latencyMs, timeline, routes } = out.measurement;
    expect(totals.scheduled).toBe(3000);
    expect(totals.sent).toBeGreaterThanOrEqual(2970);
    expect(totals.completed).toBe(totals.sent);
    expect(totals.byStatus).toEqual({ '200': totals.sent });
    // Node timers may fire up to 1 ms early; the upper bound leaves room for a busy shared machine.
    expect(latencyMs.p50).toBeGreaterThanOrEqual(95);
    expect(latencyMs.p50).toBeLessThan(250);
    expect(out.scheduledWindowMs).toBe(3000);
    // The last arrival is due at exactly 3000 ms, so second 3 may hold it.
    expect(timeline.length).toBeGreaterThanOrEqual(3);
    expect(timeline.reduce((n, r) => n + r.scheduled, 0)).toBe(3000);
    expect(timeline.reduce((n, r) => n + r.ok, 0)).toBe(totals.completed);
    expect(decodeHistogram(timeline[1].latencyHistogram).totalCount).toBe(timeline[1].ok);
    expect(routes).toEqual([expect.objectContaining({ route: 'GET /items', sent: totals.sent, errors: 0 })]);
    expect(out.sendLog.count).toBe(totals.sent);
    expect(out.endWallMs).toBeGreaterThan(out.startWallMs);
  });

  it('keeps sending through a 1 s stall and reports it in p99 (no coordinated omission)', async () => {
    let firstMs: number | undefined;
    const s = await serve((_req, res) => {
      firstMs ??= performance.now();
      const t = performance.now() - firstMs;
      // Everything received in [500, 1500) ms is held until 1500 ms: a 1 s pause of the server.
      const holdMs = t >= 500 && t < 1500 ? 1500 - t : 0;
      setTimeout(() => res.end('ok'), holdMs);
    });
    const out = await runLoad(input(s.url, 200, 2000));
    const { totals, latencyMs, serviceTimeMs } = out.measurement;
    expect(totals.sent).toBeGreaterThanOrEqual(396);
    expect(latencyMs.p99).toBeGreaterThanOrEqual(900);
    expect(serviceTimeMs.p50).toBeLessThan(latencyMs.p90);
  });

  it('counts refused connections by kind when nothing listens', async () => {
    const port = await freePort();
    const out = await runLoad(input(`http://127.0.0.1:${port}`, 200, 500));
    const { totals } = out.measurement;
    expect(totals.sent).toBe(100);
    expect(totals.completed).toBe(0);
    expect(totals.errors).toBe(100);
    expect(totals.errorsByKind.refused).toBe(100);
    expect(out.measurement.timeline.reduce((n, r) => n + r.errors, 0)).toBe(100);
    expect(Array.from(out.sendLog.status.subarray(0, out.sendLog.count)).every((st) => st === 0)).toBe(true);
  });

  it('counts resets by kind when the server destroys the socket', async () => {
    const s = await serve((req) => req.socket.destroy());
    const out = await runLoad(input(s.url, 200, 500));
    expect(out.measurement.totals.errorsByKind.reset).toBe(100);
    expect(out.measurement.totals.errors).toBe(100);
  });

  it('stops on abort, waits graceMs, and records the rest as unfinished', async () => {
    const s = await serve((_req, res) => void setTimeout(() => res.end('late'), 2500));
    const controller = new AbortController();
    const base = constantArrivals(100, 10_000);
    let n = 0;
    const arrivals = { next: () => (++n === 31 ? (controller.abort(), base.next()) : base.next()) };
    const t0 = performance.now();
    const out = await runLoad({
      ...input(s.url, 100, 10_000), arrivals, signal: controller.signal, options: testOptions({ graceMs: 200, warmUp: false }), // the bound below is on the run, not the warm-up
    });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(out.interrupted).toBe(true);
    expect(out.measurement.totals.sent).toBeGreaterThanOrEqual(29);
    expect(out.measurement.totals.sent).toBeLessThanOrEqual(31);
    expect(out.measurement.totals.unfinished).toBe(out.measurement.totals.sent);
    expect(out.scheduledWindowMs).toBeLessThan(1000);
  });

  it('prefixes the stage path and classifies 429s by header and body', async () => {
    const paths = new Set<string>();
    let i = 0;
    const s = await serve((req, res) => {
      paths.add(req.url ?? '');
      const k = i++ % 4;
      if (k === 0) res.writeHead(429, { 'x-amzn-ErrorType': 'TooManyRequestsException' }).end('{"message":"Too Many Requests"}');
      else if (k === 1) res.writeHead(429, { 'x-amzn-ErrorType': 'LimitExceededException' }).end('{"message":"Limit Exceeded"}');
      else if (k === 2) res.writeHead(429).end('{"message":"Too Many Requests"}');
      else res.writeHead(429).end('slow down');
    });
    const out = await runLoad(input(`${s.url}/prod`, 200, 400));
    expect([...paths]).toEqual(['/prod/items']);
    expect(out.measurement.totals.status429ByOrigin).toEqual({ throttle: 40, quota: 20, other: 20 });
    const row = out.measurement.timeline[0];
    expect(row.throttled + row.status429Other).toBe(row.sent);
  });

  it('sends each arrival its own path, headers, method and body, also when most repeat', async () => {
    const seen: string[] = [];
    const s = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['x-k'] ?? '-'} ${body}`);
        res.end('ok');
      });
    });
    const shared = { 'x-k': 'same' };
    const factory = {
      // One requestIndex throughout: every 5th arrival changes the path (a fresh string), every 7th
      // the header object, every 11th method and body; the rest repeat the previous request's parts.
      prepare: (i: number) => ({
        requestIndex: 0, path: i % 5 === 0 ? `/items/${i}` : '/items', headers: i % 7 === 0 ? { 'x-k': `k${i}` } : shared,
        method: i % 11 === 0 ? 'POST' : 'GET', body: i % 11 === 0 ? `b${i}` : undefined,
      }),
    };
    await runLoad({ ...input(`${s.url}/prod`, 200, 500), factory });
    const expected = Array.from({ length: 100 }, (_, i) => {
      const post = i % 11 === 0;
      return `${post ? 'POST' : 'GET'} /prod/items${i % 5 === 0 ? `/${i}` : ''} ${i % 7 === 0 ? `k${i}` : 'same'} ${post ? `b${i}` : ''}`;
    });
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('reports the set-up time of connections opened during the run apart from send lag', async () => {
    let connections = 0;
    const s = await serve((_req, res) => void setTimeout(() => res.end('ok'), 100));
    s.server.on('connection', () => connections++);
    // 100 rps against 100 ms answers: about 10 in flight, 2 warm connections, so about 8 open during the run.
    const out = await runLoad({ ...input(s.url, 100, 500), warmConnections: 2 });
    expect(out.connectMs.warm.count).toBe(2);
    expect(out.connectMs.duringRun.count).toBe(connections - 2);
    expect(out.connectMs.duringRun.count).toBeGreaterThanOrEqual(5);
    expect(out.connectMs.duringRun.p50).toBeGreaterThan(0);
    expect(out.measurement.totals.completed).toBe(50);
  });

  it('opens `connections` before the first arrival and drops beyond them', async () => {
    let connections = 0;
    const s = await serve((_req, res) => void setTimeout(() => res.end('ok'), 300));
    s.server.on('connection', () => connections++);
    const out = await runLoad({ ...input(s.url, 100, 500), options: testOptions({ connections: 4 }) });
    expect(connections).toBe(4);
    expect(out.connectMs.warm.count).toBe(4);
    expect(out.connectMs.warm.max).toBeGreaterThan(0);
    expect(out.connectMs.duringRun).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
    const { totals } = out.measurement;
    expect(totals.sent).toBeLessThanOrEqual(12);
    expect(totals.dropped).toBe(50 - totals.sent);
    expect(totals.completed).toBe(totals.sent);
  });
});

describe('runLoad against a raw TCP server', () => {
  it('counts a server that accepts and never answers as timeouts after timeoutMs', async () => {
    const sockets: Socket[] = [];
    const server = createNetServer((socket) => void sockets.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const out = await runLoad({ ...input(`http://127.0.0.1:${port}`, 20, 200), options: testOptions({ timeoutMs: 300 }) });
      expect(out.measurement.totals.errorsByKind.timeout).toBe(4);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('runLoad input checks', () => {
  it('rejects a target that is not an http(s) URL with a one-line usage error', async () => {
    await expect(runLoad(input('ftp://example.test/x', 10, 100))).rejects.toThrow(
      'target: "ftp://example.test/x" is invalid (expected an http:// or https:// URL)',
    );
  });
});
