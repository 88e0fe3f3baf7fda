/**
 * One port for everything (docs/emulator.md "One port"): the API, CloudWatch and the management
 * API on `endpoint`, told apart as LocalStack does (SigV4 service, then X-Amz-Target, then the
 * CBOR path), with the API never shadowed by an unsigned request; `cloudwatchPort` still adds a
 * CloudWatch-only listener.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { request } from 'undici';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.ts';

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 };
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('one port', () => {
  it('serves the API, CloudWatch (real SDK, signed for monitoring) and the management API on the same origin', async () => {
    emulator = await startEmulator(parseEmulatorConfig({ api: { type: 'http', name: 'orders', id: 'h77api' }, stages: { $default: { throttle: { rateRps: 9, burst: 3 } } } }, 'h.json'));
    expect(emulator.cloudwatchEndpoint).toBe(emulator.endpoint);
    expect(emulator.stages.$default).toBe(emulator.endpoint);
    // An HTTP API's $default catch-all answers every unsigned path, `/` included.
    const api = await request(`${emulator.endpoint}/`, { method: 'POST', body: '{}' });
    expect(api.statusCode).toBe(200);
    expect(api.headers['apigw-requestid']).toBeDefined();
    await api.body.dump();
    const cw = new CloudWatchClient({ ...creds, endpoint: emulator.endpoint });
    const metrics = await cw.send(new ListMetricsCommand({ Namespace: 'AWS/ApiGateway' }));
    expect(metrics.Metrics?.some((m) => m.MetricName === 'Count')).toBe(true);
    cw.destroy();
    const rest = new APIGatewayClient({ ...creds, endpoint: emulator.endpoint });
    const missing = await rest.send(new GetStageCommand({ restApiId: 'h77api', stageName: '$default' })).catch((e: Error) => e);
    expect((missing as Error).name).toBe('NotFoundException'); // an HTTP API is not a REST API, and the management API said so
    rest.destroy();
    const unsignedTarget = await request(`${emulator.endpoint}/`, { method: 'POST', body: '{}', headers: { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics', 'content-type': 'application/x-amz-json-1.0' } });
    expect([unsignedTarget.statusCode, Object.keys((await unsignedTarget.body.json()) as object)]).toEqual([200, ['Metrics']]);
  });

  it('an unsigned request without a target is the API\'s, even at / with a JSON body (REST: 403 Missing Authentication Token)', async () => {
    emulator = await startEmulator(parseEmulatorConfig({ api: { type: 'rest', name: 'shop', id: 'shop1' }, stages: { prod: {} } }, 'r.json'));
    const r = await request(`${emulator.endpoint}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/x-amz-json-1.0' } });
    expect([r.statusCode, await r.body.json()]).toEqual([403, { message: 'Missing Authentication Token' }]);
    const signedForApi = await request(`${emulator.endpoint}/prod/x`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0' } });
    // Signed for execute-api (an IAM-authorised caller): the API's catch-all mock answers, not a control plane.
    expect([signedForApi.statusCode, await signedForApi.body.text()]).toEqual([200, '{}']);
    expect(signedForApi.headers['x-amz-apigw-id']).toBeDefined();
  });

  it('cloudwatchPort adds a CloudWatch-only listener; the one port keeps CloudWatch too', async () => {
    emulator = await startEmulator(parseEmulatorConfig({ stages: { prod: {} } }, 'c.json'), { cloudwatchPort: 0 });
    expect(emulator.cloudwatchEndpoint).not.toBe(emulator.endpoint);
    for (const endpoint of [emulator.cloudwatchEndpoint, emulator.endpoint]) {
      const cw = new CloudWatchClient({ ...creds, endpoint });
      expect((await cw.send(new ListMetricsCommand({}))).$metadata.httpStatusCode).toBe(200);
      cw.destroy();
    }
  });
});
