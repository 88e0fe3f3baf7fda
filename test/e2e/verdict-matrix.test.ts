/**
 * The throttle verdict against real limiters, through the CLI (`main`, as `loadgate` runs it):
 * the emulator's route overrides and usage-plan keys, Debian's nginx limit_req on an exact-match
 * location, Debian's HAProxy window counter, a dead port. Right declarations must pass, wrong
 * ones fail naming the wrong parameter, a window limiter is named as such, and nothing answered
 * is `no-response` (docs/throttling.md). The larger matrix, cold processes, is `npm run bench`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { spawnEmulator, type RunningEmulator } from '../../src/emulator/process.ts';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { nginxInstalled, startNginx, type RunningNginx } from '../../bench/servers/nginx.ts';
import { haproxyInstalled, startHaproxy, type RunningHaproxy } from '../../bench/servers/haproxy.ts';
import { MATRIX_KEY, MATRIX_TRUE_LIMITS, withBucket, type MatrixBucket } from '../../bench/servers/matrix-api.ts';

const KEY = MATRIX_KEY;
const TRUE_LIMITS = MATRIX_TRUE_LIMITS;
/** TRUE_LIMITS with one bucket declared as [rate, burst]. */
function declared(change?: { at: MatrixBucket; rateRps: number; burst: number }): object {
  return change === undefined ? TRUE_LIMITS : withBucket(change.at, () => ({ rateRps: change.rateRps, burst: change.burst }));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lg-matrix-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], out: string): Promise<{ code: number; result: RunResult; out: string }> {
  const code = await main([...args, '--out', join(dir, out), '-q']);
  return { code, result: JSON.parse(await readFile(join(dir, out, 'result.json'), 'utf8')) as RunResult, out: join(dir, out) };
}

async function limitsFile(name: string, doc: object): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(doc));
  return file;
}

/** Each case gets its own limiter process: no case inherits another's bucket. */
async function withEmulator<T>(work: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  const emulator = await spawnEmulator(parseEmulatorConfig(TRUE_LIMITS, 'matrix'));
  try {
    return await work(emulator);
  } finally {
    await emulator.close();
  }
}

// One at a time: a cold emulator and a cold CLI per case, several at once on two cores, stall answers
// by hundreds of ms, and the verdict then (rightly) says it cannot tell.
describe('the emulator: a route override and a usage-plan key are judged on their own bucket', () => {
  it.each([
    // [case, --path, --api-key, declared change, verdict, wrong parameter]
    ['route override, right', '/slow', undefined, undefined, 'pass', null],
    ['route override, burst doubled', '/slow', undefined, { at: 'slow', rateRps: 20, burst: 20 }, 'fail', 'burst'],
    ['usage-plan key, right', '/keyed', KEY, undefined, 'pass', null],
    ['usage-plan key, rate doubled', '/keyed', KEY, { at: 'plan', rateRps: 10, burst: 5 }, 'fail', 'rate'],
  ] as const)('%s: %s', async (name, path, key, change, verdict, wrong) => {
    const file = await limitsFile(name.replace(/\W+/g, '-'), declared(change));
    const { code, result } = await withEmulator((emulator) => {
      const args = ['verify', '--target', emulator.stages.prod, '--path', path, '--limits', file, '--max-duration', change ? '4s' : '8s', ...(key ? ['--api-key', key] : [])];
      return cli(args, name.replace(/\W+/g, '-'));
    });
    const bucket = result.throttle!.buckets[0];
    expect(result.verify!.binding?.layer, result.verify?.reason).toBe(path === '/slow' ? 'stage-route' : 'usage-plan');
    expect(result.verify!.verdict, result.verify!.reason).toBe(verdict);
    expect(code).toBe(verdict === 'pass' ? 0 : 1);
    // A wrong declaration fails the run's own throttle verdict too, not only verify's summary of it.
    if (wrong) expect(result.throttle!.verdict, result.throttle!.reason).toBe('fail');
    if (wrong) expect(bucket[wrong].verdict, bucket.reason).toBe('fail');
    if (wrong) expect(bucket[wrong === 'rate' ? 'burst' : 'rate'].verdict, bucket.reason).toBe('pass');
    // The declared side is the binding bucket, never the stage default of 100 / 100.
    expect(result.verify!.declared.rateRps).toBe(change?.rateRps ?? (path === '/slow' ? 20 : 5));
    // No secret in the record: the key shows only as its id.
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('a run whose declared burst is half the real one fails in its first seconds of overload; re-judged with the right limits from its send log, it passes', async () => {
    const scenario = join(dir, 'steady.json');
    const wrong = await withEmulator(async (emulator) => {
      await writeFile(scenario, JSON.stringify({
        name: 'steady-overload', target: emulator.stages.prod, requests: [{ path: '/items' }],
        phases: [{ shape: 'constant', rateRps: 150, duration: '8s' }], limits: declared({ at: 'stage', rateRps: 100, burst: 50 }),
      }));
      return cli(['run', scenario], 'steady-wrong');
    });
    expect(wrong.result.throttle!.verdict, wrong.result.throttle!.reason).toBe('fail');
    expect(wrong.result.throttle!.buckets[0].burst.verdict).toBe('fail');
    expect(wrong.code).toBe(1);
    const sendLog = await readFile(join(wrong.out, 'send-log.bin'));
    expect(sendLog.includes(Buffer.from(KEY))).toBe(false);
    const right = await cli(['verify', '--from', wrong.out, '--limits', await limitsFile('right', TRUE_LIMITS)], 'steady-rejudged');
    expect(right.result.throttle!.verdict, right.result.throttle!.reason).toBe('pass');
    expect(right.result.totals.sent).toBe(wrong.result.totals.sent);
    expect(right.code).toBe(0);
    // `report --limits` re-judges the same record, into a new folder: the original stays as it was.
    const reportOut = join(dir, 'steady-report-rejudged');
    expect(await main(['report', wrong.out, '--limits', await limitsFile('right-again', TRUE_LIMITS), '--out', reportOut, '--format', 'json'])).toBe(0);
    expect((JSON.parse(await readFile(join(reportOut, 'result.json'), 'utf8')) as RunResult).throttle!.verdict).toBe('pass');
    expect((JSON.parse(await readFile(join(wrong.out, 'result.json'), 'utf8')) as RunResult).throttle!.verdict).toBe('fail');
  });
});

describe.skipIf(!nginxInstalled()).concurrent('nginx limit_req on an exact-match location (effective bucket B + 1)', () => {
  it.each([
    ['right (rate 50, burst 19 + 1)', '50', '20', 'pass'],
    ['rate 10% high', '55', '20', 'fail'],
    ['burst doubled', '50', '40', 'fail'],
  ])('%s', async (name, rate, burst, verdict) => {
    const right = verdict === 'pass';
    // The target exactly as given: a slash appended would miss the location and get 404s.
    const nginx: RunningNginx = await startNginx({
      http: 'limit_req_zone $binary_remote_addr zone=z:1m rate=50r/s;',
      locations: 'location = /limited50 { limit_req zone=z burst=19 nodelay; limit_req_status 429; try_files /ok.txt =404; }\n    location / { return 404; }',
      files: { 'ok.txt': 'ok\n' },
    });
    // --throttle-status takes a list: nginx's own default for limit_req is 503.
    const statuses = right ? ['--throttle-status', '429,503'] : [];
    const { code, result } = await cli(['verify', '--target', `${nginx.url}/limited50`, '--rate', rate, '--burst', burst, '--max-duration', '6s', ...statuses], `nginx-${name.replace(/\W+/g, '-')}`).finally(() => nginx.stop());
    expect(result.totals.byStatus['404'] ?? 0).toBe(0);
    expect(result.verify!.verdict, result.verify!.reason).toBe(verdict);
    if (right) {
      // Measured, not only judged: the rate within 5 % and the effective bucket (B + 1) within 2.
      expect(Math.abs(result.verify!.measured.rateRps! - 50) / 50).toBeLessThanOrEqual(0.05);
      expect(Math.abs(result.verify!.measured.burst! - 20)).toBeLessThanOrEqual(2);
    }
    expect(code).toBe(verdict === 'pass' ? 0 : 1);
  });
});

describe.skipIf(!haproxyInstalled())('HAProxy: a sliding-window counter that counts denied requests is not a token bucket', () => {
  let haproxy: RunningHaproxy;
  beforeAll(async () => {
    haproxy = await startHaproxy({ limit: 50, period: '1s' });
  });
  afterAll(async () => {
    await haproxy?.stop();
  });

  it('a token bucket declared over it fails, and the reason names the window counter', async () => {
    const { code, result } = await cli(['verify', '--target', haproxy.url, '--rate', '50', '--burst', '50', '--max-duration', '6s'], 'haproxy');
    expect(result.verify!.verdict).toBe('fail');
    expect(result.verify!.reason).toMatch(/not a token bucket/);
    expect(code).toBe(1);
  });
});

describe.concurrent('a dead target is no-response, never "no throttling"', () => {
  it.each([
    ['declared', ['--rate', '50', '--burst', '20']],
    ['nothing declared', ['--max-requests', '200']],
  ])('%s: no-response, exit 1', async (name, flags) => {
    const { code, result } = await cli(['verify', '--target', 'http://127.0.0.1:9', ...flags, '--max-duration', '3s'], `dead-${name.replace(/\W+/g, '-')}`);
    expect(result.verify!.verdict).toBe('no-response');
    expect(code).toBe(1);
  });
});
