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
import { tmpdir } from 'node:os';
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

export async function benchScale(): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-scale-'));
  const table = new Table({ head: ['rate', 'mode', 'exit', 'sent', 'nginx count', 'achieved rps', 'send-lag p99 ms', 'dropped', 'CPU µs/req', 'p99 ms (HDR)', 'p99 ms (exact)', 'wall s'] });
  const metrics: Record<string, number | null> = {};
  const notes: string[] = [];
  try {
    for (const rateRps of RATES_RPS) {
      for (const workers of [0, 1, 2]) {
        const accessLog = join(dir, `access-${rateRps}-${workers}.log`);
        const nginx = await startNginx({ locations: 'location / { return 200 "ok"; }', arrivalLog: accessLog });
        const out = join(dir, `run-${rateRps}-${workers}`);
        const mode = workers === 0 ? 'one process' : `--workers ${workers}`;
        let run;
        try {
          run = await cli(['run', '--target', nginx.url, '--rps', String(rateRps), '--duration', `${DURATION_S}s`, '--out', out, '--quiet', ...(workers ? ['--workers', String(workers)] : [])]);
        } finally {
          await nginx.stop();
        }
        if (!existsSync(join(out, 'result.json'))) {
          notes.push(`${mode} at ${rateRps} rps wrote no result (exit ${run.code}): ${run.stderr.trim().split('\n').pop()}`);
          continue;
        }
        const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
        const nginxCount = (await readFile(accessLog, 'utf8')).split('\n').filter(Boolean).length;
        const cpuUsPerRequest = result.totals.sent > 0 && result.schedule.cpuMs !== undefined ? (1000 * result.schedule.cpuMs) / result.totals.sent : null;
        const exact = exactP99OfRun(out, workers);
        const key = `${rateRps}rps.${workers === 0 ? 'single' : `workers${workers}`}`;
        Object.assign(metrics, {
          [`${key}.sent`]: result.totals.sent, [`${key}.nginxCount`]: nginxCount, [`${key}.achievedRps`]: result.schedule.achievedRps,
          [`${key}.sendLagP99Ms`]: result.schedule.sendLagMs.p99, [`${key}.cpuUsPerRequest`]: cpuUsPerRequest, [`${key}.p99Ms`]: result.latencyMs.p99, [`${key}.exactP99Ms`]: exact,
        });
        if (result.totals.sent !== nginxCount) notes.push(`MISMATCH ${mode} at ${rateRps} rps: loadgate counted ${result.totals.sent}, nginx logged ${nginxCount}`);
        if (Math.abs(result.latencyMs.p99 - exact) > exact * 1e-3 + 1e-3) notes.push(`MISMATCH ${mode} at ${rateRps} rps: p99 ${result.latencyMs.p99} vs exact ${exact}`);
        table.push([rateRps, mode, run.code, result.totals.sent, nginxCount, result.schedule.achievedRps.toFixed(0), result.schedule.sendLagMs.p99.toFixed(2), result.totals.dropped,
          cpuUsPerRequest?.toFixed(1) ?? '-', result.latencyMs.p99.toFixed(3), exact.toFixed(3), run.wallS.toFixed(1)]);
      }
    }
    notes.push(...(await verdicts(dir, metrics)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  notes.push('CPU µs/req sums every part\'s own CPU from its time 0 to the end of its drain (coordinator and start-up excluded); wall s includes the cold start of every process');
  return { name: 'scale: --workers vs one process (cold CLI, nginx target)', table: table.toString(), metrics, notes };
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
  for (const workers of [0, 4]) {
    const seen: string[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(dir, `verdict-${workers}-${i}`);
      await cli(['run', scenarioFile, '--out', out, '--quiet', ...(workers ? ['--workers', String(workers)] : [])]);
      const result = existsSync(join(out, 'result.json')) ? (JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult) : undefined;
      const b = result?.throttle?.buckets[0];
      seen.push(b ? `${result!.throttle!.verdict} (rate ${b.rate.verdict}, burst ${b.burst.verdict})` : 'no result');
    }
    metrics[`verdict.${workers === 0 ? 'single' : 'workers4'}.passes`] = seen.filter((s) => s.startsWith('pass')).length;
    rows.push(`throttle verdict, ${workers === 0 ? 'one process' : '--workers 4'}, ${runs} runs against the emulator (50 rps / burst 25): ${seen.join('; ')}`);
  }
  return rows;
}
