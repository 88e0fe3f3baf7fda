/** A plain HTTP server on 127.0.0.1 that counts the requests it gets, for "nothing was sent" checks. */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface CountingServer {
  readonly url: string;
  /** Requests received so far. */
  readonly count: () => number;
  /** Resolves when the first request arrives. */
  readonly firstRequest: Promise<IncomingMessage>;
  close(): Promise<void>;
}

/** Answers every request 200 after `delayMs` (0: at once). */
export async function countingServer(delayMs = 0): Promise<CountingServer> {
  let count = 0;
  let onFirst!: (req: IncomingMessage) => void;
  const firstRequest = new Promise<IncomingMessage>((resolve) => (onFirst = resolve));
  const server: Server = createServer((req, res) => {
    count += 1;
    if (count === 1) onFirst(req);
    req.resume();
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (delayMs > 0) setTimeout(answer, delayMs).unref();
    else answer();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    firstRequest,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
