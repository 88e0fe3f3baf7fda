import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsCommand, runMetrics, type MetricsView } from '../../src/cli/metrics.ts';
import { UsageError } from '../../src/errors.ts';
import { MetricStore } from '../../src/emulator/metrics/store.ts';
import { createCloudWatchHandler } from '../../src/emulator/metrics/handler.ts';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function emulatorEndpoint(): Promise<string> {
  const store = new MetricStore({ type: 'rest', name: 'shop', id: 'x1' });
  for (let m = 0; m < 3; m++) {
    for (let i = 0; i < 10 * (m + 1); i++) {
      store.record({ atWallMs: T0 + m * MIN + i, stage: 'prod', method: 'GET', resource: '/items', status: i === 0 ? 429 : 200,
        latencyMs: 20, integrationLatencyMs: i === 0 ? null : 15, bytes: 10 });
    }
  }
  server = createServer(createCloudWatchHandler(store));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function capture() {
  let text = '';
  return { io: { stdout: { write: (s: string) => (text += s) } }, text: () => text };
}

describe('loadgate metrics', () => {
  it('prints one table row per minute pulled from an emulator endpoint', async () => {
    const endpoint = await emulatorEndpoint();
    const out = capture();
    await metricsCommand(out.io).exitOverride().parseAsync(
      ['--api-name', 'shop', '--stage', 'prod', '--endpoint', endpoint, '--start', '2025-01-15T12:00:00Z', '--end', '2025-01-15T12:02:00Z'], { from: 'user' });
    const text = out.text();
    expect(text).toMatch(/^AWS\/ApiGateway ApiName=shop, Stage=prod \(emulator\): 30 requests in 2 minute\(s\) with data/);
    expect(text).toMatch(/2025-01-15 12:00 │ 10 *│ 1 *│ 0 *│ 20/);
    expect(text).toMatch(/2025-01-15 12:01 │ 20 *│ 1 *│ 0 *│ 20/);
    expect(text).not.toMatch(/12:02/); // --end is exclusive
  });

  it('prints JSON with --json', async () => {
    const endpoint = await emulatorEndpoint();
    const out = capture();
    await runMetrics({ apiName: 'shop', endpoint, start: '2025-01-15T12:00:00Z', end: '2025-01-15T13:00:00Z', json: true }, out.io);
    const view = JSON.parse(out.text()) as MetricsView;
    expect(view.status).toBe('ok');
    expect(view.dimensions).toEqual([{ Name: 'ApiName', Value: 'shop' }]);
    expect(view.minutes.map((m) => [m.minuteIso, m.count, m.error4xx])).toEqual([
      ['2025-01-15T12:00:00.000Z', 10, 1], ['2025-01-15T12:01:00.000Z', 20, 1], ['2025-01-15T12:02:00.000Z', 30, 1],
    ]);
  });

  it.each([
    { why: 'both API flags', flags: { apiName: 'a', apiId: 'b' }, message: /exactly one of --api-name/ },
    { why: 'neither API flag', flags: {}, message: /exactly one of --api-name/ },
    { why: 'start is not a time', flags: { apiName: 'a', start: 'yesterday' }, message: /--start: "yesterday" is invalid \(expected an ISO 8601 time/ },
    { why: 'end before start', flags: { apiName: 'a', end: '2025-01-15T11:00:00Z' }, message: /--end: "2025-01-15T11:00:00Z" is invalid/ },
    { why: 'endpoint not a URL', flags: { apiName: 'a', endpoint: 'local:host' }, message: /--endpoint/ },
  ])('usage error when $why', async ({ flags, message }) => {
    const out = capture();
    const err = await runMetrics({ start: '2025-01-15T12:00:00Z', end: '2025-01-15T13:00:00Z', ...flags }, out.io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
  });
});
