/**
 * `loadgate verify` end to end: against the emulator (its own process) and against Debian's
 * nginx limit_req, each a few seconds and a few hundred requests on 127.0.0.1.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { spawnEmulator, type RunningEmulator } from '../../src/emulator/process.ts';
import { emulatorConfigFromLimits } from '../../src/emulator/config.ts';
import { parseLimits } from '../../src/core/limits.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { NGINX, nginxInstalled, startNginx, type RunningNginx } from '../../bench/servers/nginx.ts';

const RATE = 50;
const BURST = 20;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lg-verify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function verify(args: string[], out: string): Promise<{ code: number; result: RunResult }> {
  const code = await main(['verify', ...args, '--max-duration', '6s', '--out', join(dir, out), '-q']);
  return { code, result: JSON.parse(await readFile(join(dir, out, 'result.json'), 'utf8')) as RunResult };
}

describe('verify against the emulator', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await spawnEmulator(emulatorConfigFromLimits(parseLimits({ stages: { prod: { throttle: { rateRps: RATE, burst: BURST } } } }, 'test')));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('passes when the declaration is true: agreement ≥ 99 %, rate within 3 %, burst within 2', async () => {
    const args = ['--target', emulator.stages.prod, '--path', '/items', '--rate', String(RATE), '--burst', String(BURST), '--tolerance', 'emulator'];
    let { code, result } = await verify(args, 'true');
    // On a shared 2-core machine the sender or the emulator can stall for tens of ms, and the
    // emulator then decides on times the replay never saw. One retry, only when the run itself
    // reports that it did not keep its schedule.
    if (code !== 0 && result.schedule.sendLagMs.p99 > 2) ({ code, result } = await verify(args, 'true-retry'));
    expect(result.verify?.verdict, result.verify?.reason).toBe('pass');
    expect(result.throttle!.agreement).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(result.verify!.measured.rateRps! - RATE) / RATE).toBeLessThanOrEqual(0.03);
    expect(Math.abs(result.verify!.measured.burst! - BURST)).toBeLessThanOrEqual(2);
    expect(code).toBe(0);
  });

  it('fails with exit code 1 when twice the real limits are declared', async () => {
    const { code, result } = await verify(['--target', emulator.stages.prod, '--path', '/items', '--rate', String(2 * RATE), '--burst', String(2 * BURST), '--tolerance', 'emulator'], 'double');
    expect(code).toBe(1);
    expect(result.verify?.verdict).toBe('fail');
    expect(result.throttle?.verdict).toBe('fail');
  });

  it('measures rate and burst with nothing declared (guessing ladder), from the observations alone', async () => {
    const { code, result } = await verify(['--target', emulator.stages.prod, '--max-requests', '1500', '--max-duration', '8s'], 'undeclared');
    expect(result.verify?.verdict, result.verify?.reason).toBe('pass');
    expect(Math.abs(result.verify!.measured.rateRps! - RATE) / RATE).toBeLessThanOrEqual(0.03);
    expect(Math.abs(result.verify!.measured.burst! - BURST)).toBeLessThanOrEqual(2);
    expect(result.totals.sent).toBeLessThanOrEqual(1500 + 5);
    expect(code).toBe(0);
  });

  it('says so when nothing is throttled, instead of inventing limits', async () => {
    const server = createHttpServer((req, res) => (req.resume(), res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const { code, result } = await verify(['--target', `http://127.0.0.1:${port}`, '--max-requests', '600', '--max-duration', '5s'], 'unthrottled');
      expect(result.verify?.verdict).toBe('no-throttling');
      expect(result.verify?.measured).toEqual({ rateRps: null, burst: null });
      expect(result.verify?.reason).toMatch(/nothing was throttled/);
      expect(code).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a non-local target without --yes (exit 2), before any traffic', async () => {
    expect(await main(['verify', '--target', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod', '--rate', '10', '--burst', '5'])).toBe(2);
  });
});

describe.skipIf(!nginxInstalled())(`verify against nginx limit_req (${nginxInstalled() ? NGINX : 'skipped: /usr/sbin/nginx is absent'})`, () => {
  let nginx: RunningNginx;
  let port: number;
  beforeAll(async () => {
    // nginx's bucket holds burst + 1: burst=B-1 makes an effective bucket of B (docs/aws-rules.md §7).
    nginx = await startNginx({
      http: `limit_req_zone $binary_remote_addr zone=z:1m rate=${RATE}r/s;`,
      locations: `location / { limit_req zone=z burst=${BURST - 1} nodelay; limit_req_status 429; }`,
      files: { 'index.html': 'ok\n' },
    });
    port = nginx.port;
  });
  afterAll(async () => {
    await nginx?.stop();
  });

  it('measures the rate within 5 % and the effective burst (B + 1) within 2', async () => {
    const { code, result } = await verify(['--target', `http://127.0.0.1:${port}`, '--rate', String(RATE), '--burst', String(BURST), '--throttle-status', '429,503'], 'nginx');
    expect(result.verify?.measured.rateRps, result.verify?.reason).not.toBeNull();
    expect(Math.abs(result.verify!.measured.rateRps! - RATE) / RATE).toBeLessThanOrEqual(0.05);
    expect(Math.abs(result.verify!.measured.burst! - BURST)).toBeLessThanOrEqual(2);
    expect(code).toBe(0);
  });
});
