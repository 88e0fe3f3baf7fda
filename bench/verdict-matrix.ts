/**
 * The throttle verdict matrix as users get it: one cold `node bin/loadgate.js` process per case
 * (verify probes and `run` scenarios), against the emulator (stage default, a route override, a
 * usage-plan key), Debian's nginx limit_req, Debian's HAProxy window counter and a dead port.
 * Right declarations must pass (exit 0); rate ±10%, burst ×2 and ÷2 must fail (exit 1); a
 * window counter must fail as "not a token bucket"; no answer is no-response (exit 1).
 * `npm run bench -- verdicts` prints every case and the counts (docs/throttling.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { spawnEmulator } from '../src/emulator/process.ts';
import { parseEmulatorConfig } from '../src/emulator/config.ts';
import type { RunResult } from '../src/result/schema.ts';
import { nginxInstalled, startNginx } from './servers/nginx.ts';
import { haproxyInstalled, startHaproxy } from './servers/haproxy.ts';
import type { BenchReport } from './engine.ts';
import { MATRIX_KEY, MATRIX_TRUE_LIMITS, withBucket, type MatrixBucket } from './servers/matrix-api.ts';

const KEY = MATRIX_KEY;
const TRUTH = MATRIX_TRUE_LIMITS;
type Where = MatrixBucket;
const ERRORS = [['right', 1, 1], ['rate+10%', 1.1, 1], ['rate-10%', 0.9, 1], ['burst×2', 1, 2], ['burst÷2', 1, 0.5]] as const;

interface Case { readonly name: string; readonly args: string[]; readonly want: string; readonly wantExit: number }
interface Outcome extends Case { readonly got: string; readonly exit: number; readonly ok: boolean; readonly reason: string }

const dir = mkdtempSync(join(tmpdir(), 'lg-verdict-bench-'));

function limitsWith(where: Where, rateX: number, burstX: number): string {
  const d = withBucket(where, (t) => ({ rateRps: t.rateRps * rateX, burst: Math.max(1, Math.round(t.burst * burstX)) }));
  const file = join(dir, `limits-${where}-${rateX}-${burstX}.json`);
  writeFileSync(file, JSON.stringify(d));
  return file;
}

function runCase(c: Case, i: number): Outcome {
  const out = join(dir, `case-${i}`);
  const child = spawnSync(process.execPath, ['bin/loadgate.js', ...c.args, '--out', out, '-q'], { encoding: 'utf8', timeout: 120_000 });
  let got = 'no result';
  let reason = (child.stderr ?? '').split('\n').find((l) => l.startsWith('loadgate:')) ?? '';
  try {
    const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    got = r.verify?.verdict ?? r.throttle?.verdict ?? 'none';
    reason = r.verify?.reason ?? r.throttle?.reason ?? reason;
  } catch {
    // no result.json: the line on stderr says why
  }
  const exit = child.status ?? -1;
  const ok = (c.want === 'fail(window)' ? got === 'fail' && /not a token bucket/.test(reason) : got === c.want) && exit === c.wantExit;
  return { ...c, got, exit, ok, reason };
}

export async function benchVerdicts(): Promise<BenchReport> {
  const cases: Case[] = [];
  const emulator = await spawnEmulator(parseEmulatorConfig(TRUTH, 'matrix'));
  const stage = emulator.stages.prod;
  const routes: readonly [Where, string, string[]][] = [['stage', '/items', []], ['slow', '/slow', []], ['plan', '/keyed', ['--api-key', KEY]]];
  for (const [where, path, extra] of routes) {
    for (const [label, rateX, burstX] of ERRORS) {
      cases.push({ name: `emulator verify ${where} ${label}`, args: ['verify', '--target', stage, '--path', path, ...extra, '--limits', limitsWith(where, rateX, burstX)], want: label === 'right' ? 'pass' : 'fail', wantExit: label === 'right' ? 0 : 1 });
    }
  }
  for (const [shape, phases] of [
    ['steady 150 rps', [{ shape: 'constant', rateRps: 150, duration: '10s' }]],
    ['ramp 20→250 rps', [{ shape: 'ramp', fromRps: 20, toRps: 250, duration: '10s' }]],
    ['poisson 140 rps', [{ shape: 'poisson', rateRps: 140, duration: '10s' }]],
  ] as const) {
    for (const [label, rateX, burstX] of ERRORS) {
      const scenario = join(dir, `scenario-${cases.length}.json`);
      writeFileSync(scenario, JSON.stringify({ name: `matrix ${shape}`, target: stage, requests: [{ path: '/items' }], phases, limits: JSON.parse(readFileSync(limitsWith('stage', rateX, burstX), 'utf8')) }));
      cases.push({ name: `emulator run ${shape} ${label}`, args: ['run', scenario], want: label === 'right' ? 'pass' : 'fail', wantExit: label === 'right' ? 0 : 1 });
    }
  }
  const stops: (() => Promise<void>)[] = [() => emulator.close()];
  if (nginxInstalled()) {
    const nginx = await startNginx({
      http: 'limit_req_zone $binary_remote_addr zone=z:1m rate=50r/s;',
      locations: 'location = /limited50 { limit_req zone=z burst=19 nodelay; limit_req_status 429; try_files /ok.txt =404; }\n    location / { return 404; }',
      files: { 'ok.txt': 'ok\n' },
    });
    stops.push(() => nginx.stop());
    for (const [label, rateX, burstX] of ERRORS) {
      cases.push({ name: `nginx verify ${label}`, args: ['verify', '--target', `${nginx.url}/limited50`, '--rate', String(50 * rateX), '--burst', String(Math.round(20 * burstX))], want: label === 'right' ? 'pass' : 'fail', wantExit: label === 'right' ? 0 : 1 });
    }
  }
  if (haproxyInstalled()) {
    const haproxy = await startHaproxy({ limit: 50, period: '1s' });
    stops.push(() => haproxy.stop());
    cases.push({ name: 'haproxy window declared as a bucket', args: ['verify', '--target', haproxy.url, '--rate', '50', '--burst', '50'], want: 'fail(window)', wantExit: 1 });
  }
  cases.push({ name: 'dead port, declared', args: ['verify', '--target', 'http://127.0.0.1:9', '--rate', '50', '--burst', '20', '--max-duration', '3s'], want: 'no-response', wantExit: 1 });
  cases.push({ name: 'dead port, nothing declared', args: ['verify', '--target', 'http://127.0.0.1:9', '--max-requests', '200', '--max-duration', '3s'], want: 'no-response', wantExit: 1 });
  const outcomes: Outcome[] = [];
  try {
    cases.forEach((c, i) => {
      const o = runCase(c, i);
      outcomes.push(o);
      process.stderr.write(`bench: verdicts ${i + 1}/${cases.length} ${o.ok ? 'ok  ' : 'WRONG'} ${c.name}: ${o.got} (exit ${o.exit})\n`);
    });
  } finally {
    for (const stop of stops) await stop();
  }
  const table = new Table({ head: ['case', 'want', 'got', 'exit', ''], style: { head: [], border: [] } });
  for (const o of outcomes) table.push([o.name, `${o.want} (${o.wantExit})`, o.got, String(o.exit), o.ok ? 'ok' : `WRONG: ${o.reason.slice(0, 120)}`]);
  const right = outcomes.filter((o) => o.ok).length;
  const passedWrong = outcomes.filter((o) => o.want !== 'pass' && o.got === 'pass').length;
  return {
    name: 'Throttle verdicts, cold CLI per case',
    table: table.toString(),
    metrics: { cases: outcomes.length, right, wrong: outcomes.length - right, wrongDeclarationsPassed: passedWrong },
    notes: [`${right} of ${outcomes.length} cases right; ${passedWrong} wrong declarations passed`],
  };
}
