/**
 * Requests a hostile or careless client sends, answered as API Gateway would, with the emulator
 * still serving afterwards: malformed percent-encodings on every kind of route, a fault inside
 * the emulator itself (the last-resort 500), a proxied answer over the 10 MB cap, huge paths.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockRunner } from '../../src/emulator/integrations/mock.ts';
import { APIGW_ID, harness, UUID, type Harness } from './helpers.ts';
import { exchangeRaw, parseResponses } from './raw-http.ts';

let h: Harness | undefined;
let target: Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
  await new Promise<void>((done) => (target ? target.close(() => done()) : done()));
  target = undefined;
});

/** A plain HTTP target on 127.0.0.1 that echoes the path it was asked for. */
async function echoTarget(answer?: (path: string) => { status: number; body: Buffer | string }): Promise<string> {
  target = createServer((req, res) => {
    const a = answer?.(req.url ?? '') ?? { status: 200, body: `path=${req.url}` };
    res.writeHead(a.status, { 'content-type': 'text/plain' });
    res.end(a.body);
  });
  await new Promise<void>((done) => target?.listen(0, '127.0.0.1', () => done()));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
}

async function configWithProxy(type: 'rest' | 'http'): Promise<unknown> {
  const origin = await echoTarget();
  return {
    api: { type },
    routes: {
      'GET /users/{id}': { integration: { type: 'http', url: `${origin}/{id}` } },
      'GET /files/{proxy+}': { integration: { type: 'http', url: `${origin}/{proxy}` } },
      'GET /mock/{id}': {},
      'GET /fn/{id}': { integration: { type: 'lambda', reservedConcurrency: 2 } },
    },
  };
}

const MALFORMED = ['%E0%A4%A', '%', '%zz', '%C0%AF', 'ok%ED%A0%80', '%E0%A4%A/x'];

describe('a malformed percent-encoding in the path', () => {
  it.each(['rest', 'http'] as const)('%s: every route answers 400 in the gateway shape and the emulator serves on', async (type) => {
    h = await harness(await configWithProxy(type));
    const base = type === 'rest' ? '/prod' : '';
    for (const bad of MALFORMED) {
      for (const route of ['users', 'files', 'mock', 'fn']) {
        const r = await h.send('GET', `${base}/${route}/${bad}`);
        expect(r.status, `${route}/${bad}`).toBe(400);
        expect(JSON.parse(r.body)).toEqual({ message: 'Bad Request' });
        if (type === 'rest') {
          expect(r.headers['x-amzn-requestid']).toMatch(UUID);
          expect(r.headers['x-amzn-errortype']).toBe('BadRequestException');
        } else expect(r.headers['apigw-requestid']).toMatch(APIGW_ID);
      }
    }
    // Well-formed encodings still reach the target decoded once and re-encoded as one segment.
    const good = await h.send('GET', `${base}/users/a%20b%2Fc`);
    expect(good).toMatchObject({ status: 200, body: 'path=/a%20b%2Fc' });
    expect((await h.send('GET', `${base}/mock/7`)).status).toBe(200);
    // Counted as the 4xx they are, under the stage they addressed.
    expect(h.metrics.filter((m) => m.status === 400)).toHaveLength(MALFORMED.length * 4);
    expect(h.emulator.health().internalErrors).toBe(0);
  });
});

describe('found by fuzzing', () => {
  it('an HTTP/1.1 request without Host gets the gateway 400 with its request id, not node bare one', async () => {
    h = await harness({ routes: { 'GET /items': {} } });
    const port = Number(new URL(h.emulator.stages.prod).port);
    const bytes = await exchangeRaw(port, [Buffer.from('GET /prod/items HTTP/1.1\r\n\r\n')], { endAfter: true });
    const [r] = parseResponses(bytes);
    expect(r.status).toBe(400);
    expect(r.headers['x-amzn-requestid']).toMatch(UUID);
    expect(JSON.parse(r.body.toString())).toEqual({ message: 'Bad Request' });
    expect((await h.send('GET', '/prod/items')).status).toBe(200);
  });

  it('a request node cannot parse gets a body in the gateway shape too', async () => {
    h = await harness({ api: { type: 'http' }, routes: { 'GET /items': {} } });
    const port = Number(new URL(h.emulator.stages.$default).port);
    const [r] = parseResponses(await exchangeRaw(port, [Buffer.from('GET /items HTTP/1.1\r\nHost x\r\n\r\n')], { endAfter: true }));
    expect(r.status).toBe(400);
    expect(r.headers['apigw-requestid']).toMatch(APIGW_ID);
    expect(JSON.parse(r.body.toString())).toEqual({ message: 'Bad Request' });
  });
});

describe('the last-resort handler', () => {
  it('answers a fault of the emulator itself with the gateway 500, counts it as a 5XXError, and serves on', async () => {
    h = await harness({ routes: { 'GET /items': {} } });
    // Fault injection: one integration call throws, as a bug in the emulator would.
    vi.spyOn(MockRunner.prototype, 'invoke').mockImplementationOnce(() => {
      throw new TypeError('injected fault');
    });
    const failed = await h.send('GET', '/prod/items');
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ message: 'Internal server error' });
    expect(failed.headers['x-amzn-requestid']).toMatch(UUID);
    expect(failed.headers['x-amz-apigw-id']).toMatch(APIGW_ID);
    expect(failed.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(h.emulator.health()).toMatchObject({ internalErrors: 1, firstError: 'TypeError: injected fault' });
    expect(h.metrics.map((m) => m.status)).toEqual([500]);
    expect((await h.send('GET', '/prod/items')).status).toBe(200);
  });

  it('HTTP API: the 500 carries its own body and request id', async () => {
    h = await harness({ api: { type: 'http' }, routes: { 'GET /items': {} } });
    vi.spyOn(MockRunner.prototype, 'invoke').mockImplementationOnce(() => {
      throw new Error('injected');
    });
    const failed = await h.send('GET', '/items');
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ message: 'Internal Server Error' });
    expect(failed.headers['apigw-requestid']).toMatch(APIGW_ID);
    expect(failed.headers['x-amzn-errortype']).toBeUndefined();
    expect((await h.send('GET', '/items')).status).toBe(200);
  });
});

describe('caps and sizes', () => {
  it('a proxied answer over the 10 MB payload cap is a 502, read no further than the cap', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 97);
    const origin = await echoTarget((path) => ({ status: 200, body: path === '/big' ? big : 'small' }));
    h = await harness({ routes: { 'GET /{name}': { integration: { type: 'http', url: `${origin}/{name}` } } } });
    const r = await h.send('GET', '/prod/big');
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body)).toEqual({ message: 'Internal server error' });
    expect(await h.send('GET', '/prod/small')).toMatchObject({ status: 200, body: 'small' });
  });

  it('7,000 path segments are routed; 10,000 (20 KB of path) get 431 from the header cap; then business as usual', async () => {
    h = await harness({ routes: { 'ANY /{proxy+}': {}, 'GET /a/{id}': {} } });
    const deep = `/prod/${Array.from({ length: 7_000 }, () => 'a').join('/')}`;
    expect((await h.send('GET', deep)).status).toBe(200);
    expect((await h.send('GET', `/prod/${Array.from({ length: 10_000 }, () => 'a').join('/')}`)).status).toBe(431);
    expect((await h.send('GET', `/prod/a/${'%41'.repeat(2_000)}`)).status).toBe(200);
    expect((await h.send('GET', '/prod/a/1')).status).toBe(200);
  });
});
