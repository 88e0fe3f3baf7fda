/**
 * A run whose CloudWatch pull fails still finishes, writes every report, and says why the
 * CloudWatch section is missing: an endpoint that denies access, one that throttles, one that
 * never answers. The target is a local node:http server; the CloudWatch endpoint a local stub.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { RunResult } from '../../src/result/schema.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A CloudWatch-shaped error answer (AWS JSON 1.0). */
function cloudWatchError(status: number, type: string, queryError: string, message: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': queryError, 'x-amzn-requestid': 'req-1' });
    res.end(JSON.stringify({ __type: type, message }));
  };
}

describe('loadgate run when CloudWatch cannot be read', () => {
  it.each([
    { why: 'access denied', handler: cloudWatchError(403, 'com.amazon.coral.service#AccessDeniedException', 'AccessDenied;Sender', 'not authorized to perform: cloudwatch:GetMetricData'), reason: /AccessDenied|not authorized|permission/i },
    { why: 'throttled', handler: cloudWatchError(400, 'com.amazonaws.cloudwatch#Throttling', 'Throttling;Sender', 'Rate exceeded'), reason: /Throttl|Rate exceeded/i },
    { why: 'no answer at all', handler: (req: IncomingMessage) => req.resume(), reason: /time|answer|respond/i },
  ])('$why: the run finishes (exit 0) and the report says why', async ({ handler, reason }) => {
    const target = await serve((req, res) => (req.resume(), res.end('ok')));
    const endpoint = await serve(handler);
    const out = await mkdtemp(join(tmpdir(), 'lg-cw-'));
    const scenario = join(out, 'scenario.json');
    await writeFile(scenario, JSON.stringify({
      name: 'cloudwatch fails',
      target,
      phases: [{ shape: 'constant', rateRps: 20, duration: '1s' }],
      aws: { cloudwatch: true, endpoint, region: 'us-east-1', apiName: 'shop', stage: 'prod' },
    }));
    const cli = await runCli(
      // About CloudWatch, not pacing: 20 arrivals on a shared machine may miss the 5 ms lag p99 (exit 3).
      ['run', scenario, '--cloudwatch-timeout', '1500ms', '--out', out, '-q', '--allow-unkept-schedule'],
      { env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example' } },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result.totals.byStatus['200']).toBe(20);
    expect(result.cloudwatch.status).toBe('unavailable');
    expect(result.cloudwatch.reason).toMatch(reason);
    const md = await readFile(join(out, 'summary.md'), 'utf8');
    expect(md).toContain(result.cloudwatch.reason.slice(0, 40));
    expect(md + JSON.stringify(result)).not.toContain('secret-example');
  }, 60_000);
});
