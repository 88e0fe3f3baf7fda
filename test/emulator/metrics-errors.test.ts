import { afterEach, describe, expect, it } from 'vitest';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { MetricStore } from '../../src/emulator/metrics/store.ts';
import { MIN, req, serve, T0, type Served } from './metrics-helpers.ts';

const REST = { type: 'rest', name: 'orders-api', id: 'a1b2c3' } as const;
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function raw(s: Served, target: string | undefined, body: string): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  if (target) headers['x-amz-target'] = target;
  const res = await fetch(`${s.endpoint}/`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const GMD = 'GraniteServiceVersion20100801.GetMetricData';
const query = (period: unknown, stat: unknown = 'Sum') => ({
  Id: 'c', MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiName', Value: 'orders-api' }] }, Period: period, Stat: stat },
});

describe('CloudWatch-shaped errors', () => {
  it.each([
    { why: 'unknown operation', target: 'GraniteServiceVersion20100801.PutMetricData', body: '{}', type: 'com.amazon.coral.service#UnknownOperationException', code: 'InvalidAction;Sender' },
    { why: 'no X-Amz-Target at all', target: undefined, body: '{}', type: 'com.amazon.coral.service#UnknownOperationException', code: 'InvalidAction;Sender' },
    { why: 'body is not JSON', target: GMD, body: '{"MetricDataQueries": [', type: 'com.amazon.coral.service#SerializationException', code: 'MalformedInput;Sender' },
    { why: 'no MetricDataQueries', target: GMD, body: JSON.stringify({ StartTime: 1, EndTime: 2 }), type: 'com.amazonaws.cloudwatch#MissingRequiredParameterException', code: 'MissingParameter;Sender' },
    { why: 'no StartTime', target: GMD, body: JSON.stringify({ MetricDataQueries: [query(60)], EndTime: 2 }), type: 'com.amazonaws.cloudwatch#MissingRequiredParameterException', code: 'MissingParameter;Sender' },
    { why: 'period not a multiple of 60', target: GMD, body: JSON.stringify({ MetricDataQueries: [query(90)], StartTime: 1, EndTime: 2 }), type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', code: 'InvalidParameterValue;Sender' },
    { why: 'unknown statistic', target: GMD, body: JSON.stringify({ MetricDataQueries: [query(60, 'Median')], StartTime: 1, EndTime: 2 }), type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', code: 'InvalidParameterValue;Sender' },
    { why: 'EndTime before StartTime', target: GMD, body: JSON.stringify({ MetricDataQueries: [query(60)], StartTime: 5, EndTime: 2 }), type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', code: 'InvalidParameterValue;Sender' },
    { why: 'forged NextToken', target: GMD, body: JSON.stringify({ MetricDataQueries: [query(60)], StartTime: 1, EndTime: 2, NextToken: 'bm9wZQ' }), type: 'com.amazonaws.cloudwatch#InvalidNextToken', code: 'InvalidNextToken;Sender' },
  ])('$why -> 400 $code', async ({ target, body, type, code }) => {
    served ??= await serve(new MetricStore(REST));
    const res = await raw(served, target, body);
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe(type);
    expect(typeof res.json.message).toBe('string');
    expect(res.headers.get('x-amzn-query-error')).toBe(code);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
  });

  it('reaches the SDK as the modelled exception, with message and request id', async () => {
    served = await serve(new MetricStore(REST));
    const err = await served.client.send(new GetMetricDataCommand({
      MetricDataQueries: [query(90) as never], StartTime: new Date(T0), EndTime: new Date(T0 + MIN),
    })).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number; requestId: string } });
    expect(err?.name).toBe('InvalidParameterValueException');
    expect(err?.message).toMatch(/Period must be a multiple of 60/);
    expect(err?.$metadata.httpStatusCode).toBe(400);
    expect(err?.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a NextToken replayed with a different request', async () => {
    const store = new MetricStore(REST);
    for (let m = 0; m < 3; m++) store.record(req({ atWallMs: T0 + m * MIN }));
    served = await serve(store);
    const base = { StartTime: new Date(T0), EndTime: new Date(T0 + 5 * MIN), MaxDatapoints: 1 };
    const first = await served.client.send(new GetMetricDataCommand({ ...base, MetricDataQueries: [query(60) as never] }));
    expect(first.NextToken).toBeDefined();
    const err = await served.client.send(new GetMetricDataCommand({ ...base, MetricDataQueries: [query(120) as never], NextToken: first.NextToken }))
      .then(() => undefined, (e: unknown) => (e as Error).name);
    expect(err).toBe('InvalidNextToken');
  });
});

describe('memory stays bounded', () => {
  it('folds resources past maxCellsPerMinute into "(other)" while totals stay exact', () => {
    const store = new MetricStore(REST, { detailedMetrics: true, maxCellsPerMinute: 10 });
    for (let i = 0; i < 500; i++) store.record(req({ resource: `/scan/${i}` }));
    const resources = new Set(store.metrics().flatMap((m) => m.Dimensions.filter((d) => d.Name === 'Resource').map((d) => d.Value)));
    expect(resources.size).toBe(11); // 10 cells, then one "(other)" for the rest
    expect(resources.has('(other)')).toBe(true);
    expect(store.series('count', {}, { kind: 'Sum' }, T0, T0 + MIN, 60_000)).toEqual([{ atWallMs: T0, value: 500 }]);
  });

  it('drops minutes older than retentionMinutes', () => {
    const store = new MetricStore(REST, { retentionMinutes: 3 });
    for (let m = 0; m < 10; m++) store.record(req({ atWallMs: T0 + m * MIN }));
    const points = store.series('count', {}, { kind: 'Sum' }, T0, T0 + 20 * MIN, 60_000);
    expect(points.map((p) => (p.atWallMs - T0) / MIN)).toEqual([7, 8, 9]);
    expect(store.recordedRequests).toBe(10);
  });
});
