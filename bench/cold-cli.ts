/**
 * One benchmark step as a user runs loadgate: a fresh `node bin/loadgate.js run` process, pinned
 * to one core with taskset, against a target pinned to the other. Figures come from the
 * result.json it writes; nothing is measured inside the benchmark's own (warm) process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/result/schema.ts';

const BIN = fileURLToPath(new URL('../bin/loadgate.js', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** What one cold run measured. */
export interface ColdRun {
  readonly rateRps: number;
  readonly exitCode: number | null;
  readonly sent: number;
  readonly dropped: number;
  readonly achievedRps: number;
  readonly lagP99Ms: number;
  /** Sent in the first second (by send time) and planned for it. */
  readonly firstSecondSent: number;
  readonly firstSecondScheduled: number;
  /** CPU of the loadgate process over the measured window, s per 10k requests sent. */
  readonly cpuPer10kS: number | null;
  /** Peak RSS of the process (kernel's VmHWM), MB; and RSS samples, one a second, MB. */
  readonly peakRssMb: number;
  readonly rssMb: readonly number[];
  /** The machine's 1-minute load average when the run started (it is shared: say how busy it was). */
  readonly loadAverage: number;
}

export interface ColdRunOptions {
  readonly cpu: number;
  readonly url: string;
  readonly rateRps: number;
  readonly durationS: number;
  readonly extraArgs?: readonly string[];
  /** Sample /proc/<pid>/status VmRSS once a second. */
  readonly sampleRss?: boolean;
}

function procStatusKb(field: 'VmRSS' | 'VmHWM', text: string | undefined): number | undefined {
  const m = text === undefined ? null : new RegExp(`${field}:\\s+(\\d+) kB`).exec(text);
  return m ? Number(m[1]) : undefined;
}

async function readStatus(pid: number): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs `loadgate run --rps R --duration Ns` cold and pinned; resolves with its figures. */
export async function coldRun(opts: ColdRunOptions): Promise<ColdRun> {
  const out = await mkdtemp(join(tmpdir(), 'lg-bench-'));
  try {
    const args = [
      '-c', String(opts.cpu), process.execPath, BIN, 'run', '--target', opts.url, '--rps', String(opts.rateRps),
      '--duration', `${opts.durationS}s`, '--no-cloudwatch', '-q', '--allow-unkept-schedule', '--out', out, ...(opts.extraArgs ?? []),
    ];
    const loadAverage = loadavg()[0];
    const child = spawn('taskset', args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const rssMb: number[] = [];
    let peakKb = 0;
    const sampler = setInterval(async () => {
      const status = await readStatus(child.pid ?? -1);
      const rss = procStatusKb('VmRSS', status);
      const hwm = procStatusKb('VmHWM', status);
      if (rss !== undefined && opts.sampleRss) rssMb.push(rss / 1024);
      if (hwm !== undefined) peakKb = Math.max(peakKb, hwm);
    }, 1000);
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    clearInterval(sampler);
    let result: RunResult;
    try {
      result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
    } catch {
      throw new Error(`loadgate run at ${opts.rateRps} rps wrote no result (exit ${exitCode}): ${stderr.slice(-500)}`);
    }
    const { sent, dropped } = result.totals;
    const cpuMs = result.schedule.cpuMs;
    return {
      rateRps: opts.rateRps, exitCode, sent, dropped, achievedRps: result.schedule.achievedRps,
      lagP99Ms: result.schedule.sendLagMs.p99,
      firstSecondSent: result.timeline[0]?.sent ?? 0, firstSecondScheduled: result.timeline[0]?.scheduled ?? 0,
      cpuPer10kS: cpuMs === undefined || sent === 0 ? null : (cpuMs / 1000 / sent) * 1e4,
      peakRssMb: peakKb / 1024, rssMb, loadAverage,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** The benchmark's bar for "held" (stricter than the 5 ms of docs/architecture.md "Schedule kept"). */
export const BENCH_LAG_P99_MS = 2;

export function held(r: ColdRun): boolean {
  return r.dropped === 0 && r.achievedRps >= 0.99 * r.rateRps && r.lagP99Ms <= BENCH_LAG_P99_MS;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
