/**
 * Emulator benchmark (docs/emulator.md "Speed"): the emulator as users start it (a cold
 * `node bin/loadgate.js emulator --config FILE`), Debian's nginx `limit_req` at the same rate
 * and burst, and a bare node:net server answering a fixed 200 without parsing anything (the floor
 * of any server on node:net: bench/servers/node-net-floor.ts), each in a
 * process of its own pinned to SERVER_CPU, driven by a cold wrk (autocannon without it) pinned to LOAD_CPU:
 * closed loop, CONNECTIONS connections, SECONDS s a run, in two modes:
 *
 *   pass     a limit far above what one core can serve: every answer is the mock's 200
 *   reject   1,000 rps / burst 100 (nginx burst=99: its bucket holds burst + 1): most answers
 *            are the gateway's 429. nginx logs no line per rejection (limit_req_log_level info,
 *            below its error_log's warn), as the emulator logs none
 *
 * Per run: requests/s answered (any status) and the server's CPU s per 10k requests, from
 * utime + stime in /proc/<pid>/stat before and after (nginx: master and its one worker). Runs
 * interleave server by server within a repetition (each repetition starting with the next
 * server); ratios are taken per repetition and the table shows their medians over REPEATS. Run alone: `npx tsx bench/emulator.ts`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { BenchReport } from './engine.ts';
import { startColdEmulator } from './servers/emulator-cli.ts';
import { NGINX, nginxInstalled, startNginx } from './servers/nginx.ts';
import { startScriptServer } from './servers/script-server.ts';

const LOAD_CPU = 0;
const SERVER_CPU = 1;
const CONNECTIONS = 50;
const SECONDS = 5;
const WARM_UP_SECONDS = 3;
const REPEATS = 5;
const REJECT = { rateRps: 1_000, burst: 100 } as const;
const PASS = { rateRps: 10_000_000, burst: 10_000_000 } as const;
const CLK_TCK = 100;
const MODES = ['pass', 'reject'] as const;
type Mode = (typeof MODES)[number];

/** One server under test: where each mode's requests go, and whose CPU counts. */
interface Server {
  readonly key: 'emulator' | 'nginx' | 'floor';
  readonly name: string;
  readonly urlOf: Readonly<Record<Mode, string>>;
  pids(): number[];
  stop(): Promise<void>;
}

interface Run {
  readonly rps: number;
  readonly cpuPer10kS: number;
  /** The server's CPU over the run / the run's wall time: 1 = its core was saturated. */
  readonly coreBusy: number;
  readonly share429: number;
  readonly errors: number;
}

/** What one closed-loop client run counted. */
interface Drive {
  readonly answered: number;
  readonly status429: number;
  readonly errors: number;
}

interface AutocannonJson {
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
  readonly '2xx': number;
  readonly non2xx: number;
  readonly statusCodeStats?: Readonly<Record<string, { readonly count: number }>>;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Debian's wrk when installed: written in C on epoll, one thread on LOAD_CPU saturates any of the
 * three servers on the other core, so req/s is the server's closed-loop maximum. autocannon
 * otherwise: on one core it paces every server at 35k to 50k req/s (the client's limit, not the
 * server's), which the "server core busy" column shows.
 */
const CLIENT: 'wrk' | 'autocannon' = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (err) {
    // wrk --version prints its banner and exits 1; only a missing binary means no wrk.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'autocannon' : 'wrk';
  }
})();

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 4 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** A cold client process pinned to LOAD_CPU, closed loop over CONNECTIONS connections. */
async function drive(url: string, seconds: number): Promise<Drive> {
  if (CLIENT === 'wrk') {
    const out = await run('taskset', ['-c', String(LOAD_CPU), 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, url]);
    const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? 0);
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    // wrk counts every non-2xx/3xx answer together; in reject mode those are the limiter's 429s (the share column says so).
    return { answered: num(/(\d+) requests in/), status429: num(/Non-2xx or 3xx responses: (\d+)/), errors: socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0 };
  }
  const r = JSON.parse(await run('taskset', ['-c', String(LOAD_CPU), process.execPath, AUTOCANNON, '--json', '-c', String(CONNECTIONS), '-d', String(seconds), url])) as AutocannonJson;
  return { answered: r['2xx'] + r.non2xx, status429: r.statusCodeStats?.['429']?.count ?? 0, errors: r.errors + r.timeouts };
}

async function measure(server: Server, mode: Mode): Promise<Run> {
  const cpu0 = server.pids().reduce((s, pid) => s + cpuSeconds(pid), 0);
  const t0 = performance.now();
  const r = await drive(server.urlOf[mode], SECONDS);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = server.pids().reduce((s, pid) => s + cpuSeconds(pid), 0) - cpu0;
  return {
    rps: r.answered / SECONDS,
    cpuPer10kS: (cpu / Math.max(1, r.answered)) * 1e4,
    coreBusy: cpu / wallS,
    share429: r.status429 / Math.max(1, r.answered),
    errors: r.errors,
  };
}

function emulatorConfig(): unknown {
  const route = { integration: { type: 'mock', status: 200, body: {} } };
  return {
    api: { type: 'rest', name: 'bench' },
    account: PASS,
    stages: { pass: { throttle: PASS }, reject: { throttle: REJECT } },
    routes: { 'GET /items': route },
  };
}

async function startEmulatorServer(): Promise<Server> {
  const emulator = await startColdEmulator(emulatorConfig(), { cpu: SERVER_CPU });
  return {
    key: 'emulator', name: 'loadgate emulator', pids: () => [emulator.pid], stop: () => emulator.stop(),
    urlOf: { pass: `${emulator.stages.pass}/items`, reject: `${emulator.stages.reject}/items` },
  };
}

/** limit_req at the same limits; it serves a file, since `return` would run before limit_req. */
async function startNginxServer(): Promise<Server> {
  const zone = (name: string, l: { rateRps: number }): string => `limit_req_zone $server_port zone=${name}:1m rate=${l.rateRps}r/s;`;
  const location = (name: string, l: { burst: number }): string =>
    `location /${name}/ { limit_req zone=${name} burst=${l.burst - 1} nodelay; limit_req_status 429; limit_req_log_level info; default_type application/json; }`;
  const nginx = await startNginx({
    http: `${zone('pass', PASS)} ${zone('reject', REJECT)}`,
    locations: `${location('pass', PASS)} ${location('reject', REJECT)}`,
    files: { 'pass/items': '{}', 'reject/items': '{}' },
    cpu: SERVER_CPU,
  });
  return {
    key: 'nginx', name: 'nginx limit_req', pids: () => [nginx.pid, ...childrenOf(nginx.pid)], stop: () => nginx.stop(),
    urlOf: { pass: `${nginx.url}/pass/items`, reject: `${nginx.url}/reject/items` },
  };
}

/** bench/servers/node-net-floor.ts: a fixed 200 "ok" per request head, nothing parsed, no limiter. */
async function startNetFloor(): Promise<Server> {
  const server = await startScriptServer('node-net-floor.ts', SERVER_CPU);
  const url = `http://127.0.0.1:${server.port}/items`;
  return { key: 'floor', name: 'bare node:net (fixed 200)', pids: () => [server.pid], urlOf: { pass: url, reject: url }, stop: () => server.stop() };
}

function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

/** Runs the comparison and returns its table and figures. */
export async function benchEmulator(): Promise<BenchReport> {
  const notes: string[] = [`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`];
  const servers: Server[] = [];
  const runs = new Map<string, Run[]>();
  try {
    servers.push(await startEmulatorServer());
    if (nginxInstalled()) servers.push(await startNginxServer());
    else notes.push(`${NGINX} not installed: nginx column skipped, no ratios`);
    servers.push(await startNetFloor());
    // Warm-up (JIT, connections), not reported: users start the emulator once and then load it.
    for (const s of servers) for (const mode of MODES) await drive(s.urlOf[mode], WARM_UP_SECONDS);
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const mode of MODES) {
        // Each repetition starts with another server, so none always runs right after the same neighbour.
        for (const s of [...servers.slice(rep % servers.length), ...servers.slice(0, rep % servers.length)]) {
          const key = `${s.key}.${mode}`;
          runs.set(key, [...(runs.get(key) ?? []), await measure(s, mode)]);
        }
      }
    }
  } finally {
    for (const s of servers) await s.stop();
  }
  notes.push(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return report(servers, runs, notes);
}

function report(servers: readonly Server[], runs: ReadonlyMap<string, Run[]>, notes: string[]): BenchReport {
  const metrics: Record<string, number | null> = {};
  const table = new Table({ head: ['mode', 'server', 'req/s', 'CPU s / 10k req', 'server core busy', 'one core: req/s', '429 share', 'errors', 'req/s vs nginx', 'CPU vs nginx'] });
  const ratioOf = (mode: Mode, key: string, field: 'rps' | 'cpuPer10kS', peerKey = 'nginx'): number => {
    const mine = runs.get(`${key}.${mode}`) ?? [];
    const peer = runs.get(`${peerKey}.${mode}`) ?? [];
    return median(mine.map((r, i) => r[field] / (peer[i]?.[field] ?? NaN)));
  };
  for (const mode of MODES) {
    for (const s of servers) {
      const r = runs.get(`${s.key}.${mode}`) ?? [];
      const m = (field: keyof Run): number => median(r.map((x) => x[field]));
      const [rps, cpu] = [m('rps'), m('cpuPer10kS')];
      metrics[`${s.key}.${mode}.rps`] = rps;
      metrics[`${s.key}.${mode}.cpuPer10kS`] = cpu;
      metrics[`${s.key}.${mode}.coreBusy`] = m('coreBusy');
      const vsRps = s.key === 'nginx' ? NaN : ratioOf(mode, s.key, 'rps');
      const vsCpu = s.key === 'nginx' ? NaN : ratioOf(mode, s.key, 'cpuPer10kS');
      if (Number.isFinite(vsRps)) metrics[`ratio.${s.key}.${mode}.rps`] = vsRps;
      if (Number.isFinite(vsCpu)) metrics[`ratio.${s.key}.${mode}.cpu`] = vsCpu;
      const errors = r.reduce((n, x) => n + x.errors, 0);
      // What a core of its own would serve at this CPU per request, when the client is the bottleneck.
      const oneCoreRps = 1e4 / cpu;
      metrics[`${s.key}.${mode}.oneCoreRps`] = oneCoreRps;
      table.push([mode, s.name, fmt(rps), fmt(cpu, 3), fmt(m('coreBusy'), 2), fmt(oneCoreRps), fmt(m('share429'), 2), String(errors), fmt(vsRps, 3), fmt(vsCpu, 2)]);
    }
  }
  for (const mode of MODES) {
    const cpu = metrics[`ratio.emulator.${mode}.cpu`];
    const rps = metrics[`ratio.emulator.${mode}.rps`];
    if (cpu == null || rps == null) continue;
    notes.push(`${mode}: CPU per request ${fmt(cpu, 2)}x nginx (goal <= 2: ${cpu <= 2 ? 'met' : 'NOT met'}); closed-loop req/s ${fmt(rps, 3)} of nginx (goal >= 0.80: ${rps >= 0.8 ? 'met' : 'NOT met'})`);
    const floorRps = metrics[`ratio.floor.${mode}.rps`];
    const floorCpu = metrics[`ratio.floor.${mode}.cpu`];
    const overFloor = ratioOf(mode, 'emulator', 'rps', 'floor');
    metrics[`ratio.emulator.${mode}.rpsOfFloor`] = overFloor;
    if (floorRps != null && floorCpu != null) {
      notes.push(`${mode}: the floor of any server on node:net, a bare one that parses nothing and answers a fixed 200, serves ${fmt(floorRps, 3)} of nginx's req/s at ${fmt(floorCpu, 2)}x its CPU per request; the emulator serves ${fmt(overFloor, 3)} of the floor's req/s`);
    }
  }
  notes.push(`closed loop, ${CONNECTIONS} connections, ${SECONDS} s a run, ${CLIENT === 'wrk' ? 'wrk (one thread)' : 'autocannon (no wrk installed: apt-get install wrk for a client that saturates the servers)'} on CPU ${LOAD_CPU}, servers on CPU ${SERVER_CPU}; ratios are medians over ${REPEATS} interleaved repetitions of per-repetition ratios`);
  notes.push('"server core busy" below ~0.9 means the client, not the server, set the pace: req/s is then what the client reached, and "one core: req/s" (10k / CPU s per 10k) what the server would serve on a core of its own');
  return { name: 'emulator', table: table.toString(), metrics, notes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await benchEmulator();
  process.stdout.write(`${report.table}\n${report.notes.map((n) => `- ${n}`).join('\n')}\n`);
}
