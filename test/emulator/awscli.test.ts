/**
 * The management API read by a client nobody here wrote: Debian's awscli v2 (/usr/bin/aws).
 * Skipped where it is not installed, except under CI=true (.ci/run installs it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.ts';

const AWS = '/usr/bin/aws';
const run = promisify(execFile);
const env = { PATH: process.env.PATH, HOME: '/nonexistent', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' };

describe.skipIf(!existsSync(AWS) && process.env.CI !== 'true')('awscli v2 against the management API', () => {
  let rest: RunningEmulator;
  let http: RunningEmulator;
  beforeAll(async () => {
    rest = await startEmulator(parseEmulatorConfig({ api: { type: 'rest', name: 'shop', id: 'shop123abc' }, stages: { prod: { throttle: { rateRps: 100, burst: 50 } } } }, 'rest.json'));
    http = await startEmulator(parseEmulatorConfig({ api: { type: 'http', name: 'orders', id: 'h77api' }, stages: { $default: { throttle: { rateRps: 60, burst: 30 } } } }, 'http.json'));
  });
  afterAll(async () => {
    await rest?.close();
    await http?.close();
  });

  it('aws apigateway get-rest-apis and aws apigatewayv2 get-stage parse the answers', async () => {
    // Two cold awscli processes (about 3 s each here): the error shape is checked with the SDK in management.test.ts.
    const [apis, v2] = await Promise.all([
      run(AWS, ['apigateway', 'get-rest-apis', '--endpoint-url', rest.endpoint, '--output', 'json', '--query', 'items[0].[id,name]'], { env }),
      run(AWS, ['apigatewayv2', 'get-stage', '--api-id', 'h77api', '--stage-name', '$default', '--endpoint-url', http.endpoint, '--output', 'json'], { env }),
    ]);
    expect(JSON.parse(apis.stdout)).toEqual(['shop123abc', 'shop']);
    expect(JSON.parse(v2.stdout).DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 60, ThrottlingBurstLimit: 30 });
  }, 30_000);
});
