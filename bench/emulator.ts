/**
 * Emulator benchmark: the emulator in its own process (spawnEmulator) enforcing a stage limit of
 * 5,000 rps / burst 500, beside nginx `limit_req` at the same rate and burst (burst=499: nginx's
 * bucket holds burst + 1) serving a file, both driven from this process.
 *
 *   offered   our open-loop engine (src/load/run-load.ts) at 7,500 rps evenly spaced (above the
 *             limit), 5 s: 2xx/s must sit near the limit for both; CPU s per 10k requests of the
 *             server. (autocannon's overallRate fires each second's quota in a clump at the start
 *             of the second, which a token bucket answers with little more than its burst.)
 *   max       autocannon closed loop, 50 connections, 5 s: requests/s served (any status)
 *   memory    the emulator's RSS after each of the runs: flat under sustained load
 *
 * CPU is the server process tree's utime + stime from /proc (nginx: master + its one worker),
 * so "per core" means CPU seconds per 10k requests (docs/architecture.md "Benchmarks"). Runs alternate between the two
 * servers; each figure is the median of 3 runs. Run alone: `npx tsx bench/emulator.ts`.
 * The load generator shares the machine: on a busy 2-core box the absolute figures move, the
 * ratios much less.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { parseEmulatorConfig } from '../src/emulator/config.ts';
import { spawnEmulator } from '../src/emulator/process.ts';
import { runLoad, type ArrivalCursor, type RequestFactory } from '../src/load/run-load.ts';
import type { BenchReport } from './engine.ts';
import { NGINX, nginxInstalled, startNginx } from './servers/nginx.ts';

const RATE_RPS = 5_000;
const BURST = 500;
const OFFERED_RPS = 7_500;
const SECONDS = 5;
const CONNECTIONS = 50;
const ROUNDS = 3;
const CLK_TCK = 100;

interface Server {
  readonly name: string;
  /** The stage base URL; the benchmark requests `${base}/items`. */
  readonly base: string;
  /** Process ids whose CPU counts as the server's. */
  pids(): number[];
  stop(): Promise<void>;
}

interface Run {
  /** Requests answered per second (any status). */
  readonly rps: number;
  readonly okRps: number;
  readonly status429: number;
  readonly errors: number;
  readonly cpuPer10kS: number;
  /** Requests sent per second. */
  readonly sentRps: number;
}

interface AutocannonResult {
  readonly requests: { readonly total: number };
  readonly errors: number;
  readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** utime + stime of `pid` in seconds (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * nginx limit_req at the emulator's rate and burst (burst B-1: nginx's bucket holds B), serving a
 * file since `return` would run before limit_req.
 */
async function startNginxLimiter(): Promise<Server> {
  const nginx = await startNginx({
    http: `limit_req_zone $server_port zone=stage:1m rate=${RATE_RPS}r/s;`,
    locations: `location /prod/ { limit_req zone=stage burst=${BURST - 1} nodelay; limit_req_status 429; default_type application/json; }`,
    files: { 'prod/items': '{}' },
  });
  const status = await fetch(`${nginx.url}/prod/items`).then((r) => r.status, () => 0);
  if (status !== 200) {
    await nginx.stop();
    throw new Error(`nginx answered ${status || 'nothing'} on ${nginx.url}/prod/items`);
  }
  return { name: 'nginx limit_req', base: `${nginx.url}/prod`, pids: () => [nginx.pid, ...childrenOf(nginx.pid)], stop: () => nginx.stop() };
}

async function startEmulatorServer(): Promise<Server & { readonly pid: number }> {
  const config = parseEmulatorConfig({
    api: { type: 'rest', name: 'bench' },
    stages: { prod: { throttle: { rateRps: RATE_RPS, burst: BURST } } },
    routes: { 'GET /items': { integration: { type: 'mock', status: 200, body: {} } } },
  });
  const emulator = await spawnEmulator(config);
  return { name: 'loadgate emulator', base: emulator.stages.prod, pid: emulator.pid, pids: () => [emulator.pid], stop: () => emulator.close() };
}

function evenly(rateRps: number, durationMs: number): ArrivalCursor {
  const count = Math.floor((rateRps * durationMs) / 1000);
  let i = 0;
  return { next: () => (i < count ? (++i * 1000) / rateRps : Infinity) };
}

const getItems: RequestFactory = { prepare: () => ({ requestIndex: 0, method: 'GET', path: '/items', headers: {}, body: undefined }) };

function serverCpuSeconds(server: Server): number {
  return server.pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** Open loop at `rateRps`, evenly spaced, with our engine. */
async function offeredRun(server: Server, rateRps: number): Promise<Run> {
  const cpu0 = serverCpuSeconds(server);
  const out = await runLoad({
    target: server.base, arrivals: evenly(rateRps, SECONDS * 1000), plannedDurationMs: SECONDS * 1000, factory: getItems,
    requestNames: ['GET /items'], signal: new AbortController().signal,
    options: { maxInFlight: 2000, connections: undefined, timeoutMs: 10_000, graceMs: 2000 },
  });
  const cpu = serverCpuSeconds(server) - cpu0;
  const { totals } = out.measurement;
  return {
    rps: totals.completed / SECONDS, okRps: (totals.byStatus['200'] ?? 0) / SECONDS, status429: totals.byStatus['429'] ?? 0,
    errors: totals.errors + totals.dropped, cpuPer10kS: (cpu / Math.max(1, totals.completed)) * 1e4, sentRps: totals.sent / SECONDS,
  };
}

/** Closed loop, as fast as autocannon goes. */
async function maxRun(server: Server): Promise<Run> {
  const cpu0 = serverCpuSeconds(server);
  const r = await autocannon({ url: `${server.base}/items`, connections: CONNECTIONS, duration: SECONDS });
  const cpu = serverCpuSeconds(server) - cpu0;
  const answered = Object.values(r.statusCodeStats).reduce((s, c) => s + c.count, 0);
  return {
    rps: answered / SECONDS, okRps: (r.statusCodeStats['200']?.count ?? 0) / SECONDS, status429: r.statusCodeStats['429']?.count ?? 0,
    errors: r.errors, cpuPer10kS: (cpu / Math.max(1, answered)) * 1e4, sentRps: r.requests.total / SECONDS,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

/** Runs the comparison and returns its table and figures. */
export async function benchEmulator(): Promise<BenchReport> {
  const notes: string[] = [];
  const emulator = await startEmulatorServer();
  const servers: Server[] = [emulator];
  if (nginxInstalled()) servers.push(await startNginxLimiter());
  else notes.push(`${NGINX} not installed: nginx column skipped`);
  const offered = new Map<string, Run[]>(servers.map((s) => [s.name, []]));
  const max = new Map<string, Run[]>(servers.map((s) => [s.name, []]));
  const rss: number[] = [];
  try {
    for (const s of servers) await maxRun(s); // warm-up (JIT, connections), not reported
    rss.push(rssMb(emulator.pid));
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of servers) {
        offered.get(s.name)?.push(await offeredRun(s, OFFERED_RPS));
        max.get(s.name)?.push(await maxRun(s));
      }
      rss.push(rssMb(emulator.pid));
    }
  } finally {
    for (const s of servers) await s.stop();
  }
  const pick = (runs: Map<string, Run[]>, name: string, key: keyof Run): number => median((runs.get(name) ?? []).map((r) => r[key]));
  const metrics: Record<string, number | null> = {};
  const table = new Table({ head: ['server', `sent/s (${fmt(OFFERED_RPS)} planned)`, '2xx/s', 'CPU s / 10k (offered)', 'req/s max', 'CPU s / 10k (max)', 'errors'] });
  for (const s of servers) {
    const key = s === emulator ? 'emulator' : 'nginx';
    metrics[`${key}.sentRpsOffered`] = pick(offered, s.name, 'sentRps');
    metrics[`${key}.okRpsOffered`] = pick(offered, s.name, 'okRps');
    metrics[`${key}.cpuPer10kOfferedS`] = pick(offered, s.name, 'cpuPer10kS');
    metrics[`${key}.maxRps`] = pick(max, s.name, 'rps');
    metrics[`${key}.cpuPer10kMaxS`] = pick(max, s.name, 'cpuPer10kS');
    const errors = [...(offered.get(s.name) ?? []), ...(max.get(s.name) ?? [])].reduce((n, r) => n + r.errors, 0);
    table.push([s.name, fmt(metrics[`${key}.sentRpsOffered`] ?? NaN), fmt(metrics[`${key}.okRpsOffered`] ?? NaN), fmt(metrics[`${key}.cpuPer10kOfferedS`] ?? NaN, 3), fmt(metrics[`${key}.maxRps`] ?? NaN), fmt(metrics[`${key}.cpuPer10kMaxS`] ?? NaN, 3), String(errors)]);
  }
  if (servers.length > 1) {
    const ratio = (m: string): number => (metrics[`emulator.${m}`] ?? NaN) / (metrics[`nginx.${m}`] ?? NaN);
    metrics['ratio.cpuPer10kOffered'] = ratio('cpuPer10kOfferedS');
    metrics['ratio.cpuPer10kMax'] = ratio('cpuPer10kMaxS');
    metrics['ratio.maxRps'] = ratio('maxRps');
    table.push(['emulator / nginx', '', fmt(ratio('okRpsOffered'), 2), fmt(metrics['ratio.cpuPer10kOffered'], 2), fmt(metrics['ratio.maxRps'], 2), fmt(metrics['ratio.cpuPer10kMax'], 2), '']);
    notes.push(`goal: emulator CPU per 10k requests within 2x of nginx (ratio <= 2): ${metrics['ratio.cpuPer10kOffered'] <= 2 ? 'met' : 'NOT met'} at the offered rate`);
  }
  metrics['emulator.rssStartMb'] = rss[0];
  metrics['emulator.rssEndMb'] = rss[rss.length - 1];
  notes.push(`emulator RSS after warm-up and after each round: ${rss.map((x) => fmt(x, 1)).join(', ')} MB`);
  notes.push(`limit ${fmt(RATE_RPS)} rps / burst ${BURST}: ${SECONDS} s at ${fmt(OFFERED_RPS)} rps offered should admit about ${fmt(RATE_RPS + BURST / SECONDS)} 2xx/s`);
  notes.push('errors = network errors + arrivals dropped at the in-flight cap (the server fell behind for a moment) + autocannon errors, over all runs');
  return { name: 'emulator', table: table.toString(), metrics, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await benchEmulator();
  process.stdout.write(`${report.table}\n${report.notes.map((n) => `- ${n}`).join('\n')}\n`);
}
