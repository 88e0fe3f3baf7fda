import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { APIGW_ID, countByStatus, harness, UUID, type Harness } from './helpers.ts';

let h: Harness | undefined;
let upstream: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (upstream) {
    upstream.closeAllConnections();
    await new Promise((r) => upstream?.close(r));
    upstream = undefined;
  }
});

async function startUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  upstream = createServer(handler);
  await new Promise<void>((r) => upstream?.listen(0, '127.0.0.1', r));
  return (upstream.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Sends raw bytes and resolves with everything the server wrote before closing (or `until` matched). */
function raw(port: number, data: string, until = /\r\n\r\n/): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      got += chunk;
      if (until.test(got)) socket.destroy();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

const portOf = (h: Harness): number => Number(new URL(Object.values(h.emulator.stages)[0]).port);

describe('REST API answers', () => {
  const rest = { api: { type: 'rest', name: 'r' }, stages: { prod: {} }, routes: { 'GET /users/{id}': {}, 'POST /items': {} } };

  it.each([
    { why: 'an unknown path', path: '/prod/nothing', method: 'GET' },
    { why: 'a known path with a method it has no route for', path: '/prod/items', method: 'GET' },
    { why: 'a stage that does not exist', path: '/beta/users/1', method: 'GET' },
    { why: 'the bare origin', path: '/', method: 'GET' },
  ])('403 Missing Authentication Token for $why', async ({ path, method }) => {
    h = await harness(rest);
    const a = await h.send(method, path);
    expect(a.status).toBe(403);
    expect(a.body).toBe('{"message":"Missing Authentication Token"}');
    expect(a.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(a.headers['x-amzn-requestid']).toMatch(UUID);
    expect(a.headers['x-amz-apigw-id']).toMatch(APIGW_ID);
  });

  it('serves a path parameter route and a body that is not valid JSON', async () => {
    h = await harness(rest);
    expect((await h.send('GET', '/prod/users/42?x=1')).status).toBe(200);
    const a = await h.send('POST', '/prod/items', { body: '{"broken": ', headers: { 'content-type': 'application/json' } });
    expect(a.status).toBe(200);
    expect(h.metrics.at(-1)?.bytes).toBe(11 + 2);
  });

  it('413 plain text for a declared body over 10 MB, and the server keeps serving', async () => {
    h = await harness(rest);
    const port = portOf(h);
    const answer = await raw(port, `POST /prod/items HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024 + 1}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/content-type: text\/plain/i);
    expect(answer).toMatch(/x-amzn-RequestId: [0-9a-f-]{36}/i);
    expect((await h.send('GET', '/prod/users/1')).status).toBe(200);
  });

  it('413 reaches a client that really sends 11 MB', async () => {
    h = await harness(rest);
    const a = await h.send('POST', '/prod/items', { body: Buffer.alloc(11 * 1024 * 1024, 97) });
    expect(a).toMatchObject({ status: 413, body: 'HTTP content length exceeded 10485760 bytes.' });
    expect(h.metrics[0]).toMatchObject({ status: 413, integrationLatencyMs: null });
  });

  it('413 when a chunked body grows past the configured limit', async () => {
    h = await harness({ ...rest, payloadLimitBytes: 1000 });
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 4; i++) yield Buffer.alloc(400, 97);
    }
    const r = await h.pool.request({ method: 'POST', path: '/prod/items', body: Readable.from(chunks()) }).catch((err: Error) => err);
    if (r instanceof Error) throw r;
    expect(r.statusCode).toBe(413);
    await r.body.text();
    expect((await h.send('POST', '/prod/items', { body: Buffer.alloc(1000, 97) })).status).toBe(200);
  });

  it('504 "Endpoint request timed out" when the integration outlasts the timeout', async () => {
    h = await harness({ ...rest, integrationTimeoutMs: 100, routes: { 'GET /slow': { integration: { type: 'mock', latencyMs: 5_000 } } } });
    const t0 = performance.now();
    const a = await h.send('GET', '/prod/slow');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
    expect(performance.now() - t0).toBeLessThan(4_000);
    expect(a.status).toBe(504);
    expect(a.body).toBe('{"message":"Endpoint request timed out"}');
    expect(h.metrics[0].integrationLatencyMs).toBeGreaterThanOrEqual(95);
  });

  it('mock status, body, headers and latency as configured', async () => {
    const integration = { type: 'mock', status: 201, body: { id: 7 }, headers: { 'X-Thing': 'yes' }, latencyMs: { uniform: { min: 20, max: 30 } } };
    h = await harness({ ...rest, routes: { 'PUT /things/{id}': { integration } } });
    const t0 = performance.now();
    const a = await h.send('PUT', '/prod/things/1');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    expect(a).toMatchObject({ status: 201, body: '{"id":7}' });
    expect(a.headers['x-thing']).toBe('yes');
  });
});

describe('HTTP proxy integration', () => {
  it('forwards method, path parameters, query, headers and body; returns the target answer', async () => {
    const port = await startUpstream((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(207, { 'x-upstream': 'y', 'content-type': 'text/plain' });
        res.end(`${req.method} ${req.url} ${req.headers['x-custom']} ${body}`);
      });
    });
    h = await harness({ stages: { prod: {} }, routes: { 'ANY /api/{proxy+}': { integration: { type: 'http', url: `http://127.0.0.1:${port}/v2/{proxy}` } } } });
    const a = await h.send('POST', '/prod/api/a/b?q=1', { body: 'hello', headers: { 'x-custom': 'c' } });
    expect(a.status).toBe(207);
    expect(a.body).toBe('POST /v2/a/b?q=1 c hello');
    expect(a.headers['x-upstream']).toBe('y');
    expect(a.headers['x-amzn-requestid']).toMatch(UUID);
  });

  it('502 when the target refuses the connection', async () => {
    const port = await deadPort();
    h = await harness({ stages: { prod: {} }, routes: { 'GET /x': { integration: { type: 'http', url: `http://127.0.0.1:${port}/x` } } } });
    const a = await h.send('GET', '/prod/x');
    expect(a.status).toBe(502);
    expect(a.body).toBe('{"message":"Internal server error"}');
    expect(a.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
  });

  it('504 when the target does not answer within the integration timeout', async () => {
    const port = await startUpstream(() => {});
    h = await harness({ integrationTimeoutMs: 100, stages: { prod: {} }, routes: { 'GET /x': { integration: { type: 'http', url: `http://127.0.0.1:${port}/x` } } } });
    const a = await h.send('GET', '/prod/x');
    expect(a.status).toBe(504);
  });
});

describe('HTTP API flavour', () => {
  const httpApi = {
    api: { type: 'http', name: 'h', id: 'abc123' },
    stages: { $default: { throttle: { rateRps: 10, burst: 3 } }, beta: {} },
    routes: { 'GET /pets': {}, 'GET /slow': { integration: { type: 'mock', latencyMs: 5_000 } } },
    integrationTimeoutMs: 100,
  };

  it('serves $default at the bare origin and named stages under their name', async () => {
    h = await harness(httpApi);
    const origin = new URL(h.emulator.stages.beta).origin;
    expect(h.emulator.stages).toEqual({ $default: origin, beta: `${origin}/beta` });
    const a = await h.send('GET', '/pets');
    expect(a.status).toBe(200);
    expect(a.headers['apigw-requestid']).toMatch(APIGW_ID);
    expect(a.headers['x-amzn-requestid']).toBeUndefined();
    expect((await h.send('GET', '/beta/pets')).status).toBe(200);
    expect(h.metrics.map((m) => [m.stage, m.resource])).toEqual([['$default', 'GET /pets'], ['beta', 'GET /pets']]);
  });

  it('404 Not Found for an unknown route, 429 without x-amzn-ErrorType, 503 on timeout', async () => {
    h = await harness(httpApi);
    const missing = await h.send('GET', '/cats');
    expect(missing).toMatchObject({ status: 404, body: '{"message":"Not Found"}' });
    const burst = await h.burst(5, '/pets');
    expect(countByStatus(burst)).toEqual({ 200: 3, 429: 2 });
    const throttled = burst.find((a) => a.status === 429);
    expect(throttled?.body).toBe('{"message":"Too Many Requests"}');
    expect(throttled?.headers['x-amzn-errortype']).toBeUndefined();
    expect(throttled?.headers['apigw-requestid']).toMatch(APIGW_ID);
    const slow = await h.send('GET', '/beta/slow');
    expect(slow).toMatchObject({ status: 503, body: '{"message":"Service Unavailable"}' });
  });
});

describe('Lambda with reserved concurrency', () => {
  const lambda = (queueLimit: number) => ({
    stages: { prod: {} },
    routes: { 'GET /fn': { integration: { type: 'lambda', reservedConcurrency: 2, queueLimit, latencyMs: 150 } } },
  });

  it('past N in flight, Lambda throttles and the gateway answers 500', async () => {
    h = await harness(lambda(0));
    const answers = await h.burst(5, '/prod/fn');
    expect(countByStatus(answers)).toEqual({ 200: 2, 500: 3 });
    const failed = answers.find((a) => a.status === 500);
    expect(failed?.body).toBe('{"message":"Internal server error"}');
    expect(failed?.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
  });

  it('with a queue, latency grows instead: queued invocations wait for a slot', async () => {
    h = await harness(lambda(2));
    const answers = await h.burst(5, '/prod/fn');
    expect(countByStatus(answers)).toEqual({ 200: 4, 500: 1 });
    const latencies = h.metrics.filter((m) => m.status === 200).map((m) => m.latencyMs).sort((a, b) => a - b);
    expect(latencies[3]).toBeGreaterThanOrEqual(2 * 150 - 5);
  });
});
