/**
 * Analysis benchmark: how long loadgate takes to judge 1M recorded requests, next to the time
 * it takes to send them (issue 10, item 7).
 *
 *   log        1M rows of a perfect token bucket (10,000 rps / burst 5,000, offered 15,000 rps
 *              evenly spaced, each answer 2 ms after its send): generated, not timed
 *   replay     decisionTimesMs + the LimitModel admit loop (src/throttle/replay.ts)
 *   inference  observationsOf + inferBucket (src/throttle/infer.ts)
 *   analyse    analyseThrottle: replay + comparison + inference + verdict, as a run does it
 *   send       1M / the engine's max open-loop rate (bench-results.json's engine figures),
 *              when `npm run bench -- engine` has run; otherwise not shown
 *
 * Each repetition runs in a fresh child process (the analysis code as cold as in a CLI run);
 * figures are medians of REPETITIONS. The inferred bucket is checked against the truth.
 * Run alone: `npx tsx bench/analyse.ts`. Child mode (internal): --child.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { ORIGIN, type SendLog } from '../src/record/send-log.ts';
import { parseLimits } from '../src/core/limits.ts';
import { ApiGatewayModel } from '../src/throttle/model.ts';
import { decisionTimesMs, replay } from '../src/throttle/replay.ts';
import { analyseThrottle, observationsOf, toleranceFor } from '../src/throttle/analyse.ts';
import { inferBucket } from '../src/throttle/infer.ts';
import { emptySendLog } from '../src/record/send-log-builder.ts';
import { TokenBucket } from '../src/throttle/bucket.ts';
import type { BenchReport } from './engine.ts';

const SELF = fileURLToPath(import.meta.url);
const ROWS = 1_000_000;
const TRUTH = { rateRps: 10_000, burst: 5_000 };
const OFFERED_RPS = 15_000;
const REPETITIONS = 5;

interface ChildFigures {
  readonly decisionMs: number;
  readonly replayMs: number;
  readonly inferenceMs: number;
  readonly analyseMs: number;
  readonly rateRps: number | null;
  readonly burst: number | null;
}

function tokenBucketLog(): SendLog {
  const bucket = new TokenBucket(TRUTH);
  const log = emptySendLog(ROWS);
  log.count = ROWS;
  for (let i = 0; i < ROWS; i++) {
    const t = (i * 1000) / OFFERED_RPS;
    const ok = bucket.tryTake(t);
    log.arrivalIndex[i] = i;
    log.intendedMs[i] = t;
    log.sentMs[i] = t;
    log.endMs[i] = t + 2;
    log.status[i] = ok ? 200 : 429;
    log.origin[i] = ok ? ORIGIN.NONE : ORIGIN.THROTTLE;
  }
  return log;
}

/** Child: one cold measurement of each stage, printed as JSON. */
function child(): void {
  const log = tokenBucketLog();
  const limits = parseLimits({ stages: { prod: { throttle: TRUTH } } }, 'bench');
  const requests = [{ method: 'GET', path: '/' }];
  const time = <T>(f: () => T): [T, number] => {
    const t0 = performance.now();
    const out = f();
    return [out, performance.now() - t0];
  };
  const [, decisionMs] = time(() => decisionTimesMs(log));
  const [, replayMs] = time(() => replay(log, requests, new ApiGatewayModel(limits)));
  const [inf, inferenceMs] = time(() => inferBucket(observationsOf(log, [429])));
  const [, analyseMs] = time(() => analyseThrottle({ log, requests, limits, originWallMs: 0, tolerance: toleranceFor('emulator'), throttleStatuses: [429] }));
  const figures: ChildFigures = { decisionMs, replayMs, inferenceMs, analyseMs, rateRps: inf.rateRps, burst: inf.burst };
  process.stdout.write(JSON.stringify(figures));
}

function runChild(): Promise<ChildFigures> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', SELF, '--child'], { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as ChildFigures))),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The engine's max rate from a previous `npm run bench -- engine`: open loop if one step held, else saturated. */
function engineMaxRps(): { rps: number; mode: string } | null {
  if (!existsSync('bench-results.json')) return null;
  try {
    const reports = JSON.parse(readFileSync('bench-results.json', 'utf8')) as { name: string; metrics: Record<string, number | null> }[];
    const m = reports.find((r) => r.name === 'engine')?.metrics;
    if (m?.loadgateMaxOpenLoopRps) return { rps: m.loadgateMaxOpenLoopRps, mode: 'open loop' };
    if (m?.loadgateSaturatedRps) return { rps: m.loadgateSaturatedRps, mode: 'saturated (no open-loop step held)' };
    return null;
  } catch {
    return null;
  }
}

export async function benchAnalyse(): Promise<BenchReport> {
  const runs: ChildFigures[] = [];
  for (let i = 0; i < REPETITIONS; i++) runs.push(await runChild());
  const m = (k: keyof ChildFigures) => median(runs.map((r) => r[k] as number));
  const engine = engineMaxRps();
  const sendMs = engine ? (ROWS / engine.rps) * 1000 : null;
  const table = new Table({ head: ['stage (1M rows)', 'median ms', 'min ms', 'max ms'] });
  for (const [label, key] of [['replay: decision times', 'decisionMs'], ['replay: decision times + model', 'replayMs'], ['inference', 'inferenceMs'], ['replay + compare + inference + verdict', 'analyseMs']] as const) {
    const values = runs.map((r) => r[key]);
    table.push([label, m(key).toFixed(0), Math.min(...values).toFixed(0), Math.max(...values).toFixed(0)]);
  }
  if (engine && sendMs !== null) table.push([`send 1M at the engine's max (${engine.rps.toFixed(0)} rps, ${engine.mode})`, sendMs.toFixed(0), '', '']);
  const exact = runs.every((r) => r.burst === TRUTH.burst && r.rateRps !== null && Math.abs(r.rateRps - TRUTH.rateRps) / TRUTH.rateRps < 0.005);
  return {
    name: 'analyse',
    table: table.toString(),
    metrics: {
      rows: ROWS, replayMs: m('replayMs'), inferenceMs: m('inferenceMs'), replayPlusInferenceMs: m('replayMs') + m('inferenceMs'), analyseMs: m('analyseMs'),
      sendMs, analyseVsSend: sendMs ? m('analyseMs') / sendMs : null, inferredRateRps: runs[0].rateRps, inferredBurst: runs[0].burst,
    },
    notes: [
      `${REPETITIONS} cold child processes, medians; machine shared`,
      `inferred ${runs[0].rateRps?.toFixed(3)} rps / burst ${runs[0].burst} vs true ${TRUTH.rateRps} / ${TRUTH.burst}: ${exact ? 'exact (rate within 0.5 %, burst exact) in every run' : 'NOT EXACT'}`,
      sendMs === null ? 'send time: run `npm run bench -- engine` first (it writes bench-results.json)' : `send time from bench-results.json's engine figures`,
    ],
  };
}

if (process.argv[1] === SELF) {
  if (process.argv.includes('--child')) child();
  else {
    const report = await benchAnalyse();
    process.stdout.write(`${report.table}\n${report.notes.map((n) => `note: ${n}`).join('\n')}\n`);
  }
}
