/** Test doubles for the engine: tiny schedules and factories, and node:http servers on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ArrivalCursor, PreparedRequest, RequestFactory } from '../../src/load/inputs.ts';
import type { RunOptions } from '../../src/scenario/types.ts';

/** Evenly spaced arrivals: arrival i at (i + 1) * 1000 / rateRps ms, for durationMs. */
export function constantArrivals(rateRps: number, durationMs: number): ArrivalCursor {
  const count = Math.floor((rateRps * durationMs) / 1000);
  let i = 0;
  return { next: () => (i < count ? ((++i) * 1000) / rateRps : Infinity) };
}

/** A factory sending GET `path` (requestIndex 0), or cycling through several requests. */
export function fixedFactory(...requests: Omit<PreparedRequest, 'requestIndex'>[]): RequestFactory {
  const list = requests.length > 0 ? requests : [{ method: 'GET', path: '/items', headers: {}, body: undefined }];
  return { prepare: (i) => ({ ...list[i % list.length], requestIndex: i % list.length }) };
}

/** RunOptions for tests. */
export function testOptions(overrides: Partial<RunOptions> = {}): RunOptions {
  return { maxInFlight: 2000, connections: undefined, timeoutMs: 5000, graceMs: 3000, ...overrides };
}

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts a node:http server on a free 127.0.0.1 port. */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer({ keepAliveTimeout: 10_000 }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 port with nothing listening (bound once, then released). */
export async function freePort(): Promise<number> {
  const s = await startServer(() => undefined);
  const port = Number(new URL(s.url).port);
  await s.close();
  return port;
}
