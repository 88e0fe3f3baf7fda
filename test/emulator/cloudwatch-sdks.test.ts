/**
 * boto3 (botocore's own serializers and parsers) and the JS SDK against a cold `loadgate emulator`
 * process, each in all three CloudWatch protocols: boto3 as shipped (its model lists Smithy RPC v2
 * CBOR first) and re-pointed at JSON 1.0 and Query; @aws-sdk/client-cloudwatch in JSON 1.0 (its
 * default), Query and CBOR. The same query gives the same numbers, equal to the traffic sent, and
 * errors (bad parameter, missing field, unknown action) come back as the same codes everywhere.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AwsJson1_0Protocol, AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { missingClient, run, sendTraffic, startEmulatorCli, windowAroundNow, type RunningEmulatorCli } from './cloudwatch-clients-helpers.ts';

const PROBE = fileURLToPath(new URL('./fixtures/boto3_cloudwatch.py', import.meta.url));
const missingBoto3 = missingClient('boto3');
let emu: RunningEmulatorCli;
let sent: { requests: number; status4xx: number };

interface Reading {
  protocol: string;
  count: number;
  e4: number;
  gmsSum: number;
  listed: string[];
  badParameter: [string, number] | null;
  missingField: [string, number] | null;
  unknownAction: [string, number] | null;
}

beforeAll(async () => {
  emu = await startEmulatorCli();
  sent = await sendTraffic(emu.stageUrl);
});
afterAll(async () => emu?.stop());

function expectAgreesWithTraffic(r: Reading): void {
  expect(r.count, r.protocol).toBe(sent.requests);
  expect(r.e4, r.protocol).toBe(sent.status4xx);
  expect(r.gmsSum, r.protocol).toBe(sent.requests);
  expect(r.listed, r.protocol).toEqual(['ApiName=shop', 'ApiName=shop,Stage=prod']);
  expect(r.badParameter, r.protocol).toEqual(['InvalidParameterValue', 400]);
  expect(r.missingField, r.protocol).toEqual(['MissingParameter', 400]);
  expect(r.unknownAction, r.protocol).toEqual(['InvalidAction', 400]);
}

describe.skipIf(missingBoto3 !== undefined)(`boto3 ${spawnSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8' }).stdout.trim()}${missingBoto3 ? ` (skipped: ${missingBoto3})` : ''}`, () => {
  it('reads the same numbers in CBOR (its default), JSON 1.0 and Query, with the errors in each shape', async () => {
    const { startS, endS } = windowAroundNow();
    const outs = await Promise.all(['default', 'json', 'query'].map((p) => run('python3', [PROBE, emu.cloudwatch, p, String(startS), String(endS), 'shop'])));
    const readings = outs.map((o) => {
      expect(o.stderr).toBe('');
      return JSON.parse(o.stdout) as Reading;
    });
    expect(readings.map((r) => r.protocol)).toEqual(['smithy-rpc-v2-cbor', 'json', 'query']);
    expect(sent.status4xx).toBeGreaterThan(0);
    for (const r of readings) expectAgreesWithTraffic(r);
  });
});

describe('@aws-sdk/client-cloudwatch in each protocol', () => {
  it.each([
    { protocol: 'json', ctor: AwsJson1_0Protocol },
    { protocol: 'query', ctor: AwsQueryProtocol },
    { protocol: 'cbor', ctor: AwsSmithyRpcV2CborProtocol },
  ])('$protocol: the same numbers and errors as the traffic and boto3', async ({ protocol, ctor }) => {
    const cw = new CloudWatchClient({ endpoint: emu.cloudwatch, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, protocol: ctor } as never);
    const { startS, endS, periodS } = windowAroundNow();
    const window = { StartTime: new Date(startS * 1000), EndTime: new Date(endS * 1000) };
    const metric = (MetricName: string) => ({ Namespace: 'AWS/ApiGateway', MetricName, Dimensions: [{ Name: 'ApiName', Value: 'shop' }] });
    const code = (p: Promise<unknown>) => p.then(() => null, (e: { $metadata?: { httpStatusCode?: number }; Code?: string; name: string }) => [(e as { Error?: { Code?: string } }).Error?.Code ?? e.Code ?? e.name, e.$metadata?.httpStatusCode] as [string, number]);
    try {
      const gmd = await cw.send(new GetMetricDataCommand({ ...window, MetricDataQueries: [
        { Id: 'count', MetricStat: { Metric: metric('Count'), Period: periodS, Stat: 'Sum' } },
        { Id: 'e4', MetricStat: { Metric: metric('4XXError'), Period: periodS, Stat: 'Sum' } },
      ] }));
      const total = (id: string) => gmd.MetricDataResults!.find((r) => r.Id === id)!.Values!.reduce((a, b) => a + b, 0);
      const gms = await cw.send(new GetMetricStatisticsCommand({ ...window, ...metric('Count'), Period: periodS, Statistics: ['Sum'] }));
      const lm = await cw.send(new ListMetricsCommand({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' }));
      const reading: Reading = {
        protocol,
        count: total('count'), e4: total('e4'),
        gmsSum: (gms.Datapoints ?? []).reduce((a, d) => a + (d.Sum ?? 0), 0),
        listed: (lm.Metrics ?? []).map((m) => m.Dimensions!.map((d) => `${d.Name}=${d.Value}`).join(',')).sort(),
        badParameter: await code(cw.send(new GetMetricStatisticsCommand({ ...window, ...metric('Count'), Period: 90, Statistics: ['Sum'] }))),
        missingField: await code(cw.send(new GetMetricStatisticsCommand({ ...window, Namespace: 'AWS/ApiGateway', Period: 60, Statistics: ['Sum'] } as never))),
        unknownAction: await code(cw.send(new PutMetricDataCommand({ Namespace: 'X', MetricData: [{ MetricName: 'Y', Value: 1 }] }))),
      };
      expectAgreesWithTraffic(reading);
    } finally {
      cw.destroy();
    }
  });
});
