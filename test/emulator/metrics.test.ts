import { afterEach, describe, expect, it } from 'vitest';
import { GetMetricDataCommand, ListMetricsCommand, type ListMetricsCommandInput, type Metric, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { MetricStore } from '../../src/emulator/metrics/store.ts';
import { MIN, req, serve, T0, type Served } from './metrics-helpers.ts';

const REST = { type: 'rest', name: 'orders-api', id: 'a1b2c3' } as const;
const HTTP = { type: 'http', name: 'orders-http', id: 'h9x8y7' } as const;

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

function q(id: string, metricName: string, stat: string, dims: Record<string, string>, period = 60): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: metricName, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
      Period: period, Stat: stat,
    },
  };
}

async function fetchAll(s: Served, queries: MetricDataQuery[], startMs = T0, endMs = T0 + 10 * MIN) {
  const out = await s.client.send(new GetMetricDataCommand({
    MetricDataQueries: queries, StartTime: new Date(startMs), EndTime: new Date(endMs), ScanBy: 'TimestampAscending',
  }));
  return Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id!, {
    at: (r.Timestamps ?? []).map((t) => t.getTime()), values: r.Values ?? [], status: r.StatusCode,
  }]));
}

async function listAll(s: Served, input: ListMetricsCommandInput): Promise<{ metrics: Metric[]; pages: number }> {
  const metrics: Metric[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await s.client.send(new ListMetricsCommand({ ...input, NextToken: token }));
    pages += 1;
    metrics.push(...(out.Metrics ?? []));
    token = out.NextToken;
  } while (token);
  return { metrics, pages };
}

describe('REST API metrics through the real SDK client', () => {
  it('sums per minute equal what was recorded, under ApiName and ApiName+Stage', async () => {
    const store = new MetricStore(REST);
    // minute 0: 6 x 200, 3 throttled 429 (no integration), 1 x 500; minute 2: 4 x 200 on another stage
    for (let i = 0; i < 6; i++) store.record(req({ latencyMs: 10 + i }));
    for (let i = 0; i < 3; i++) store.record(req({ status: 429, latencyMs: 1, integrationLatencyMs: null }));
    store.record(req({ status: 500, latencyMs: 40, integrationLatencyMs: 39 }));
    for (let i = 0; i < 4; i++) store.record(req({ atWallMs: T0 + 2 * MIN + 5, stage: 'dev' }));
    served = await serve(store);
    const api = { ApiName: 'orders-api' };
    const prod = { ApiName: 'orders-api', Stage: 'prod' };
    const r = await fetchAll(served, [
      q('count', 'Count', 'Sum', api), q('countprod', 'Count', 'Sum', prod),
      q('e4', '4XXError', 'Sum', prod), q('e4rate', '4XXError', 'Average', prod), q('e5', '5XXError', 'Sum', api),
      q('intn', 'IntegrationLatency', 'SampleCount', prod), q('latmin', 'Latency', 'Minimum', api),
      q('latmax', 'Latency', 'Maximum', prod), q('cache', 'CacheHitCount', 'Sum', api),
    ]);
    expect(r.count).toEqual({ at: [T0, T0 + 2 * MIN], values: [10, 4], status: 'Complete' });
    expect(r.countprod.values).toEqual([10]);
    expect(r.e4.values).toEqual([3]);
    expect(r.e4rate.values).toEqual([0.3]);
    expect(r.e5.values).toEqual([1, 0]);
    expect(r.intn.values).toEqual([7]);
    expect(r.latmin.values).toEqual([1, 10]);
    expect(r.latmax.values).toEqual([40]);
    expect(r.cache.values).toEqual([0, 0]);
  });

  it('serves pNN close to the exact percentile, and p0/p100 exactly', async () => {
    const store = new MetricStore(REST);
    for (let i = 1; i <= 1000; i++) store.record(req({ latencyMs: i * 0.5 }));
    served = await serve(store);
    const dims = { ApiName: 'orders-api', Stage: 'prod' };
    const r = await fetchAll(served, [
      q('p50', 'Latency', 'p50', dims), q('p90', 'Latency', 'p90', dims), q('p99', 'Latency', 'p99.9', dims),
      q('p0', 'Latency', 'p0', dims), q('p100', 'Latency', 'p100', dims), q('avg', 'Latency', 'Average', dims),
      q('c99', 'Count', 'p99', dims),
    ]);
    expect(r.p50.values[0]).toBeCloseTo(250, 0);
    expect(r.p90.values[0]).toBeCloseTo(450, 0);
    expect(r.p99.values[0]).toBeCloseTo(499.5, 0);
    expect(r.p0.values).toEqual([0.5]);
    expect(r.p100.values).toEqual([500]);
    expect(r.avg.values[0]).toBeCloseTo(250.25, 9);
    expect(r.c99.values).toEqual([1]);
  });

  it('merges minutes into longer periods and keeps StartTime inclusive, EndTime exclusive', async () => {
    const store = new MetricStore(REST);
    for (let m = 0; m < 6; m++) for (let i = 0; i <= m; i++) store.record(req({ atWallMs: T0 + m * MIN + 30_000 }));
    served = await serve(store);
    const dims = { ApiName: 'orders-api' };
    const five = await fetchAll(served, [q('c', 'Count', 'Sum', dims, 300)], T0, T0 + 10 * MIN);
    expect(five.c).toMatchObject({ at: [T0, T0 + 5 * MIN], values: [15, 6] });
    const inner = await fetchAll(served, [q('c', 'Count', 'Sum', dims)], T0 + MIN, T0 + 3 * MIN);
    expect(inner.c).toMatchObject({ at: [T0 + MIN, T0 + 2 * MIN], values: [2, 3] });
  });

  it('answers newest first by default (ScanBy TimestampDescending)', async () => {
    const store = new MetricStore(REST);
    store.record(req());
    store.record(req({ atWallMs: T0 + MIN + 1 }));
    served = await serve(store);
    const out = await served.client.send(new GetMetricDataCommand({
      MetricDataQueries: [q('c', 'Count', 'Sum', { ApiName: 'orders-api' })], StartTime: new Date(T0), EndTime: new Date(T0 + 5 * MIN),
    }));
    expect(out.MetricDataResults?.[0].Timestamps?.map((t) => t.getTime())).toEqual([T0 + MIN, T0]);
  });

  it('publishes Method+Resource only with detailed metrics, and nothing under HTTP API names', async () => {
    const plain = new MetricStore(REST);
    const detailed = new MetricStore(REST, { detailedMetrics: true });
    for (const s of [plain, detailed]) {
      s.record(req({ resource: '/users/{id}' }));
      s.record(req({ resource: '/users/{id}', method: 'POST' }));
    }
    const dims = { ApiName: 'orders-api', Method: 'GET', Resource: '/users/{id}', Stage: 'prod' };
    served = await serve(plain);
    expect((await fetchAll(served, [q('c', 'Count', 'Sum', dims), q('x', '4xx', 'Sum', { ApiName: 'orders-api' })]))).toMatchObject({
      c: { values: [] }, x: { values: [] },
    });
    await served.close();
    served = await serve(detailed);
    expect((await fetchAll(served, [q('c', 'Count', 'Sum', dims)])).c.values).toEqual([1]);
  });
});

describe('HTTP API metrics', () => {
  it('uses ApiId and the 4xx/5xx/DataProcessed names', async () => {
    const store = new MetricStore(HTTP);
    store.record(req({ stage: '$default', resource: 'GET /items', bytes: 300 }));
    store.record(req({ stage: '$default', resource: 'GET /items', status: 404, bytes: 50, integrationLatencyMs: null }));
    store.record(req({ stage: '$default', status: 503, bytes: 10 }));
    served = await serve(store);
    const dims = { ApiId: 'h9x8y7', Stage: '$default' };
    const r = await fetchAll(served, [
      q('c', 'Count', 'Sum', dims), q('e4', '4xx', 'Sum', dims), q('e5', '5xx', 'Sum', { ApiId: 'h9x8y7' }),
      q('bytes', 'DataProcessed', 'Sum', dims), q('rest', '4XXError', 'Sum', dims), q('byname', 'Count', 'Sum', { ApiName: 'orders-http' }),
    ]);
    expect(r.c.values).toEqual([3]);
    expect(r.e4.values).toEqual([1]);
    expect(r.e5.values).toEqual([1]);
    expect(r.bytes.values).toEqual([360]);
    expect(r.rest.values).toEqual([]);
    expect(r.byname.values).toEqual([]);
  });
});

describe('paging', () => {
  it('GetMetricData pages by MaxDatapoints and the pages add up to the whole answer', async () => {
    const store = new MetricStore(REST);
    for (let m = 0; m < 7; m++) for (let i = 0; i <= m; i++) store.record(req({ atWallMs: T0 + m * MIN }));
    served = await serve(store);
    const dims = { ApiName: 'orders-api' };
    const queries = [q('c', 'Count', 'Sum', dims), q('lat', 'Latency', 'Average', dims)];
    const got: Record<string, number[]> = { c: [], lat: [] };
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await served.client.send(new GetMetricDataCommand({
        MetricDataQueries: queries, StartTime: new Date(T0), EndTime: new Date(T0 + 10 * MIN),
        ScanBy: 'TimestampAscending', MaxDatapoints: 3, NextToken: token,
      }));
      pages += 1;
      for (const r of out.MetricDataResults ?? []) {
        got[r.Id!].push(...(r.Values ?? []));
        expect(r.Values?.length).toBe(r.Timestamps?.length);
      }
      token = out.NextToken;
    } while (token);
    expect(pages).toBe(5); // 14 datapoints, 3 a page
    expect(got.c).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(got.lat).toEqual([10, 10, 10, 10, 10, 10, 10]);
  });

  it('ListMetrics filters by dimension and pages', async () => {
    const store = new MetricStore(REST, { detailedMetrics: true, listMetricsPageSize: 4 });
    store.record(req({ stage: 'prod' }));
    store.record(req({ stage: 'dev', resource: '/other' }));
    served = await serve(store);
    const counts = await listAll(served, { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiName', Value: 'orders-api' }] });
    expect(counts.pages).toBe(2);
    expect(counts.metrics.map((m) => (m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(',')).sort()).toEqual([
      'ApiName=orders-api',
      'ApiName=orders-api,Method=GET,Resource=/items,Stage=prod',
      'ApiName=orders-api,Method=GET,Resource=/other,Stage=dev',
      'ApiName=orders-api,Stage=dev',
      'ApiName=orders-api,Stage=prod',
    ]);
    // a filter without Value matches any value of that dimension
    const devDetailed = await listAll(served, { Dimensions: [{ Name: 'Stage', Value: 'dev' }, { Name: 'Method' }] });
    expect(devDetailed.metrics.map((m) => m.MetricName).sort()).toEqual(
      ['4XXError', '5XXError', 'CacheHitCount', 'CacheMissCount', 'Count', 'IntegrationLatency', 'Latency']);
    expect((await listAll(served, { Namespace: 'AWS/Lambda' })).metrics).toEqual([]);
  });
});
