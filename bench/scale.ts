/**
 * `npm run bench -- scale` (issue 16 item 5): `loadgate run --workers 2` vs `--workers 1` vs a
 * plain run, each a cold CLI, against Debian's nginx in a process of its own. Per step: the
 * open-loop rate kept (achieved, send-lag p99, drops), loadgate's CPU per request (the parts'
 * own cpuMs, summed), the merged count against nginx's own access log (must be equal), and the
 * merged p99 against the exact p99 of every part's rows (must agree within HDR precision).
 * Then the throttle verdict of single-process and --workers 4 runs against the emulator, side by side.
 * A 2-core machine shared with other work shows correctness and overhead, not scaling: see docs/scale-out.md.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { RunResult } from '../src/result/schema.ts';
import { readSendLogFile } from '../src/record/send-log-file.ts';
import { startNginx } from './servers/nginx.ts';
import type { BenchReport } from './engine.ts';

const BIN = fileURLToPath(new URL('../bin/loadgate.js', import.meta.url));
const RATES_RPS = (process.env.BENCH_SCALE_RATES ?? '2000,4000').split(',').map(Number);
const DURATION_S = 5;

function cli(args: readonly string[]): Promise<{ code: number | null; wallS: number; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-3000); });
    child.on('close', (code) => resolve({ code, wallS: (performance.now() - started) / 1000, stderr }));
  });
}

function exactP99(latencies: number[]): number {
  latencies.sort((a, b) => a - b);
  return latencies[Math.max(0, Math.ceil(0.99 * latencies.length) - 1)] ?? 0;
}

/** Exact p99 latency over every part's own rows (or the run's one log). */
function exactP99OfRun(dir: string, workers: number): number {
  const logs = workers === 0 ? [join(dir, 'send-log.bin')] : Array.from({ length: workers }, (_, i) => join(dir, 'parts', `part-${i}`, 'send-log.bin'));
  const latencies: number[] = [];
  for (const file of logs) {
    const { log } = readSendLogFile(file);
    for (let i = 0; i < log.count; i++) if (log.status[i]! > 0) latencies.push(log.endMs[i]! - log.intendedMs[i]!);
  }
  return exactP99(latencies);
}

const REPEATS = Number(process.env.BENCH_SCALE_REPEATS ?? 3);
const MODES = [0, 1, 2] as const;

interface Step { readonly sent: number; readonly achievedRps: number; readonly sendLagP99Ms: number; readonly cpuUsPerRequest: number | null; readonly kept: boolean }

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function benchScale(): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-scale-'));
  const table = new Table({ head: ['rate', 'repeat', 'mode', 'exit', 'sent', 'nginx count', 'achieved rps', 'send-lag p99 ms', 'dropped', 'kept', 'CPU µs/req', 'p99 ms (HDR)', 'p99 ms (exact)', 'wall s'] });
  const metrics: Record<string, number | null> = {};
  const notes: string[] = [`load average before: ${loadAverage()} (${availableParallelism()} cores)`];
  const steps = new Map<string, Step[]>();
  try {
    for (const rateRps of RATES_RPS) {
      // Interleaved: each repeat runs one process, --workers 1 and --workers 2 back to back, so a
      // neighbour's load falls on all three alike; the ratios are taken within a repeat.
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const workers of MODES) {
          const step = await scaleStep(dir, rateRps, workers, repeat, table, notes);
          if (step) steps.set(`${rateRps}.${workers}`, [...(steps.get(`${rateRps}.${workers}`) ?? []), step]);
        }
      }
      for (const workers of MODES) {
        const key = `${rateRps}rps.${workers === 0 ? 'single' : `workers${workers}`}`;
        const runs = steps.get(`${rateRps}.${workers}`) ?? [];
        metrics[`${key}.achievedRps.median`] = median(runs.map((r) => r.achievedRps));
        metrics[`${key}.sendLagP99Ms.median`] = median(runs.map((r) => r.sendLagP99Ms));
        metrics[`${key}.cpuUsPerRequest.median`] = median(runs.flatMap((r) => (r.cpuUsPerRequest === null ? [] : [r.cpuUsPerRequest])));
        metrics[`${key}.kept`] = runs.filter((r) => r.kept).length;
      }
      const single = steps.get(`${rateRps}.0`) ?? [];
      for (const workers of [1, 2]) {
        const runs = steps.get(`${rateRps}.${workers}`) ?? [];
        const ratio = (pick: (s: Step) => number | null) => median(runs.flatMap((r, i) => {
          const a = pick(r);
          const b = single[i] ? pick(single[i]!) : null;
          return a !== null && b !== null && b > 0 ? [a / b] : [];
        }));
        const key = `${rateRps}rps.workers${workers}VsSingle`;
        metrics[`${key}.achievedRpsRatio`] = ratio((r) => r.achievedRps);
        metrics[`${key}.cpuPerRequestRatio`] = ratio((r) => r.cpuUsPerRequest);
        metrics[`${key}.sendLagP99Ratio`] = ratio((r) => r.sendLagP99Ms);
        notes.push(`${rateRps} rps, --workers ${workers} / one process, median of ${runs.length} paired ratios: achieved ${fmt(metrics[`${key}.achievedRpsRatio`])}, ` +
          `CPU per request ${fmt(metrics[`${key}.cpuPerRequestRatio`])}, send-lag p99 ${fmt(metrics[`${key}.sendLagP99Ratio`])}`);
      }
    }
    notes.push(...(await verdicts(dir, metrics)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  notes.push(`load average after: ${loadAverage()}`);
  notes.push('CPU µs/req sums every part\'s own CPU from its time 0 to the end of its drain (coordinator and start-up excluded); wall s includes the cold start of every process');
  return { name: 'scale: --workers vs one process (cold CLI, nginx target)', table: table.toString(), metrics, notes };
}

function fmt(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${value.toFixed(2)}x`;
}

function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** One cold CLI run at `rateRps` (workers 0 = a plain run) against a fresh nginx, checked against nginx's own count. */
async function scaleStep(dir: string, rateRps: number, workers: number, repeat: number, table: Table.Table, notes: string[]): Promise<Step | undefined> {
  const accessLog = join(dir, `access-${rateRps}-${workers}-${repeat}.log`);
  const nginx = await startNginx({ locations: 'location / { return 200 "ok"; }', arrivalLog: accessLog });
  const out = join(dir, `run-${rateRps}-${workers}-${repeat}`);
  const mode = workers === 0 ? 'one process' : `--workers ${workers}`;
  let run;
  try {
    run = await cli(['run', '--target', nginx.url, '--rps', String(rateRps), '--duration', `${DURATION_S}s`, '--out', out, '--quiet', ...(workers ? ['--workers', String(workers)] : [])]);
  } finally {
    await nginx.stop();
  }
  if (!existsSync(join(out, 'result.json'))) {
    notes.push(`${mode} at ${rateRps} rps wrote no result (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
  const nginxCount = (await readFile(accessLog, 'utf8')).split('\n').filter(Boolean).length;
  const cpuUsPerRequest = result.totals.sent > 0 && result.schedule.cpuMs !== undefined ? (1000 * result.schedule.cpuMs) / result.totals.sent : null;
  const exact = exactP99OfRun(out, workers);
  if (result.totals.sent !== nginxCount) notes.push(`MISMATCH ${mode} at ${rateRps} rps: loadgate counted ${result.totals.sent}, nginx logged ${nginxCount}`);
  if (Math.abs(result.latencyMs.p99 - exact) > exact * 1e-3 + 1e-3) notes.push(`MISMATCH ${mode} at ${rateRps} rps: p99 ${result.latencyMs.p99} vs exact ${exact}`);
  table.push([rateRps, repeat + 1, mode, run.code, result.totals.sent, nginxCount, result.schedule.achievedRps.toFixed(0), result.schedule.sendLagMs.p99.toFixed(2), result.totals.dropped,
    result.schedule.kept ? 'yes' : 'no', cpuUsPerRequest?.toFixed(1) ?? '-', result.latencyMs.p99.toFixed(3), exact.toFixed(3), run.wallS.toFixed(1)]);
  return { sent: result.totals.sent, achievedRps: result.schedule.achievedRps, sendLagP99Ms: result.schedule.sendLagMs.p99, cpuUsPerRequest, kept: result.schedule.kept === true };
}

/** Throttle verdicts of one process and of --workers 4 against the emulator (each run a fresh emulator). */
async function verdicts(dir: string, metrics: Record<string, number | null>): Promise<string[]> {
  const scenarioFile = join(dir, 'verdict.json');
  await writeFile(scenarioFile, JSON.stringify({
    name: 'scale-verdict', seed: 3, requests: [{ method: 'GET', path: '/orders' }],
    phases: [{ shape: 'burst', count: 60, duration: '500ms' }, { shape: 'constant', rateRps: 80, duration: '3s' }],
    limits: { stages: { prod: { throttle: { rateRps: 50, burst: 25 } } } },
  }));
  const rows: string[] = [];
  const runs = Number(process.env.BENCH_SCALE_VERDICT_RUNS ?? 3);
  const seen = new Map<number, string[]>([[0, []], [4, []]]);
  // Interleaved, one process then --workers 4, each run against a fresh emulator.
  for (let i = 0; i < runs; i++) {
    for (const workers of [0, 4]) {
      const out = join(dir, `verdict-${workers}-${i}`);
      await cli(['run', scenarioFile, '--out', out, '--quiet', ...(workers ? ['--workers', String(workers)] : [])]);
      const result = existsSync(join(out, 'result.json')) ? (JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult) : undefined;
      const b = result?.throttle?.buckets[0];
      seen.get(workers)!.push(b ? `${result!.throttle!.verdict} (rate ${b.rate.verdict}, burst ${b.burst.verdict}; ${result!.totals.status429ByOrigin.throttle} throttled of ${result!.totals.sent} sent, the emulator's CloudWatch count ${result!.cloudwatch.reconciliation?.gatewayCount ?? '-'})` : 'no result');
    }
  }
  for (const [workers, verdictsSeen] of seen) {
    metrics[`verdict.${workers === 0 ? 'single' : 'workers4'}.passes`] = verdictsSeen.filter((v) => v.startsWith('pass')).length;
    rows.push(`throttle verdict, ${workers === 0 ? 'one process' : '--workers 4'}, ${runs} runs against the emulator (50 rps / burst 25): ${verdictsSeen.join('; ')}`);
  }
  return rows;
}
