import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { harness, type Harness } from './helpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CONFIG = {
  stages: { prod: {} },
  routes: {
    'GET /items': {},
    'GET /slow': { integration: { type: 'mock', latencyMs: 200 } },
    'GET /fn': { integration: { type: 'lambda', reservedConcurrency: 1, latencyMs: 100 } },
  },
};

const portOf = (x: Harness): number => Number(new URL(x.emulator.stages.prod).port);

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `data` on a new connection; resolves with the status line of the first answer. */
async function statusLine(port: number, data: string | Buffer): Promise<string> {
  const socket = await open(port);
  return new Promise((resolve, reject) => {
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      got += c;
      if (got.includes('\r\n')) {
        socket.destroy();
        resolve(got.split('\r\n')[0]);
      }
    });
    socket.on('close', () => resolve(got.split('\r\n')[0]));
    socket.on('error', reject);
    socket.write(data);
  });
}

describe('the emulator survives hostile and careless clients', () => {
  it.each([
    { why: 'garbage instead of a request line', data: 'HELLO?\r\n\r\n', status: /^HTTP\/1\.1 400/ },
    { why: 'a header line without a colon', data: 'GET /prod/items HTTP/1.1\r\nHost x\r\n\r\n', status: /^HTTP\/1\.1 400/ },
    { why: 'a bad content-length', data: 'POST /prod/items HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', status: /^HTTP\/1\.1 400/ },
    { why: 'headers over 16 KB', data: `GET /prod/items HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, status: /^HTTP\/1\.1 431/ },
    { why: 'binary noise', data: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)), status: /^(HTTP\/1\.1 400 Bad Request)?$/ },
  ])('$why: answered (or dropped), then business as usual', async ({ data, status }) => {
    h = await harness(CONFIG);
    expect(await statusLine(portOf(h), data)).toMatch(status);
    expect((await h.send('GET', '/prod/items')).status).toBe(200);
  });

  it('clients that vanish mid-request, and one that stalls in its headers, hurt no one', async () => {
    h = await harness(CONFIG);
    const port = portOf(h);
    const stalled = await open(port);
    stalled.write('GET /prod/items HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    for (const path of ['/prod/slow', '/prod/fn', '/prod/items']) {
      const s = await open(port);
      s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      s.destroy();
    }
    const s = await open(port);
    s.write('POST /prod/items HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly part of it');
    s.destroy();
    expect((await h.send('GET', '/prod/items')).status).toBe(200);
    // The Lambda slot the vanished client held is released when its invocation ends.
    const slow = await h.send('GET', '/prod/slow');
    expect(slow.status).toBe(200);
    expect((await h.send('GET', '/prod/fn')).status).toBe(200);
    stalled.destroy();
  });

  it('serves 2,000 simultaneous connections', async () => {
    h = await harness(CONFIG);
    const port = portOf(h);
    const sockets = await Promise.all(Array.from({ length: 2_000 }, () => open(port)));
    const lines = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let got = '';
            socket.setEncoding('utf8');
            socket.on('data', (c: string) => {
              got += c;
              if (got.includes('\r\n')) resolve(got.split('\r\n')[0]);
            });
            socket.on('error', () => resolve('error'));
            socket.write('GET /prod/items HTTP/1.1\r\nHost: x\r\n\r\n');
          }),
      ),
    );
    for (const s of sockets) s.destroy();
    expect(lines.filter((l) => l === 'HTTP/1.1 200 OK')).toHaveLength(2_000);
  });
});
