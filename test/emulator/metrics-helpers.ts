/** Shared fixtures of the metric-store tests: a real 127.0.0.1 server and a real SDK client. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MetricStore, RequestMetric } from '../../src/emulator/metrics/store.ts';
import { createCloudWatchHandler } from '../../src/emulator/metrics/handler.ts';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
export const MIN = 60_000;

export interface Served {
  readonly endpoint: string;
  readonly client: CloudWatchClient;
  close(): Promise<void>;
}

/** Serves `store` on an ephemeral port and returns an SDK client pointed at it. */
export async function serve(store: MetricStore): Promise<Served> {
  const server: Server = createServer(createCloudWatchHandler(store));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new CloudWatchClient({
    endpoint, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint, client,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request metric with defaults; override what the test is about. */
export function req(over: Partial<RequestMetric> = {}): RequestMetric {
  return {
    atWallMs: T0 + 1000, stage: 'prod', method: 'GET', resource: '/items', status: 200,
    latencyMs: 10, integrationLatencyMs: 8, bytes: 100, ...over,
  };
}
