/**
 * The emulator's own HTTP/1.1 server (src/emulator/http1/) against node:http as the oracle: the
 * same hostile traffic (fuzz-arbitraries.ts: junk methods, targets, versions, header lines,
 * every body framing, pipelined, split and truncated) sent to both, each serving one listener
 * that echoes what it was asked. Both must give the same answers in the same order: what a
 * request was framed as (method, target, headers, body) and which requests were refused.
 * Seeded: FUZZ_SEED=<n> replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Http1Server } from '../../src/emulator/http1/server.ts';
import type { ServedRequest, ServedResponse } from '../../src/emulator/http1/served.ts';
import { exchangeRaw, parseResponses } from './raw-http.ts';
import { rawRequest } from './fuzz-arbitraries.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** Answers with what the request was framed as: the listener both servers share. */
function echo(req: ServedRequest, res: ServedResponse): void {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    const { host, 'x-a': xa, cookie, 'user-agent': ua } = req.headers;
    const body = JSON.stringify({ method: req.method, url: req.url, minor: req.httpVersionMinor, bytes, host, xa, cookie, ua });
    res.writeHead(200, ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))]);
    res.end(body);
  });
  req.on('error', () => res.destroy());
}

/** Both servers answer a refused request alike: its status, from the code the parser gave. */
function refuse(err: { readonly code?: string }, socket: Socket | import('node:stream').Duplex): void {
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const s = socket as Socket;
  if (s.writable) s.end(`HTTP/1.1 ${status} Refused\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`, () => s.destroy());
  else s.destroy();
}

let node: Server;
let ours: Http1Server;
const ports = { node: 0, ours: 0 };
const timeouts = { headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 };

beforeAll(async () => {
  node = createServer({ requireHostHeader: false, ...timeouts, keepAliveTimeout: 5_000 }, echo);
  node.on('clientError', refuse);
  await new Promise<void>((done) => node.listen(0, '127.0.0.1', () => done()));
  ports.node = (node.address() as AddressInfo).port;
  ours = new Http1Server(echo, timeouts, refuse);
  await new Promise<void>((done) => ours.tcp.listen(0, '127.0.0.1', () => done()));
  ports.ours = (ours.tcp.address() as AddressInfo).port;
});
afterAll(async () => {
  await ours.close();
  node.closeAllConnections();
  await new Promise<void>((done) => node.close(() => done()));
});

/** What a client can tell of each answer: status, body, and whether it closed (node's Date and Keep-Alive aside). */
function answers(bytes: Buffer, heads: readonly boolean[]): string[] {
  return parseResponses(bytes, (i) => heads[i] === true).map((r) => `${r.status} ${r.headers.connection === 'close' ? 'close ' : ''}${r.body.toString('latin1')}`);
}

/**
 * The one difference, by design (docs/emulator.md "The HTTP/1.1 server"): when a good request and
 * a refused one arrive in one write, node:http refuses before the good one's answer is written,
 * so the good one is never answered; the emulator answers it first. Bytes after a request that
 * asked to close are refused by node:http the same way; the emulator answers that request and
 * closes. So: node's answers but its last (a refusal) are where ours begin, then only answered
 * requests, then the same refusal or an answer that closed the connection.
 */
function answeredBeforeRefusal(got: readonly string[], expected: readonly string[]): boolean {
  if (expected.length === 0 || got.length < expected.length) return false;
  const refusal = expected[expected.length - 1];
  if (refusal.startsWith('200 ')) return false;
  const before = expected.slice(0, -1);
  if (!before.every((a, i) => got[i] === a)) return false;
  const last = got[got.length - 1];
  const extra = last === refusal ? got.slice(before.length, -1) : got.slice(before.length);
  if (extra.length === 0 || !extra.every((a) => a.startsWith('200 '))) return false;
  return last === refusal || last.startsWith('200 close ');
}

/** Well-formed requests in every framing clients use, so most are answered: header repeats and spacing, chunk extensions and trailers, pipelined and split. */
const validHeader = fc.constantFrom('x-a: 1', 'X-A:2', 'x-a:   spaced   ', 'cookie: a=1', 'Cookie: b=2', 'user-agent: one', 'User-Agent: two', 'host: h1', 'Host: h2', 'accept: */*', 'x-tab:\tv\t');
const validBody = fc.uint8Array({ maxLength: 3000 }).chain((body) =>
  fc.constantFrom('none', 'length', 'chunked', 'chunked-parts').map((kind) => {
    const b = Buffer.from(body);
    if (kind === 'none') return { headers: [] as string[], payload: Buffer.alloc(0) };
    if (kind === 'length') return { headers: [`Content-Length: ${b.length}`], payload: b };
    const half = b.subarray(0, b.length >> 1);
    const rest = b.subarray(b.length >> 1);
    const chunk = (part: Buffer, ext: string): Buffer[] => (part.length === 0 ? [] : [Buffer.from(`${part.length.toString(16)}${ext}\r\n`), part, Buffer.from('\r\n')]);
    const parts = kind === 'chunked' ? chunk(b, '') : [...chunk(half, ';x=1'), ...chunk(rest, '')];
    return { headers: ['Transfer-Encoding: chunked'], payload: Buffer.concat([...parts, Buffer.from(kind === 'chunked' ? '0\r\n\r\n' : '0\r\nx-trailer: t\r\n\r\n')]) };
  }),
);
const validRequest = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path: fc.stringMatching(/^\/prod\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]{0,40}(\?[A-Za-z0-9=&]{0,20})?$/),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'),
    headers: fc.array(validHeader, { maxLength: 6 }),
    extra: fc.subarray(['Connection: keep-alive', 'Expect: 100-continue']),
    body: validBody,
    blankBefore: fc.boolean(),
  })
  .map((r) => {
    const bytesWith = (extra: readonly string[]): Buffer =>
      Buffer.concat([Buffer.from(`${r.blankBefore ? '\r\n' : ''}${[`${r.method} ${r.path} ${r.version}`, ...r.headers, ...extra, ...r.body.headers].join('\r\n')}\r\n\r\n`, 'latin1'), r.body.payload]);
    // Bytes after a request that closes the connection are refused by node:http (see answeredBeforeRefusal): only the last may close.
    const closes = r.version === 'HTTP/1.0' && !r.extra.includes('Connection: keep-alive');
    return { bytes: bytesWith(r.extra), notLast: closes ? bytesWith([...r.extra, 'Connection: keep-alive']) : bytesWith(r.extra), head: r.method === 'HEAD' };
  });
const validCase = fc
  .record({ requests: fc.array(validRequest, { minLength: 1, maxLength: 4 }), cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }) })
  .map(({ requests, cuts }) => {
    const bytes = Buffer.concat(requests.map((r, i) => (i === requests.length - 1 ? r.bytes : r.notLast)));
    const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
    const chunks = [0, ...points].map((from, i) => bytes.subarray(from, points[i] ?? bytes.length));
    return { chunks, endAfter: true, heads: requests.map((r) => r.head), complete: true };
  });

describe(`the emulator's HTTP/1.1 server frames requests as node:http does (seed ${SEED})`, () => {
  it('well-formed requests of every framing, pipelined and split: the same answers in the same order', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(validCase, async (c) => {
        const [fromNode, fromOurs] = await Promise.all([
          exchangeRaw(ports.node, c.chunks, { endAfter: c.endAfter, quietMs: 120 }),
          exchangeRaw(ports.ours, c.chunks, { endAfter: c.endAfter, quietMs: 120 }),
        ]);
        const expected = answers(fromNode, c.heads);
        expect(answers(fromOurs, c.heads)).toEqual(expected);
        answered += expected.filter((a) => a.startsWith('200 ')).length;
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(answered).toBeGreaterThan(150);
  }, 60_000);

  it('hostile traffic: the same answers and refusals, in the same order, to the same bytes', async () => {
    let compared = 0;
    let refused = 0;
    let extraAnswers = 0;
    await fc.assert(
      fc.asyncProperty(rawRequest('/prod'), async (c) => {
        const [fromNode, fromOurs] = await Promise.all([
          exchangeRaw(ports.node, c.chunks, { endAfter: c.endAfter, quietMs: 120 }),
          exchangeRaw(ports.ours, c.chunks, { endAfter: c.endAfter, quietMs: 120 }),
        ]);
        const expected = answers(fromNode, c.heads);
        const got = answers(fromOurs, c.heads);
        compared += expected.length;
        refused += expected.filter((a) => !a.startsWith('200 ')).length;
        if (answeredBeforeRefusal(got, expected)) {
          extraAnswers++;
          return;
        }
        expect(got).toEqual(expected);
      }),
      { seed: SEED, numRuns: 150 },
    );
    // Junk is mostly refused (the test above covers what is answered); the refusals must be there to compare.
    expect(refused).toBeGreaterThan(25);
    expect(extraAnswers).toBeLessThan(refused);
  }, 60_000);
});
