/**
 * CloudWatch in its three wire protocols, in process: the real JS SDK client forced to each
 * protocol (AWS JSON 1.0, Query, Smithy RPC v2 CBOR) against createCloudWatchHandler, the same
 * queries, the same numbers, each error in its protocol's shape. The handler is wrapped only to
 * record which protocol each request was routed to (proof the client spoke what it was told).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode } from 'cbor2';
import {
  CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import { AwsJson1_0Protocol, AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { MetricStore } from '../../src/emulator/metrics/store.ts';
import { createCloudWatchHandler } from '../../src/emulator/metrics/handler.ts';
import { isCloudWatchRequest, protocolOf } from '../../src/emulator/metrics/protocols/registry.ts';
import { MIN, req, T0 } from './metrics-helpers.ts';

const API = { type: 'rest', name: 'orders-api', id: 'a1b2c3' } as const;
const DIMS = [{ Name: 'ApiName', Value: 'orders-api' }];
const PROTOCOLS = [
  { name: 'json', ctor: AwsJson1_0Protocol },
  { name: 'query', ctor: AwsQueryProtocol },
  { name: 'cbor', ctor: AwsSmithyRpcV2CborProtocol },
] as const;

let server: Server;
let endpoint: string;
const seen: string[] = [];
const routedHere: boolean[] = [];
// Minute 0: 7 requests, 2 of them 429; minute 1: 5, 1 a 500; latencies 10..; integration latency only when served.
const RECORDED = [
  ...Array.from({ length: 7 }, (_, i) => req({ atWallMs: T0 + i * 1000, status: i < 2 ? 429 : 200, latencyMs: 10 + i, integrationLatencyMs: i < 2 ? null : 8 })),
  ...Array.from({ length: 5 }, (_, i) => req({ atWallMs: T0 + MIN + i * 1000, status: i === 0 ? 500 : 200, latencyMs: 20 + i })),
];

beforeAll(async () => {
  const store = new MetricStore(API);
  for (const r of RECORDED) store.record(r);
  const handler = createCloudWatchHandler(store);
  server = createServer((rq, rs) => {
    seen.push(protocolOf(rq).name);
    routedHere.push(isCloudWatchRequest(rq));
    handler(rq, rs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function clientFor(ctor: (typeof PROTOCOLS)[number]['ctor']): CloudWatchClient {
  return new CloudWatchClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, protocol: ctor } as never);
}

async function readAll(cw: CloudWatchClient) {
  const window = { StartTime: new Date(T0), EndTime: new Date(T0 + 2 * MIN) };
  const q = (Id: string, MetricName: string, Stat: string) => ({ Id, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName, Dimensions: DIMS }, Period: 60, Stat } });
  const gmd = await cw.send(new GetMetricDataCommand({
    ...window, ScanBy: 'TimestampAscending',
    MetricDataQueries: [q('count', 'Count', 'Sum'), q('e4', '4XXError', 'Sum'), q('e5', '5XXError', 'Sum'), q('lat', 'Latency', 'Maximum'), q('iln', 'IntegrationLatency', 'SampleCount')],
  }));
  const gms = await cw.send(new GetMetricStatisticsCommand({
    ...window, Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: DIMS, Period: 60, Statistics: ['SampleCount', 'Average', 'Minimum', 'Maximum'],
  }));
  const pct = await cw.send(new GetMetricStatisticsCommand({
    ...window, Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: DIMS, Period: 120, ExtendedStatistics: ['p0', 'p100'],
  }));
  const lm = await cw.send(new ListMetricsCommand({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' }));
  return {
    gmd: Object.fromEntries((gmd.MetricDataResults ?? []).map((r) => [r.Id, { t: r.Timestamps?.map((d) => d.getTime()), v: r.Values, s: r.StatusCode }])),
    gms: (gms.Datapoints ?? []).map((d) => ({ t: d.Timestamp?.getTime(), n: d.SampleCount, avg: d.Average, min: d.Minimum, max: d.Maximum, unit: d.Unit })),
    pct: (pct.Datapoints ?? []).map((d) => ({ t: d.Timestamp?.getTime(), ext: d.ExtendedStatistics })),
    lm: (lm.Metrics ?? []).map((m) => m.Dimensions?.map((d) => `${d.Name}=${d.Value}`).join(',')).sort(),
  };
}

describe('the JS SDK in each CloudWatch protocol', () => {
  it('gets the same numbers in JSON 1.0, Query and CBOR, and they are what was recorded', async () => {
    const answers: Record<string, Awaited<ReturnType<typeof readAll>>> = {};
    for (const p of PROTOCOLS) {
      seen.length = 0;
      const cw = clientFor(p.ctor);
      answers[p.name] = await readAll(cw);
      cw.destroy();
      expect(new Set(seen), p.name).toEqual(new Set([p.name]));
    }
    const json = answers.json;
    expect(json.gmd.count).toEqual({ t: [T0, T0 + MIN], v: [7, 5], s: 'Complete' });
    expect(json.gmd.e4.v).toEqual([2, 0]);
    expect(json.gmd.e5.v).toEqual([0, 1]);
    expect(json.gmd.lat.v).toEqual([16, 24]);
    expect(json.gmd.iln.v).toEqual([5, 5]);
    expect(json.gms).toEqual([
      { t: T0, n: 7, avg: 13, min: 10, max: 16, unit: 'Milliseconds' },
      { t: T0 + MIN, n: 5, avg: 22, min: 20, max: 24, unit: 'Milliseconds' },
    ]);
    expect(json.pct).toEqual([{ t: T0, ext: { p0: 10, p100: 24 } }]);
    expect(json.lm).toEqual(['ApiName=orders-api', 'ApiName=orders-api,Stage=prod']);
    expect(answers.query).toEqual(json);
    expect(answers.cbor).toEqual(json);
  });

  it('every SDK request, in any protocol, is recognisable as CloudWatch from its headers and path (one-port routing)', async () => {
    routedHere.length = 0;
    for (const p of PROTOCOLS) {
      const cw = clientFor(p.ctor);
      await cw.send(new ListMetricsCommand({ Namespace: 'AWS/ApiGateway' }));
      cw.destroy();
    }
    expect(routedHere).toEqual([true, true, true]);
    routedHere.length = 0;
    await (await fetch(`${endpoint}/prod/items`)).arrayBuffer();
    await (await fetch(`${endpoint}/`, { method: 'POST', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20250115/us-east-1/execute-api/aws4_request' }, body: '' })).arrayBuffer();
    expect(routedHere).toEqual([false, false]);
  });

  it.each(PROTOCOLS)('$name: a bad parameter and a missing field reach the SDK as the modelled exceptions', async ({ ctor }) => {
    const cw = clientFor(ctor);
    const base = { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: DIMS, StartTime: new Date(T0), EndTime: new Date(T0 + MIN), Statistics: ['Sum' as const] };
    const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode: number; requestId?: string } }) => e);
    const bad = await fail(cw.send(new GetMetricStatisticsCommand({ ...base, Period: 90 })));
    expect(bad?.name).toBe('InvalidParameterValueException');
    expect(bad?.message).toMatch(/Period must be a multiple of 60/);
    expect(bad?.$metadata.httpStatusCode).toBe(400);
    expect(bad?.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await fail(cw.send(new GetMetricStatisticsCommand({ ...base, MetricName: undefined, Period: 60 } as never)));
    expect(missing?.name).toBe('MissingRequiredParameterException');
    expect(missing?.message).toBe('The parameter MetricName is required.');
    const both = await fail(cw.send(new GetMetricStatisticsCommand({ ...base, Period: 60, ExtendedStatistics: ['p99'] })));
    expect(both?.name).toBe('InvalidParameterCombinationException');
    cw.destroy();
  });
});

describe('raw requests in each protocol: the error shapes', () => {
  const post = (path: string, headers: Record<string, string>, body: string | Uint8Array) => fetch(`${endpoint}${path}`, { method: 'POST', headers, body });

  it('JSON 1.0: an unknown operation is __type UnknownOperationException with x-amzn-query-error InvalidAction', async () => {
    const res = await post('/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.PutMetricData' }, '{}');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
    expect(await res.json()).toMatchObject({ __type: 'com.amazon.coral.service#UnknownOperationException' });
  });

  it('Query: an unknown Action is an XML ErrorResponse with Code InvalidAction and the request id', async () => {
    const res = await post('/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=PutMetricData&Version=2010-08-01');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/xml');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>[^<]*PutMetricData/);
    expect(xml).toContain(`<RequestId>${res.headers.get('x-amzn-requestid')}</RequestId></ErrorResponse>`);
  });

  it('Query: form values are typed by member, lists are member.N, an empty list is Name=', async () => {
    const form = new URLSearchParams({
      Action: 'GetMetricStatistics', Version: '2010-08-01', Namespace: 'AWS/ApiGateway', MetricName: 'Count',
      'Dimensions.member.1.Name': 'ApiName', 'Dimensions.member.1.Value': 'orders-api',
      StartTime: new Date(T0).toISOString(), EndTime: new Date(T0 + 2 * MIN).toISOString(), Period: '120', 'Statistics.member.1': 'Sum',
    });
    const xml = await (await post('/', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString())).text();
    expect(xml).toContain(`<Datapoints><member><Timestamp>${new Date(T0).toISOString()}</Timestamp><Unit>Count</Unit><Sum>12</Sum></member></Datapoints>`);
    const wrongVersion = await post('/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=ListMetrics&Version=2009-01-01');
    expect(await wrongVersion.text()).toContain('<Code>InvalidParameterValue</Code>');
    const empty = await post('/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=ListMetrics&Version=2010-08-01&Dimensions=');
    expect(await empty.text()).toContain('<ListMetricsResult><Metrics><member>');
  });

  it('CBOR (cbor2): a call by path answers a CBOR map; errors are CBOR {__type, message} with x-amzn-query-error', async () => {
    const cbor = { 'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' };
    const ok = await post('/service/GraniteServiceVersion20100801/operation/GetMetricData', cbor, encode({
      StartTime: new Date(T0), EndTime: new Date(T0 + MIN),
      MetricDataQueries: [{ Id: 'c', MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: DIMS }, Period: 60, Stat: 'Sum' } }],
    }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
    const body = decode(new Uint8Array(await ok.arrayBuffer())) as { MetricDataResults: { Timestamps: Date[]; Values: number[] }[] };
    expect(body.MetricDataResults[0].Timestamps).toEqual([new Date(T0)]);
    expect(body.MetricDataResults[0].Values).toEqual([7]);

    for (const [path, payload, type, code] of [
      ['/service/GraniteServiceVersion20100801/operation/PutMetricData', encode({}), 'com.amazon.coral.service#UnknownOperationException', 'InvalidAction;Sender'],
      ['/service/GraniteServiceVersion20100801/operation/ListMetrics', new Uint8Array([0xbf, 0x61]), 'com.amazon.coral.service#SerializationException', 'MalformedInput;Sender'],
      ['/service/GraniteServiceVersion20100801/operation/GetMetricStatistics', encode({ Namespace: 'AWS/ApiGateway' }), 'com.amazonaws.cloudwatch#MissingRequiredParameterException', 'MissingParameter;Sender'],
    ] as const) {
      const res = await post(path, cbor, payload);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('x-amzn-query-error'), path).toBe(code);
      expect(decode(new Uint8Array(await res.arrayBuffer())), path).toMatchObject({ __type: type, message: expect.any(String) });
    }
  });
});
