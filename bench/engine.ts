/**
 * Engine benchmark: how fast loadgate can keep an open-loop schedule, side by side with
 * autocannon (and wrk when installed) at their closed-loop maximum against the same target,
 * which runs in another process (bench/servers/targets.ts: nginx, else node:http).
 *
 *   loadgate  step the rate up (x1.5 from 1000 rps, 3 s each) until two rates in a row miss
 *             "achieved >= 99% of target and send-lag p99 <= 2 ms", then try the midpoint above
 *             the best; a failed step is retried once (the machine is shared)
 *   saturated loadgate with arrivals far above capacity and 50 in flight: like-for-like with
 *             the closed-loop peers (5 s, median of 3, in this process)
 *   peers     closed loop, 50 connections, 5 s, median of 3, each in its own process
 *   CPU       seconds of CPU (user + system) per 10k requests of the generating process
 *   memory    peak RSS of a child process sending 200k requests (1M with BENCH_FULL=1)
 *
 * Run alone: `npx tsx bench/engine.ts`. Child modes (internal): --autocannon, --rss.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { runLoad } from '../src/load/run-load.ts';
import { warmConnectionsFor } from '../src/load/warm-up.ts';
import type { ArrivalCursor, RequestFactory } from '../src/load/inputs.ts';
import { startTarget, type BenchTarget } from './servers/targets.ts';

/** What a benchmark returns to bench/run.ts: a printable table and its figures by name. */
export interface BenchReport {
  readonly name: string;
  readonly table: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly notes: readonly string[];
}

const STEP_SECONDS = 3;
const PEER_SECONDS = 5;
const PEER_CONNECTIONS = 50;
const LAG_P99_LIMIT_MS = 2;
const WRK = '/usr/bin/wrk';
const SELF = fileURLToPath(import.meta.url);

function constantArrivals(rateRps: number, durationMs: number): ArrivalCursor {
  const count = Math.floor((rateRps * durationMs) / 1000);
  let i = 0;
  return { next: () => (i < count ? (++i * 1000) / rateRps : Infinity) };
}

const getRoot: RequestFactory = {
  prepare: () => ({ requestIndex: 0, method: 'GET', path: '/', headers: {}, body: undefined }),
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface StepResult {
  readonly rateRps: number;
  readonly achievedRps: number;
  readonly lagP99Ms: number;
  readonly held: boolean;
  readonly cpuPer10kS: number;
}

/** One open-loop step in this process. */
async function loadgateStep(url: string, rateRps: number, seconds: number): Promise<StepResult> {
  const durationMs = seconds * 1000;
  const cpu0 = process.cpuUsage();
  const out = await runLoad({
    target: url, arrivals: constantArrivals(rateRps, durationMs), plannedDurationMs: durationMs, factory: getRoot,
    requestNames: ['GET /'], signal: new AbortController().signal,
    options: { maxInFlight: 2000, connections: undefined, timeoutMs: 10_000, graceMs: 2000 },
    // As `loadgate run` does: connections for the schedule's peak opened before the first arrival.
    warmConnections: warmConnectionsFor([{ shape: 'constant', rateRps, durationMs, arrivals: 'uniform' }], 2000),
  });
  const cpu = process.cpuUsage(cpu0);
  const { sent, errors } = out.measurement.totals;
  const achievedRps = sent / (durationMs / 1000);
  const held = achievedRps >= 0.99 * rateRps && out.sendLagMs.p99 <= LAG_P99_LIMIT_MS && errors === 0;
  return { rateRps, achievedRps, lagP99Ms: out.sendLagMs.p99, held, cpuPer10kS: ((cpu.user + cpu.system) / 1e6 / sent) * 1e4 };
}

/**
 * loadgate like-for-like with a closed-loop peer: arrivals far above what the target can answer,
 * at most PEER_CONNECTIONS in flight (the rest dropped and counted), so throughput is bounded the
 * way autocannon's is: by its connections and the per-request cost of both ends.
 */
async function loadgateSaturated(url: string): Promise<PeerResult> {
  const durationMs = PEER_SECONDS * 1000;
  const cpu0 = process.cpuUsage();
  const out = await runLoad({
    target: url, arrivals: constantArrivals(500_000, durationMs), plannedDurationMs: durationMs, factory: getRoot,
    requestNames: ['GET /'], signal: new AbortController().signal,
    options: { maxInFlight: PEER_CONNECTIONS, connections: PEER_CONNECTIONS, timeoutMs: 10_000, graceMs: 2000 },
  });
  const cpu = process.cpuUsage(cpu0);
  const { completed } = out.measurement.totals;
  return { rps: completed / PEER_SECONDS, cpuPer10kS: ((cpu.user + cpu.system) / 1e6 / completed) * 1e4 };
}

async function heldTwice(url: string, rateRps: number): Promise<StepResult> {
  const step = await loadgateStep(url, rateRps, STEP_SECONDS);
  return step.held ? step : loadgateStep(url, rateRps, STEP_SECONDS);
}

/**
 * Steps the rate up until two rates in a row are not held (one bad step on a shared machine
 * is noise), then tries the midpoint above the highest held rate; returns every step run.
 */
async function findMaxOpenLoopRate(url: string): Promise<StepResult[]> {
  await loadgateStep(url, 2000, 1); // JIT warm-up, not reported
  const steps: StepResult[] = [];
  let failedInARow = 0;
  for (let rate = 1000; rate <= 200_000 && failedInARow < 2; rate = Math.round(rate * 1.5)) {
    const step = await heldTwice(url, rate);
    steps.push(step);
    failedInARow = step.held ? 0 : failedInARow + 1;
  }
  const best = steps.filter((s) => s.held).at(-1);
  const above = best && steps.find((s) => s.rateRps > best.rateRps);
  if (best && above) steps.push(await heldTwice(url, Math.round((best.rateRps + above.rateRps) / 2)));
  return steps;
}

interface PeerResult {
  readonly rps: number;
  readonly cpuPer10kS: number;
}

function runChild(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', SELF, ...args], { maxBuffer: 1 << 20 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

async function autocannonOnce(url: string): Promise<PeerResult> {
  return JSON.parse(await runChild(['--autocannon', url])) as PeerResult;
}

/** CPU seconds (utime + stime) of a live process from /proc/<pid>/stat. */
function procCpuS(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** wrk, closed loop; its CPU is sampled from /proc every 100 ms until it exits (the tail is lost). */
function wrkOnce(url: string): Promise<PeerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, ['-t1', `-c${PEER_CONNECTIONS}`, `-d${PEER_SECONDS}s`, `${url}/`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let cpuS = 0;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const sampler = setInterval(() => (cpuS = procCpuS(child.pid ?? -1) ?? cpuS), 100);
    child.once('exit', () => {
      clearInterval(sampler);
      const total = Number(/(\d+) requests in/.exec(out)?.[1]);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      if (!Number.isFinite(total) || !Number.isFinite(rps)) reject(new Error(`wrk output not understood: ${out}`));
      else resolve({ rps, cpuPer10kS: (cpuS / total) * 1e4 });
    });
  });
}

async function medianOf3(run: () => Promise<PeerResult>): Promise<PeerResult> {
  const results = [await run(), await run(), await run()];
  return { rps: median(results.map((r) => r.rps)), cpuPer10kS: median(results.map((r) => r.cpuPer10kS)) };
}

async function peakRss(url: string, requests: number, rateRps: number): Promise<{ maxRssMb: number; sent: number }> {
  return JSON.parse(await runChild(['--rss', url, String(requests), String(rateRps)])) as { maxRssMb: number; sent: number };
}

function fmt(n: number | null, digits = 0): string {
  return n === null ? 'n/a' : n.toFixed(digits);
}

/** Runs the whole engine benchmark (about 1.5 min; 3 min with BENCH_FULL=1). */
export async function benchEngine(): Promise<BenchReport> {
  const rssRequests = process.env.BENCH_FULL === '1' ? 1_000_000 : 200_000;
  const target: BenchTarget = await startTarget();
  try {
    const steps = await findMaxOpenLoopRate(target.url);
    const held = steps.filter((s) => s.held).sort((a, b) => a.rateRps - b.rateRps).at(-1);
    const saturated = await medianOf3(() => loadgateSaturated(target.url));
    const ac = await medianOf3(() => autocannonOnce(target.url));
    const wrk = existsSync(WRK) ? await medianOf3(() => wrkOnce(target.url)) : null;
    const rssRate = Math.min(Math.max(held?.rateRps ?? 0, 5000), 10_000);
    const rss = await peakRss(target.url, rssRequests, rssRate);
    return report(target, steps, held, saturated, ac, wrk, rss, rssRequests, rssRate);
  } finally {
    await target.stop();
  }
}

function report(
  target: BenchTarget, steps: readonly StepResult[], held: StepResult | undefined, saturated: PeerResult, ac: PeerResult,
  wrk: PeerResult | null, rss: { maxRssMb: number; sent: number }, rssRequests: number, rssRate: number,
): BenchReport {
  const table = new Table({ head: ['tool', 'mode', 'rps', 'vs autocannon', 'CPU s / 10k req'] });
  const lg = held?.rateRps ?? 0;
  table.push(
    ['loadgate', `open loop, lag p99 <= ${LAG_P99_LIMIT_MS} ms`, fmt(lg), fmt(lg / ac.rps, 2), fmt(held?.cpuPer10kS ?? null, 3)],
    ['loadgate', `saturated, ${PEER_CONNECTIONS} in flight`, fmt(saturated.rps), fmt(saturated.rps / ac.rps, 2), fmt(saturated.cpuPer10kS, 3)],
    ['autocannon 8', `closed, ${PEER_CONNECTIONS} conns`, fmt(ac.rps), '1.00', fmt(ac.cpuPer10kS, 3)],
  );
  if (wrk) table.push(['wrk', `closed, ${PEER_CONNECTIONS} conns, 1 thread`, fmt(wrk.rps), fmt(wrk.rps / ac.rps, 2), fmt(wrk.cpuPer10kS, 3)]);
  const stepLines = steps.map((s) => `${s.rateRps} rps: achieved ${s.achievedRps.toFixed(0)}, lag p99 ${s.lagP99Ms.toFixed(2)} ms, ${s.held ? 'held' : 'NOT held'}`);
  return {
    name: 'engine',
    table: `${table.toString()}\ntarget: ${target.name}; loadgate peak RSS over ${rss.sent} requests at ${rssRate} rps: ${rss.maxRssMb.toFixed(0)} MB\n${stepLines.join('\n')}`,
    metrics: {
      loadgateMaxOpenLoopRps: held?.rateRps ?? null, loadgateCpuPer10kS: held?.cpuPer10kS ?? null,
      autocannonRps: ac.rps, autocannonCpuPer10kS: ac.cpuPer10kS, wrkRps: wrk?.rps ?? null, wrkCpuPer10kS: wrk?.cpuPer10kS ?? null,
      loadgateVsAutocannon: held ? held.rateRps / ac.rps : null,
      loadgateSaturatedRps: saturated.rps, loadgateSaturatedCpuPer10kS: saturated.cpuPer10kS, peakRssMb: rss.maxRssMb, rssRequests,
    },
    notes: [`target ${target.name} in its own process; machine shared, figures are medians or best held step`],
  };
}

type Autocannon = (opts: { url: string; connections: number; duration: number; pipelining: number }) => Promise<{ requests: { total: number; average: number } }>;

/** Child: autocannon's programmatic API in its own process; prints rps and CPU per 10k. */
async function autocannonChild(url: string): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const cpu0 = process.cpuUsage();
  const r = await autocannon({ url: `${url}/`, connections: PEER_CONNECTIONS, duration: PEER_SECONDS, pipelining: 1 });
  const cpu = process.cpuUsage(cpu0);
  const cpuPer10kS = ((cpu.user + cpu.system) / 1e6 / r.requests.total) * 1e4;
  process.stdout.write(JSON.stringify({ rps: r.requests.total / PEER_SECONDS, cpuPer10kS }));
}

/** Child: one long loadgate run; prints peak RSS. */
async function rssChild(url: string, requests: number, rateRps: number): Promise<void> {
  const durationMs = (requests / rateRps) * 1000;
  const out = await runLoad({
    target: url, arrivals: constantArrivals(rateRps, durationMs), plannedDurationMs: durationMs, factory: getRoot,
    requestNames: ['GET /'], signal: new AbortController().signal,
    options: { maxInFlight: 2000, connections: undefined, timeoutMs: 10_000, graceMs: 2000 },
    // As `loadgate run` does: connections for the schedule's peak opened before the first arrival.
    warmConnections: warmConnectionsFor([{ shape: 'constant', rateRps, durationMs, arrivals: 'uniform' }], 2000),
  });
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ maxRssMb, sent: out.measurement.totals.sent }));
}

const [mode, ...rest] = process.argv.slice(2);
if (process.argv[1] === SELF) {
  if (mode === '--autocannon') await autocannonChild(rest[0]);
  else if (mode === '--rss') await rssChild(rest[0], Number(rest[1]), Number(rest[2]));
  else {
    const r = await benchEngine();
    process.stdout.write(`${r.table}\n${JSON.stringify(r.metrics, null, 2)}\n`);
  }
}
