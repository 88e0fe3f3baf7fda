import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pullCloudWatch, type CloudWatchTarget } from '../../src/aws/cloudwatch.ts';
import { clientMinutes, type ClientSideMinutes } from '../../src/aws/reconcile.ts';
import { MetricStore, type MetricStoreOptions } from '../../src/emulator/metrics/store.ts';
import { createCloudWatchHandler } from '../../src/emulator/metrics/handler.ts';
import type { SendLog } from '../../src/record/send-log.ts';
import { sendLogOf } from '../helpers/send-log.ts';

/** A run that started 50 s into a minute, so it spans a minute boundary. */
const START = Date.UTC(2025, 0, 15, 12, 0, 50);
const REST_API = { type: 'rest', name: 'orders-api', id: 'a1b2c3' } as const;
const HTTP_API = { type: 'http', name: 'orders-http', id: 'h9x8y7' } as const;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Serves a handler on 127.0.0.1 and returns its endpoint; closed after the test. */
async function serveHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  const endpoint = await listen(server);
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return endpoint;
}

interface Row { sentMs: number; endMs: number; status: number; stage?: string }

/** The client's send log of `rows`, and the same requests as the gateway recorded them. */
function run(rows: readonly Row[]): { log: SendLog; client: ClientSideMinutes } {
  const log = sendLogOf(rows);
  return { log, client: clientMinutes(log, START) };
}

function recordAll(store: MetricStore, rows: readonly Row[], resource = '/items'): void {
  for (const r of rows) {
    store.record({
      atWallMs: START + r.sentMs + 1, stage: r.stage ?? 'prod', method: 'GET', resource, status: r.status,
      latencyMs: r.endMs - r.sentMs - 1, integrationLatencyMs: r.status === 429 ? null : r.endMs - r.sentMs - 3, bytes: 64,
    });
  }
}

/** 20 requests over 20 s from START (so 10 before 12:01, 10 after), some throttled, one 500. */
function rows(): Row[] {
  return Array.from({ length: 20 }, (_, i) => ({ sentMs: i * 1000, endMs: i * 1000 + 12, status: i % 5 === 4 ? 429 : i === 7 ? 500 : 200 }));
}

const window = { startWallMs: START, endWallMs: START + 21_000 };

describe('pullCloudWatch against the emulator metric store', () => {
  it.each([
    { api: REST_API, target: { apiName: 'orders-api' }, own: 'ApiName', e4: '4XXError' },
    { api: HTTP_API, target: { apiId: 'h9x8y7' }, own: 'ApiId', e4: '4xx' },
  ])('$api.type API: discovers $own+Stage, pulls each minute and reconciles exactly', async ({ api, target, own }) => {
    const store = new MetricStore(api);
    const all = rows();
    recordAll(store, all);
    recordAll(store, [{ sentMs: 0, endMs: 5, status: 200, stage: 'dev' }]); // another stage: not ours
    const endpoint = await serveHttp(createCloudWatchHandler(store));
    const { client } = run(all);
    const cw = await pullCloudWatch({ source: 'emulator', apiType: api.type, stage: 'prod', endpoint, ...target }, window, client);
    expect(cw.status, cw.reason).toBe('ok');
    expect(cw.dimensions).toEqual([{ Name: own, Value: api.type === 'rest' ? 'orders-api' : 'h9x8y7' }, { Name: 'Stage', Value: 'prod' }]);
    expect(cw.minutes.map((m) => [m.minuteIso, m.client.requests, m.gateway.count, m.gateway.error4xx, m.gateway.error5xx, m.countDiff])).toEqual([
      ['2025-01-15T12:00:00.000Z', 10, 10, 2, 1, 0],
      ['2025-01-15T12:01:00.000Z', 10, 10, 2, 0, 0],
    ]);
    expect(cw.minutes[0].gateway.latencyAvgMs).toBe(11);
    expect(cw.minutes[0].gateway.latencyP99Ms).toBe(11);
    expect(cw.minutes[0].gateway.integrationLatencyAvgMs).toBe(9);
    expect(cw.reconciliation).toEqual({ clientRequests: 20, gatewayCount: 20, difference: 0, explainedByInFlight: 0, matched: true, gatewayOverheadMs: 2 });
    expect(cw.reason).toMatch(/matches the client's 20 requests/);
  });

  it('keeps polling until late datapoints arrive', async () => {
    const store = new MetricStore(REST_API);
    const all = rows();
    recordAll(store, all.slice(0, 12));
    const handler = createCloudWatchHandler(store);
    let dataCalls = 0;
    const endpoint = await serveHttp((req, res) => {
      // The rest of the run is "delivered" once the first GetMetricData has been answered.
      if (req.headers['x-amz-target']?.toString().endsWith('GetMetricData') && ++dataCalls === 2) recordAll(store, all.slice(12));
      handler(req, res);
    });
    const cw = await pullCloudWatch({ source: 'emulator', apiType: 'rest', apiName: 'orders-api', stage: 'prod', endpoint }, window, run(all).client,
      { pollIntervalMs: 10, maxWaitMs: 5_000 });
    expect(cw.status, cw.reason).toBe('ok');
    expect(dataCalls).toBe(2);
    expect(cw.reconciliation).toMatchObject({ gatewayCount: 20, matched: true });
  });

  it('pages through ListMetrics to find the stage dimension', async () => {
    const store = new MetricStore(REST_API, { detailedMetrics: true, listMetricsPageSize: 2 } satisfies MetricStoreOptions);
    for (let i = 0; i < 6; i++) recordAll(store, [{ sentMs: 0, endMs: 5, status: 200 }], `/r${i}`);
    let listCalls = 0;
    const handler = createCloudWatchHandler(store);
    const endpoint = await serveHttp((req, res) => {
      if (req.headers['x-amz-target']?.toString().endsWith('ListMetrics')) listCalls += 1;
      handler(req, res);
    });
    const cw = await pullCloudWatch({ source: 'emulator', apiType: 'rest', apiName: 'orders-api', stage: 'prod', endpoint }, window,
      run(Array.from({ length: 6 }, () => ({ sentMs: 0, endMs: 5, status: 200 }))).client);
    expect(cw.status, cw.reason).toBe('ok');
    expect(listCalls).toBeGreaterThan(1);
    expect(cw.dimensions.map((d) => d.Name)).toEqual(['ApiName', 'Stage']);
    expect(cw.reconciliation?.gatewayCount).toBe(6);
  });

  it('reports a count mismatch without waiting for ever', async () => {
    const store = new MetricStore(REST_API);
    const all = rows();
    recordAll(store, all.slice(0, 15));
    const endpoint = await serveHttp(createCloudWatchHandler(store));
    const cw = await pullCloudWatch({ source: 'emulator', apiType: 'rest', apiName: 'orders-api', stage: 'prod', endpoint }, window, run(all).client,
      { pollIntervalMs: 10, maxWaitMs: 10_000 });
    expect(cw.status).toBe('ok');
    expect(cw.reconciliation).toMatchObject({ clientRequests: 20, gatewayCount: 15, difference: -5, matched: false });
    expect(cw.reason).toMatch(/counted 15 requests, the client 20/);
  });
});

function cloudWatchError(status: number, type: string, queryError: string, message: string) {
  let calls = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    calls += 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'f00d', 'x-amzn-query-error': queryError });
      res.end(JSON.stringify({ __type: type, message }));
    });
  };
  return { handler, calls: () => calls };
}

const target = (endpoint: string, over: Partial<CloudWatchTarget> = {}): CloudWatchTarget => ({
  source: 'emulator', apiType: 'rest', apiName: 'orders-api', stage: 'prod', endpoint, ...over,
});

describe('pullCloudWatch when CloudWatch cannot be read', () => {
  it('AccessDenied -> unavailable, naming the permissions needed', async () => {
    const denied = cloudWatchError(403, 'com.amazon.coral.service#AccessDeniedException', 'AccessDenied;Sender',
      'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudwatch:ListMetrics');
    const endpoint = await serveHttp(denied.handler);
    const cw = await pullCloudWatch(target(endpoint), window, run(rows()).client);
    expect(cw).toMatchObject({ status: 'unavailable', reconciliation: null, minutes: [] });
    expect(cw.reason).toMatch(/access denied .*cloudwatch:ListMetrics and cloudwatch:GetMetricData/);
    expect(cw.reason).not.toMatch(/\n/);
  });

  it('ThrottlingException -> unavailable, saying it was throttled', async () => {
    const throttled = cloudWatchError(400, 'com.amazon.coral.availability#ThrottlingException', 'Throttling;Sender', 'Rate exceeded');
    const endpoint = await serveHttp(throttled.handler);
    const cw = await pullCloudWatch(target(endpoint), window, run(rows()).client);
    expect(cw.status).toBe('unavailable');
    expect(cw.reason).toMatch(/throttled the requests .*Rate exceeded/);
  });

  it('keeps access key ids and session tokens out of the reason', async () => {
    const bad = cloudWatchError(403, 'com.amazon.coral.service#SignatureDoesNotMatch', 'SignatureDoesNotMatch;Sender',
      'The request signature we calculated does not match. Credential=AKIAIOSFODNN7EXAMPLE/20250115/us-east-1/monitoring x-amz-security-token:IQoJb3JpZ2luX2VjEFAKE Signature=0123abcd');
    const endpoint = await serveHttp(bad.handler);
    const cw = await pullCloudWatch(target(endpoint), window, run(rows()).client);
    expect(cw.status).toBe('unavailable');
    expect(cw.reason).not.toMatch(/AKIAIOSFODNN7EXAMPLE|IQoJb3JpZ2luX2VjEFAKE|0123abcd/);
    expect(cw.reason).toMatch(/AKIA\*\*\*\*/);
  });

  it('an endpoint that accepts connections and never answers -> unavailable within the timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => sockets.push(s)); // holds every connection, never writes
    const endpoint = await listen(silent);
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const startedMs = performance.now();
    const cw = await pullCloudWatch(target(endpoint), window, run(rows()).client, { requestTimeoutMs: 300, maxWaitMs: 1_000 });
    expect(cw.status).toBe('unavailable');
    expect(cw.reason).toMatch(/did not answer in time \(request timeout 300 ms\)/);
    // the request timeout ended it, not the overall deadline (maxWaitMs + timeout + 1 s = 2.3 s)
    expect(performance.now() - startedMs).toBeLessThan(2_000);
    expect(sockets.length).toBeGreaterThan(0);
  });

  it('connection refused -> unavailable', async () => {
    const server = createTcpServer();
    const endpoint = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const cw = await pullCloudWatch(target(endpoint), window, run(rows()).client, { requestTimeoutMs: 1_000 });
    expect(cw.status).toBe('unavailable');
    expect(cw.reason).toMatch(/cannot reach|did not answer/);
  });

  it('no ApiName for a REST API -> unavailable without any request', async () => {
    const cw = await pullCloudWatch({ source: 'aws', apiType: 'rest', region: 'us-east-1' }, window, run(rows()).client);
    expect(cw).toMatchObject({ status: 'unavailable', source: 'aws' });
    expect(cw.reason).toMatch(/no ApiName/);
  });

  it('AWS source with no credentials anywhere -> unavailable, before any request is sent', async () => {
    const denied = cloudWatchError(403, 'com.amazon.coral.service#AccessDeniedException', 'AccessDenied;Sender', 'never reached');
    const endpoint = await serveHttp(denied.handler);
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_EC2_METADATA_DISABLED'];
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    for (const k of keys) delete process.env[k];
    Object.assign(process.env, { AWS_CONFIG_FILE: '/nonexistent/loadgate/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/loadgate/credentials', AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      const cw = await pullCloudWatch(target(endpoint, { source: 'aws', region: 'us-east-1' }), window, run(rows()).client);
      expect(cw.status).toBe('unavailable');
      expect(cw.reason).toMatch(/no AWS credentials found/);
      expect(denied.calls()).toBe(0);
    } finally {
      for (const k of keys) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
  });
});
