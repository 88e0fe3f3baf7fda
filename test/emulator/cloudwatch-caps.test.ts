/**
 * The CloudWatch endpoint's request caps (docs/emulator.md "Caps"), against an emulator in its
 * own process as `loadgate run` starts it: a gzip bomb costs the child no more than the cap in
 * memory, oversized bodies are refused in CloudWatch's error shape, and the endpoint still
 * answers afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { spawnEmulator, type RunningEmulator } from '../../src/emulator/process.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await spawnEmulator(parseEmulatorConfig({ routes: { 'GET /items': {} } }, 'cw.json'));
});
afterAll(async () => {
  await emulator?.close();
});

/** The child's resident set in MB, read the way `ps` does (it is another process). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1]) / 1024;
}

/**
 * `mb` MB of zeros as `mb` concatenated gzip members of 1 MB each (about 1 KB apiece; gunzip
 * reads every member): the bomb of issue 12, built in milliseconds instead of a second of CPU.
 */
function gzipBomb(mb: number): Buffer {
  const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: mb }, () => member));
}

async function call(body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const r = await request(emulator.cloudwatchEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics', ...headers },
    body,
  });
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
}

async function stillAnswers(): Promise<void> {
  const ok = await call(gzipSync(JSON.stringify({ Namespace: 'AWS/ApiGateway' })), { 'content-encoding': 'gzip' });
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toHaveProperty('Metrics');
}

describe('the CloudWatch endpoint caps what it reads', () => {
  it('a 400 KB gzip body that inflates to 400 MB: refused, and the child grows by a few MB at most', async () => {
    const bomb = gzipBomb(400);
    expect(bomb.length).toBeLessThan(500_000);
    expect(gunzipSync(bomb.subarray(0, bomb.length / 200)).length).toBe(2 * 1024 * 1024);
    await stillAnswers();
    const beforeMb = rssMb(emulator.pid);
    for (let i = 0; i < 3; i++) {
      const r = await call(bomb, { 'content-encoding': 'gzip' });
      expect(r.status).toBe(400);
      expect(r.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
      expect(JSON.parse(r.body)).toEqual({
        __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
        message: 'The inflated request body is larger than 1048576 bytes.',
      });
    }
    const growthMb = rssMb(emulator.pid) - beforeMb;
    expect(growthMb).toBeLessThan(40);
    await stillAnswers();
  });

  it('an uncompressed body over 1 MB is refused before it is all sent, and the connection closed', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024, 32);
    const beforeMb = rssMb(emulator.pid);
    const r = await call(big).catch((err: Error) => err);
    // Either the answer arrived, or the server closed while the client was still sending.
    if (!(r instanceof Error)) {
      expect(r.status).toBe(400);
      expect(r.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
      expect(JSON.parse(r.body).message).toBe('The request body is larger than 1048576 bytes.');
    } else expect(r.message).toMatch(/other side closed|socket|reset|EPIPE/i);
    expect(rssMb(emulator.pid) - beforeMb).toBeLessThan(40);
    await stillAnswers();
  });

  it('a body of just under the cap is read and parsed as usual', async () => {
    const padded = JSON.stringify({ Namespace: 'AWS/ApiGateway', Pad: 'x'.repeat(1024 * 1024 - 64) });
    expect(Buffer.byteLength(padded)).toBeLessThan(1024 * 1024);
    expect((await call(padded)).status).toBe(200);
    expect((await call(gzipSync(padded), { 'content-encoding': 'gzip' })).status).toBe(200);
  });
});
