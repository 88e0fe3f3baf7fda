/** Warm connections open at most WARM_CONNECT_CONCURRENCY at a time (src/load/http-sender.ts says why). */
import { createServer, type Server } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSender, openAll, WARM_CONNECT_CONCURRENCY } from '../../src/load/http-sender.ts';

describe('openAll', () => {
  it('never has more than the bound in flight, and keeps every result in order', async () => {
    let inFlight = 0;
    let most = 0;
    let started = 0;
    const results = await openAll(1000, async () => {
      const n = started++;
      most = Math.max(most, ++inFlight);
      await tick();
      await tick();
      inFlight--;
      return n;
    });
    expect(most).toBe(WARM_CONNECT_CONCURRENCY);
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('HttpSender.open with more warm connections than the bound', () => {
  let server: Server;
  let accepted = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      accepted++;
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('opens every one of them', async () => {
    const { port } = server.address() as { port: number };
    let warmConnects = 0;
    // Only what open() reads: the clock that times each connect and the sink that hears of it.
    const clock = { nowMs: () => performance.now() };
    const sink = { connected: (_ms: number, warm: boolean) => void (warm && warmConnects++) };
    const sender = await HttpSender.open({ target: `http://127.0.0.1:${port}`, warmConnections: 300, maxConnections: 300, timeoutMs: 5000, clock, sink } as unknown as Parameters<typeof HttpSender.open>[0]);
    try {
      // The client side is connected; the listener may still be accepting the last few.
      for (let waitedMs = 0; accepted < 300 && waitedMs < 2000; waitedMs += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(accepted).toBe(300);
      expect(warmConnects).toBe(300);
    } finally {
      await sender.close();
    }
  });
});
