/**
 * What the emulator's HTTP/1.1 server (src/emulator/http1/server.ts) does that a comparison with
 * node:http on one write cannot show (http1-vs-node.test.ts does that): answers written in
 * request order when later ones are ready first, a pipeline that stops being read while its
 * answers are owed, the timeouts, and answers node:http would refuse to write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Http1Server, type Http1Options } from '../../src/emulator/http1/server.ts';
import type { RequestListener } from '../../src/emulator/http1/served.ts';
import { parseResponses } from './raw-http.ts';

let server: Http1Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TIMEOUTS: Http1Options = { headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 };

function refuseWith(status: number): (err: { readonly code?: string }, socket: Socket) => void {
  return (err, socket) => {
    const code = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : status;
    socket.end(`HTTP/1.1 ${code} Refused\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`, () => socket.destroy());
  };
}

async function serve(listener: RequestListener, options: Partial<Http1Options> = {}): Promise<number> {
  server = new Http1Server(listener, { ...TIMEOUTS, ...options }, refuseWith(400));
  const tcp = server.tcp;
  await new Promise<void>((done) => tcp.listen(0, '127.0.0.1', () => done()));
  return (tcp.address() as AddressInfo).port;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects what the socket receives until it closes or `untilBytes` says enough. */
function collect(socket: Socket, enough: (got: Buffer) => boolean = () => false): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const done = (): void => resolve(Buffer.concat(parts));
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      if (enough(Buffer.concat(parts))) done();
    });
    socket.on('close', done);
  });
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const answersIn = (bytes: Buffer): string[] => parseResponses(bytes).map((r) => r.body.toString());
const countAnswers = (bytes: Buffer): number => bytes.toString('latin1').split('HTTP/1.1 200').length - 1;

describe('the emulator HTTP/1.1 server', () => {
  it('answers pipelined requests in request order when a later answer is ready first', async () => {
    const port = await serve((req, res) => {
      const answer = (): void => {
        res.writeHead(200, ['content-length', String(Buffer.byteLength(req.url ?? ''))]);
        res.end(req.url);
      };
      if (req.url === '/slow') setTimeout(answer, 60);
      else answer();
    });
    const socket = await open(port);
    const got = collect(socket, (b) => countAnswers(b) === 4);
    socket.write(get('/slow') + get('/a') + get('/slow') + get('/b'));
    expect(answersIn(await got)).toEqual(['/slow', '/a', '/slow', '/b']);
    socket.destroy();
  });

  it('stops reading a pipeline while 32 answers are owed, then serves the rest in order', async () => {
    const held: Array<() => void> = [];
    let seen = 0;
    const port = await serve((req, res) => {
      seen++;
      held.push(() => {
        res.writeHead(200, ['content-length', String(Buffer.byteLength(req.url ?? ''))]);
        res.end(req.url);
      });
    });
    const socket = await open(port);
    const got = collect(socket, (b) => countAnswers(b) === 500);
    socket.write(Array.from({ length: 500 }, (_, i) => get(`/${i}`)).join(''));
    await new Promise((r) => setTimeout(r, 200));
    // Without the pause every one of the 500 requests would be parsed and held by now.
    expect(seen).toBe(32);
    while (seen < 500 || held.length > 0) {
      for (const answer of held.splice(0)) answer();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(answersIn(await got)).toEqual(Array.from({ length: 500 }, (_, i) => `/${i}`));
    socket.destroy();
  });

  it('answers 408 to headers that stall past the headers timeout, and closes an idle connection after the keep-alive timeout', async () => {
    const port = await serve((_req, res) => res.end('ok'), { headersTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000 });
    const stalled = await open(port);
    const stalledGot = collect(stalled);
    stalled.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const idle = await open(port);
    const idleGot = collect(idle);
    const t0 = performance.now();
    idle.write(get('/'));
    expect(parseResponses(await stalledGot).map((r) => r.status)).toEqual([408]);
    expect(answersIn(await idleGot)).toEqual(['ok']);
    // Closed by the sweep a second later at the earliest (1 s timeout, checked once a second).
    const idleForMs = performance.now() - t0;
    expect(idleForMs).toBeGreaterThan(900);
    expect(idleForMs).toBeLessThan(4_000);
  });

  it('adds Date to an answer, as node:http does, unless the answer carries its own (a proxied target\'s)', async () => {
    const port = await serve((req, res) => {
      res.writeHead(200, req.url === '/own' ? ['date', 'Mon, 01 Jan 2024 00:00:00 GMT', 'content-length', '2'] : ['content-length', '2']);
      res.end('ok');
    });
    for (const [path, expected] of [['/own', /^Mon, 01 Jan 2024 00:00:00 GMT$/], ['/', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/]] as const) {
      const socket = await open(port);
      const got = collect(socket, (b) => countAnswers(b) === 1);
      socket.write(get(path));
      const bytes = await got;
      const dates = bytes.toString('latin1').match(/\r\ndate: ([^\r]*)/gi) ?? [];
      expect(dates).toHaveLength(1);
      expect(parseResponses(bytes)[0]!.headers.date).toMatch(expected);
      socket.destroy();
    }
  });

  it('refuses, as node:http does, to write a status outside 100-999 or a header with a control character', async () => {
    const port = await serve((req, res) => {
      try {
        if (req.url === '/status') res.writeHead(1000, []);
        else res.writeHead(200, ['x-bad', 'a\nb']);
      } catch (err) {
        res.writeHead(500, ['x-refused', (err as { code?: string }).code ?? 'none']);
        res.end();
      }
    });
    for (const [path, code] of [['/status', 'ERR_HTTP_INVALID_STATUS_CODE'], ['/header', 'ERR_INVALID_CHAR']] as const) {
      const socket = await open(port);
      const got = collect(socket, (b) => countAnswers(b) + (b.includes('500') ? 1 : 0) > 0);
      socket.write(get(path));
      const [r] = parseResponses(await got);
      expect(r).toMatchObject({ status: 500, headers: { 'x-refused': code } });
      socket.destroy();
    }
  });
});
