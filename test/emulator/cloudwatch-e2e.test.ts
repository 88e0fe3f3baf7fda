import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { readFileSync } from 'node:fs';
import { ManualEmulatorClock } from '../../src/emulator/clock.ts';
import { harness, type Harness } from './helpers.ts';

const SHOP = JSON.parse(readFileSync(new URL('../../scenarios/emulator/shop.json', import.meta.url), 'utf8'));
const MINUTE = Date.UTC(2026, 4, 1, 12, 0, 0);

let h: Harness | undefined;
let client: CloudWatchClient | undefined;
afterEach(async () => {
  client?.destroy();
  await h?.close();
  h = undefined;
});

describe('the emulator as the AWS SDK sees it', () => {
  it('publishes what it answered on its CloudWatch endpoint (REST dimensions)', async () => {
    h = await harness(SHOP, { clock: new ManualEmulatorClock(MINUTE + 5_000) });
    await h.burst(60, '/prod/items');
    await h.send('GET', '/prod/unknown');
    client = new CloudWatchClient({ endpoint: h.emulator.cloudwatchEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const dims = [{ Name: 'ApiName', Value: 'shop' }, { Name: 'Stage', Value: 'prod' }];
    const stat = (id: string, name: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: name, Dimensions: dims }, Period: 60, Stat: 'Sum' } });
    const out = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(MINUTE - 60_000),
        EndTime: new Date(MINUTE + 120_000),
        MetricDataQueries: [stat('count', 'Count'), stat('e4', '4XXError'), stat('e5', '5XXError')],
      }),
    );
    const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    expect(byId.count.Values).toEqual([61]);
    expect(byId.count.Timestamps?.map((t: Date) => t.getTime())).toEqual([MINUTE]);
    expect(byId.e4.Values).toEqual([11]);
    expect(byId.e5.Values).toEqual([0]);
    const listed = await client.send(new ListMetricsCommand({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' }));
    expect(listed.Metrics?.length).toBeGreaterThan(0);
  });
});
