/**
 * Engine benchmark, as users run loadgate (docs/architecture.md "Benchmarks"): every loadgate figure comes
 * from a cold `node bin/loadgate.js run` process (bench/cold-cli.ts) pinned with taskset to
 * LOAD_CPU, and autocannon runs cold on the same core; the target (nginx, else node:http) is
 * pinned to TARGET_CPU. One run, ratios against autocannon.
 *
 *   open loop  step the rate (x1.5 from 1000 rps, STEP_SECONDS each, a cold process per step)
 *              until two rates in a row miss "no drop, achieved >= 99%, send-lag p99 <= 2 ms"
 *              (a miss is retried once: the machine is shared), then the midpoint above the best;
 *              the best held rate is re-run REPEATS times and reported as medians
 *   peers      autocannon closed loop, 50 connections, 5 s, cold and pinned, median of REPEATS; and
 *              undici alone the same way (undiciChild: the floor of any client built on undici);
 *              both also held to loadgate's best rate (`overallRate`), for CPU at the same rate:
 *              per-request cost falls with rate for any client (fewer requests per wake-up and
 *              per TCP round), so only that row compares like with like
 *   CPU        loadgate: CPU of the process from time 0 to the end of the drain (result.json
 *              schedule.cpuMs); autocannon: its process's CPU around its run; both per 10k requests
 *   pacing     nginx's own `$msec` arrival log in 10 ms windows at 2,000 and 10,000 rps (bench/pacing.ts)
 *   memory     RSS of a cold run sampled every second (1M requests; 2M with BENCH_FULL=1), growth by
 *              quarter peaks, extrapolated to 10M (memoryRun)
 *   in-process loadgate saturated with 50 in flight inside this (warm) process: labelled as such
 *
 * Run alone: `npx tsx bench/engine.ts`. Child modes (internal): --autocannon URL [RATE], --undici URL [RATE].
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { runLoad } from '../src/load/run-load.ts';
import type { ArrivalCursor, RequestFactory } from '../src/load/inputs.ts';
import { BENCH_LAG_P99_MS, coldRun, held, median, type ColdRun } from './cold-cli.ts';
import { measurePacing, type PacingResult } from './pacing.ts';
import { startTarget, type BenchTarget } from './servers/targets.ts';

/** What a benchmark returns to bench/run.ts: a printable table and its figures by name. */
export interface BenchReport {
  readonly name: string;
  readonly table: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly notes: readonly string[];
}

const LOAD_CPU = 0;
const TARGET_CPU = 1;
const STEP_SECONDS = 5;
const REPEATS = 3;
const PEER_SECONDS = 5;
const PEER_CONNECTIONS = 50;
const PACING_RATES = [2000, 10_000] as const;
const SELF = fileURLToPath(import.meta.url);

async function heldTwice(url: string, rateRps: number): Promise<ColdRun> {
  const run = await coldRun({ cpu: LOAD_CPU, url, rateRps, durationS: STEP_SECONDS });
  return held(run) ? run : coldRun({ cpu: LOAD_CPU, url, rateRps, durationS: STEP_SECONDS });
}

/** Cold steps up the rate; returns every step run (the last one is the midpoint try). */
async function openLoopSteps(url: string): Promise<ColdRun[]> {
  const steps: ColdRun[] = [];
  let failedInARow = 0;
  for (let rate = 1000; rate <= 200_000 && failedInARow < 2; rate = Math.round(rate * 1.5)) {
    const step = await heldTwice(url, rate);
    steps.push(step);
    failedInARow = held(step) ? 0 : failedInARow + 1;
  }
  const best = steps.filter(held).at(-1);
  const above = best && steps.find((s) => s.rateRps > best.rateRps);
  if (best && above) steps.push(await heldTwice(url, Math.round((best.rateRps + above.rateRps) / 2)));
  return steps;
}

interface PeerResult {
  readonly rps: number;
  readonly cpuPer10kS: number;
  /** The machine's 1-minute load average when the run started. */
  readonly loadAverage?: number;
}

/** A peer child of this file (`--autocannon`, `--undici`) in a cold pinned process: closed loop, or held to `rateRps` overall. */
function peerOnce(peer: '--autocannon' | '--undici', url: string, rateRps?: number): Promise<PeerResult> {
  const loadAverage = loadavg()[0];
  return new Promise((resolve, reject) => {
    execFile('taskset', ['-c', String(LOAD_CPU), process.execPath, '--import', 'tsx', SELF, peer, url, ...(rateRps ? [String(rateRps)] : [])], { maxBuffer: 1 << 20 }, (err, stdout) =>
      err ? reject(err) : resolve({ ...(JSON.parse(stdout) as PeerResult), loadAverage }),
    );
  });
}

const autocannonOnce = (url: string, rateRps?: number): Promise<PeerResult> => peerOnce('--autocannon', url, rateRps);

async function repeat<T>(n: number, run: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await run());
  return out;
}

const getRoot: RequestFactory = { prepare: () => ({ requestIndex: 0, method: 'GET', path: '/', headers: {}, body: undefined }) };

function constantArrivals(rateRps: number, durationMs: number): ArrivalCursor {
  const count = Math.floor((rateRps * durationMs) / 1000);
  let i = 0;
  return { next: () => (i < count ? (++i * 1000) / rateRps : Infinity) };
}

/** In this (warm) process: arrivals far above capacity, 50 in flight. Labelled in-process. */
async function inProcessSaturated(url: string): Promise<PeerResult> {
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

/** Seconds from spawn to time 0 of a cold run (node, tsx, modules, warm-up), roughly: where sending starts in the samples. */
const COLD_START_S = 3;

/**
 * RSS over a long cold run, one sample a second. RSS is a sawtooth: V8 lets old-space garbage pile
 * up to its first full GC (at 10k rps: 36 MB live, 104 MB of heap, RSS +60 MB, ~40 s in) and then
 * collects it at a lower limit. Growth read from two single samples therefore measures where they
 * fell on a tooth (a 1M run once "grew" 232 MB per 1M that way while its live heap stayed at 38 MB).
 * Growth here is between the highest sample of the second quarter of the sending and that of the
 * last: a leak raises the peaks, the sawtooth does not. Extrapolated linearly to 10M requests.
 */
async function memoryRun(url: string, requests: number, rateRps: number) {
  const sendingS = requests / rateRps;
  const run = await coldRun({ cpu: LOAD_CPU, url, rateRps, durationS: Math.round(sendingS), sampleRss: true });
  const quarterPeak = (q: number) => {
    const from = Math.round(COLD_START_S + (q * sendingS) / 4);
    const to = Math.round(COLD_START_S + ((q + 1) * sendingS) / 4);
    return Math.max(0, ...run.rssMb.slice(from, Math.min(to, run.rssMb.length)));
  };
  const quarters = [0, 1, 2, 3].map(quarterPeak);
  const growthPerMillionMb = ((quarters[3] - quarters[1]) / (0.5 * run.sent)) * 1e6;
  return { run, quarters, growthPerMillionMb, at10MMb: quarters[3] + Math.max(0, growthPerMillionMb) * ((1e7 - run.sent) / 1e6) };
}

function fmt(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
}

/** Runs the whole engine benchmark (about 7 min; 9 min with BENCH_FULL=1). */
export async function benchEngine(): Promise<BenchReport> {
  // Above SPILL_ABOVE_ARRIVALS (pipeline.ts) the send log goes to disk: a shorter run keeps it in
  // memory and its growth, extrapolated, says nothing about a soak (200k said 2.5 GB at 10M; a 1M
  // run stays at 160 MB once spilling).
  const rssRequests = process.env.BENCH_FULL === '1' ? 2_000_000 : 1_000_000;
  const target: BenchTarget = await startTarget(TARGET_CPU);
  try {
    const steps = await openLoopSteps(target.url);
    const best = steps.filter(held).sort((a, b) => a.rateRps - b.rateRps).at(-1);
    const bestRuns = best ? [best, ...(await repeat(REPEATS - 1, () => coldRun({ cpu: LOAD_CPU, url: target.url, rateRps: best.rateRps, durationS: STEP_SECONDS })))] : [];
    const ac = await repeat(REPEATS, () => autocannonOnce(target.url));
    const acAtBest = best ? await repeat(REPEATS, () => autocannonOnce(target.url, best.rateRps)) : [];
    const undici = await repeat(REPEATS, () => peerOnce('--undici', target.url));
    const undiciAtBest = best ? await repeat(REPEATS, () => peerOnce('--undici', target.url, best.rateRps)) : [];
    const inProcess = await inProcessSaturated(target.url);
    const pacing: PacingResult[][] = [];
    for (const rate of PACING_RATES) pacing.push(await repeat(REPEATS, () => measurePacing(rate, 5, LOAD_CPU, TARGET_CPU)));
    const memory = await memoryRun(target.url, rssRequests, 10_000);
    return report({ target, steps, bestRuns, ac, acAtBest, undici, undiciAtBest, inProcess, pacing, memory, rssRequests });
  } finally {
    await target.stop();
  }
}

interface Figures {
  readonly target: BenchTarget;
  readonly steps: readonly ColdRun[];
  readonly bestRuns: readonly ColdRun[];
  readonly ac: readonly PeerResult[];
  /** autocannon held to loadgate's best rate. */
  readonly acAtBest: readonly PeerResult[];
  /** undici alone (undiciChild): closed loop, and held to loadgate's best rate. */
  readonly undici: readonly PeerResult[];
  readonly undiciAtBest: readonly PeerResult[];
  readonly inProcess: PeerResult;
  readonly pacing: readonly PacingResult[][];
  readonly memory: Awaited<ReturnType<typeof memoryRun>>;
  readonly rssRequests: number;
}

function report(f: Figures): BenchReport {
  const acRps = median(f.ac.map((r) => r.rps));
  const acCpu = median(f.ac.map((r) => r.cpuPer10kS));
  const lgRate = f.bestRuns[0]?.rateRps ?? null;
  const lgHeldRuns = f.bestRuns.filter(held).length;
  const lgCpu = f.bestRuns.length ? median(f.bestRuns.map((r) => r.cpuPer10kS ?? NaN)) : null;
  const lgLag = f.bestRuns.length ? median(f.bestRuns.map((r) => r.lagP99Ms)) : null;
  const acAtBestCpu = f.acAtBest.length ? median(f.acAtBest.map((r) => r.cpuPer10kS)) : null;
  const acAtBestRps = f.acAtBest.length ? median(f.acAtBest.map((r) => r.rps)) : null;
  const unRps = median(f.undici.map((r) => r.rps));
  const unCpu = median(f.undici.map((r) => r.cpuPer10kS));
  const unAtBestRps = f.undiciAtBest.length ? median(f.undiciAtBest.map((r) => r.rps)) : null;
  const unAtBestCpu = f.undiciAtBest.length ? median(f.undiciAtBest.map((r) => r.cpuPer10kS)) : null;
  const table = new Table({ head: ['tool (cold CLI, one core)', 'mode', 'rps', 'vs autocannon', 'CPU s / 10k req', 'CPU vs autocannon'] });
  table.push(
    ['loadgate', `open loop, no drop, lag p99 <= ${BENCH_LAG_P99_MS} ms`, fmt(lgRate), fmt(lgRate === null ? null : lgRate / acRps, 2), fmt(lgCpu, 3), fmt(lgCpu === null ? null : lgCpu / acCpu, 2)],
    ['autocannon 8', `closed, ${PEER_CONNECTIONS} conns`, fmt(acRps), '1.00', fmt(acCpu, 3), '1.00'],
    ['autocannon 8', `held to loadgate's rate, ${PEER_CONNECTIONS} conns`, fmt(acAtBestRps), fmt(acAtBestRps === null ? null : acAtBestRps / acRps, 2), fmt(acAtBestCpu, 3), fmt(acAtBestCpu === null ? null : acAtBestCpu / acCpu, 2)],
    ['undici alone (no recording)', `closed, ${PEER_CONNECTIONS} conns`, fmt(unRps), fmt(unRps / acRps, 2), fmt(unCpu, 3), fmt(unCpu / acCpu, 2)],
    ['undici alone (no recording)', `held to loadgate's rate, ${PEER_CONNECTIONS} conns`, fmt(unAtBestRps), fmt(unAtBestRps === null ? null : unAtBestRps / acRps, 2), fmt(unAtBestCpu, 3), fmt(unAtBestCpu === null ? null : unAtBestCpu / acCpu, 2)],
    ['loadgate (in-process, warm)', `saturated, ${PEER_CONNECTIONS} in flight`, fmt(f.inProcess.rps), fmt(f.inProcess.rps / acRps, 2), fmt(f.inProcess.cpuPer10kS, 3), fmt(f.inProcess.cpuPer10kS / acCpu, 2)],
  );
  const stepLines = f.steps.map((s) => `  ${s.rateRps} rps: achieved ${fmt(s.achievedRps)}, dropped ${s.dropped}, lag p99 ${s.lagP99Ms.toFixed(2)} ms, first second ${s.firstSecondSent}/${s.firstSecondScheduled}, CPU ${fmt(s.cpuPer10kS, 3)} s/10k, load ${fmt(s.loadAverage, 1)}, ${held(s) ? 'held' : 'NOT held'}`);
  const bestLines = f.bestRuns.map((s) => `  ${s.rateRps} rps again: lag p99 ${s.lagP99Ms.toFixed(2)} ms, dropped ${s.dropped}, first second ${s.firstSecondSent}/${s.firstSecondScheduled}, CPU ${fmt(s.cpuPer10kS, 3)} s/10k, load ${fmt(s.loadAverage, 1)}, ${held(s) ? 'held' : 'NOT held'}`);
  const acLine = `autocannon runs: ${f.ac.map((r) => `${fmt(r.rps)} rps, CPU ${fmt(r.cpuPer10kS, 3)} s/10k, load ${fmt(r.loadAverage, 1)}`).join('; ')}`;
  const acAtBestLine = `autocannon at ${fmt(lgRate)} rps: ${f.acAtBest.map((r) => `${fmt(r.rps)} rps, CPU ${fmt(r.cpuPer10kS, 3)} s/10k`).join('; ')}; loadgate's CPU at the same rate ${fmt(lgCpu === null || acAtBestCpu === null ? null : lgCpu / acAtBestCpu, 2)}x autocannon's`;
  const undiciLine = `undici alone, the floor of any client built on it (bare dispatch(), no recording, cold and pinned like autocannon): closed loop ${f.undici.map((r) => `${fmt(r.rps)} rps at ${fmt(r.cpuPer10kS, 3)} s/10k`).join('; ')}, ${fmt(unRps / acRps, 2)} of autocannon's rate; held to ${fmt(lgRate)} rps ${f.undiciAtBest.map((r) => `${fmt(r.cpuPer10kS, 3)} s/10k`).join('; ')}, ${fmt(unAtBestCpu === null || acAtBestCpu === null ? null : unAtBestCpu / acAtBestCpu, 2)}x autocannon's CPU at that rate`;
  const pacingLines = f.pacing.map((runs) => {
    const rate = runs[0].rateRps;
    return `  ${rate} rps: ${runs.map((r) => `${(r.onPace * 100).toFixed(1)}%`).join(', ')} of 10 ms windows within ±50% of ${rate / 100} (median ${(median(runs.map((r) => r.onPace)) * 100).toFixed(1)}%; first second ${(median(runs.map((r) => r.onPaceFirstSecond)) * 100).toFixed(1)}%; load ${runs.map((r) => fmt(r.loadAverage, 1)).join(', ')})`;
  });
  const m = f.memory;
  const memoryLine = `memory: ${m.run.sent} requests at 10,000 rps in one cold run: highest RSS in each quarter ${m.quarters.map((q) => q.toFixed(0)).join(' / ')} MB, peak ${m.run.peakRssMb.toFixed(0)} MB; growth ${m.growthPerMillionMb.toFixed(1)} MB per 1M requests (peak of the 2nd quarter to peak of the 4th) -> about ${m.at10MMb.toFixed(0)} MB at 10M`;
  return {
    name: 'engine',
    table: [
      table.toString(), `target: ${f.target.name} pinned to CPU ${TARGET_CPU}; loadgate and autocannon pinned to CPU ${LOAD_CPU}, a cold process per run`,
      'open-loop steps (cold CLI each):', ...stepLines, ...bestLines, acLine, acAtBestLine, undiciLine, 'pacing by the server\'s own arrival log (nginx $msec):', ...pacingLines, memoryLine,
    ].join('\n'),
    metrics: {
      loadgateMaxOpenLoopRps: lgRate, loadgateHeldRepeats: lgHeldRuns, loadgateLagP99MsMedian: lgLag, loadgateCpuPer10kS: lgCpu,
      autocannonRps: acRps, autocannonCpuPer10kS: acCpu, loadgateVsAutocannon: lgRate === null ? null : lgRate / acRps,
      loadgateCpuVsAutocannon: lgCpu === null ? null : lgCpu / acCpu,
      autocannonAtLoadgateRateCpuPer10kS: acAtBestCpu,
      loadgateCpuVsAutocannonAtSameRate: lgCpu === null || acAtBestCpu === null ? null : lgCpu / acAtBestCpu,
      undiciAloneRps: unRps, undiciAloneVsAutocannon: unRps / acRps, undiciAloneCpuPer10kS: unCpu,
      undiciAloneAtLoadgateRateCpuPer10kS: unAtBestCpu,
      undiciAloneCpuVsAutocannonAtSameRate: unAtBestCpu === null || acAtBestCpu === null ? null : unAtBestCpu / acAtBestCpu,
      loadgateInProcessSaturatedRps: f.inProcess.rps,
      pacingOnPace2000: median(f.pacing[0].map((r) => r.onPace)), pacingOnPace10000: median(f.pacing[1].map((r) => r.onPace)),
      peakRssMb: m.run.peakRssMb, rssGrowthPerMillionMb: m.growthPerMillionMb, rssAt10MExtrapolatedMb: m.at10MMb, rssRequests: m.run.sent,
    },
    notes: [`machine shared with other engineers' tests: figures are medians of ${REPEATS} cold runs; load average at the end ${fmt(loadAverage(), 1)}`],
  };
}

function loadAverage(): number {
  return createRequire(import.meta.url)('node:os').loadavg()[0] as number;
}

type Autocannon = (opts: { url: string; connections: number; duration: number; pipelining: number; overallRate?: number }) => Promise<{ requests: { total: number } }>;

/** Child: autocannon's programmatic API in its own (pinned) process; prints rps and CPU per 10k. */
async function autocannonChild(url: string, rateRps: number | undefined): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const cpu0 = process.cpuUsage();
  const r = await autocannon({ url: `${url}/`, connections: PEER_CONNECTIONS, duration: PEER_SECONDS, pipelining: 1, ...(rateRps ? { overallRate: rateRps } : {}) });
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ rps: r.requests.total / PEER_SECONDS, cpuPer10kS: ((cpu.user + cpu.system) / 1e6 / r.requests.total) * 1e4 }));
}

/**
 * Child: undici alone, used as cheaply as it can be (dispatch() with a bare handler: no body
 * stream, no recording, no pacing beyond a 1 ms tick), cold and pinned like autocannon. Whatever
 * loadgate adds is on top of this, so it is the floor of any client built on undici: a closed loop
 * on PEER_CONNECTIONS clients, or held to `rateRps` by sending, every millisecond, each arrival
 * then due on a free client (autocannon's overallRate batches by its timers in the same way).
 */
async function undiciChild(url: string, rateRps: number | undefined): Promise<void> {
  const { Client } = await import('undici');
  const cpu0 = process.cpuUsage();
  const clients = Array.from({ length: PEER_CONNECTIONS }, () => new Client(url, { pipelining: 1 }));
  const free = [...clients];
  const options = { path: '/', method: 'GET' as const };
  let completed = 0;
  let stopped = false;
  const send = (client: InstanceType<typeof Client>): void => {
    client.dispatch(options, { onConnect() {}, onHeaders: () => true, onData: () => true, onComplete: () => done(client), onError: () => done(client) });
  };
  const done = (client: InstanceType<typeof Client>): void => {
    completed++;
    if (stopped) return;
    if (rateRps === undefined) send(client);
    else free.push(client);
  };
  const startMs = performance.now();
  let sent = 0;
  const tick = rateRps === undefined ? undefined : setInterval(() => {
    const due = Math.floor(((performance.now() - startMs) * rateRps) / 1000);
    while (sent < due && free.length > 0) {
      send(free.pop() as InstanceType<typeof Client>);
      sent++;
    }
  }, 1);
  if (rateRps === undefined) for (const client of clients) send(client);
  await new Promise((resolve) => setTimeout(resolve, PEER_SECONDS * 1000));
  stopped = true;
  clearInterval(tick);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ rps: completed / PEER_SECONDS, cpuPer10kS: ((cpu.user + cpu.system) / 1e6 / completed) * 1e4 }));
  process.exit(0);
}

const [mode, ...rest] = process.argv.slice(2);
if (process.argv[1] === SELF) {
  const rateArg = rest[1] === undefined ? undefined : Number(rest[1]);
  if (mode === '--autocannon') await autocannonChild(rest[0], rateArg);
  else if (mode === '--undici') await undiciChild(rest[0], rateArg);
  else {
    const r = await benchEngine();
    process.stdout.write(`${r.table}\n${JSON.stringify(r.metrics, null, 2)}\n`);
  }
}
