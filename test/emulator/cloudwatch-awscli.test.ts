/**
 * Debian's awscli v2 (Query protocol, XML answers) against a cold `loadgate emulator` process:
 * get-metric-data, get-metric-statistics and list-metrics agree with what the traffic was, errors
 * come back as the CLI's own "An error occurred (<Code>)" lines. (The --help example has its own
 * file: each awscli v2 command costs about 0.8 s of CPU.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_V2, missingClient, run, sendTraffic, startEmulatorCli, windowAroundNow, type RunningEmulatorCli } from './cloudwatch-clients-helpers.ts';

const missing = missingClient('awscli-v2');
let emu: RunningEmulatorCli;
let sent: { requests: number; status4xx: number };

describe.skipIf(missing !== undefined)(`awscli v2 against loadgate emulator${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    emu = await startEmulatorCli();
    sent = await sendTraffic(emu.stageUrl);
  });
  afterAll(async () => emu?.stop());

  it('reads the same Count and 4XXError through all three commands, and gets errors as the CLI reports them', async () => {
    const { startS, endS, periodS } = windowAroundNow();
    const iso = (s: number) => new Date(s * 1000).toISOString();
    const common = ['--endpoint-url', emu.cloudwatch, '--output', 'json'];
    const query = (id: string, name: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: name, Dimensions: [{ Name: 'ApiName', Value: 'shop' }] }, Period: periodS, Stat: 'Sum' } });
    const gmsArgs = ['cloudwatch', 'get-metric-statistics', ...common, '--namespace', 'AWS/ApiGateway', '--metric-name', 'Count', '--dimensions', 'Name=ApiName,Value=shop', '--start-time', iso(startS), '--end-time', iso(endS), '--statistics', 'Sum'];
    const [gmd, gms, lm, badPeriod, unknownAction] = await Promise.all([
      run(AWS_V2, ['cloudwatch', 'get-metric-data', ...common, '--start-time', iso(startS), '--end-time', iso(endS), '--metric-data-queries', JSON.stringify([query('count', 'Count'), query('e4', '4XXError')])]),
      run(AWS_V2, [...gmsArgs, '--period', String(periodS)]),
      run(AWS_V2, ['cloudwatch', 'list-metrics', ...common, '--namespace', 'AWS/ApiGateway', '--metric-name', 'Count']),
      run(AWS_V2, [...gmsArgs, '--period', '90']),
      run(AWS_V2, ['cloudwatch', 'put-metric-data', ...common, '--namespace', 'X', '--metric-name', 'Y', '--value', '1']),
    ]);
    expect(gmd.stderr).toBe('');
    const results = JSON.parse(gmd.stdout).MetricDataResults as { Id: string; Values: number[] }[];
    const sum = (id: string) => results.find((r) => r.Id === id)!.Values.reduce((a, b) => a + b, 0);
    expect(sum('count')).toBe(sent.requests);
    expect(sum('e4')).toBe(sent.status4xx);
    expect(sent.status4xx).toBeGreaterThan(0);
    expect(JSON.parse(gms.stdout).Datapoints.map((d: { Sum: number }) => d.Sum)).toEqual([sent.requests]);
    const listed = (JSON.parse(lm.stdout).Metrics as { Dimensions: { Name: string; Value: string }[] }[]).map((m) => m.Dimensions.map((d) => `${d.Name}=${d.Value}`).join(',')).sort();
    expect(listed).toEqual(['ApiName=shop', 'ApiName=shop,Stage=prod']);
    expect(badPeriod.code).not.toBe(0);
    expect(badPeriod.stderr).toMatch(/An error occurred \(InvalidParameterValue\) when calling the GetMetricStatistics operation: The value 90 for parameter Period is not valid/);
    expect(unknownAction.code).not.toBe(0);
    expect(unknownAction.stderr).toMatch(/An error occurred \(InvalidAction\) when calling the PutMetricData operation/);
  });
});
