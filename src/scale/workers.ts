/**
 * `loadgate run --workers N` on one machine: N worker processes, each `loadgate run --segment
 * i/N --start-at T` against ONE target (the coordinator starts the emulator when the scenario
 * names none), their live progress summed into one line, then the exact merge and one verdict.
 *
 *   coordinator: start target -> T = now + lead -> spawn N parts -> sum progress -> wait
 *                -> every part written? (else fail, unless --allow-partial) -> merge -> judge
 *
 * Workers run in their own process group, so a terminal's Ctrl-C reaches the coordinator only,
 * which forwards it once to each (a second Ctrl-C is forwarded as the second: stop waiting for
 * requests in flight): every part stops sending, writes what it measured, and the merge runs on
 * those (exit 130). Were they in the terminal's group, each would get every Ctrl-C twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { UsageError } from '../errors.ts';
import type { ProgressSnapshot } from '../load/progress-snapshot.ts';
import { probeWritable } from '../result/write-files.ts';
import type { Scenario } from '../scenario/types.ts';
import { startTarget } from '../target.ts';
import { quitSignalOf } from '../cancel.ts';
import { PART_FILE } from './part-file.ts';
import { checkParts, judgeMerged, loadParts, type JudgeOptions, type MergeOutcome } from './merge-run.ts';
import { MAX_PARTS } from '../load/segment.ts';
import { READY_LINE } from './start-at.ts';
import { existsSync } from 'node:fs';

/**
 * From the last worker's "ready" to the shared start: time for the start line to reach every
 * worker through its pipe and for each to wake. Cold start-up is not in it: T is only chosen once
 * every worker has started, imported the scenario, warmed up and opened its connections.
 */
export const START_MARGIN_MS = 200;
/** The worker's progress lines on stdout start with this (run --progress-jsonl). */
export const PROGRESS_PREFIX = 'loadgate-progress ';

export function parseWorkers(text: string): number {
  if (text === 'auto') return availableParallelism();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_PARTS)) throw UsageError.invalid(undefined, '--workers', text, `a whole number from 1 to ${MAX_PARTS}, or auto (= ${availableParallelism()} cores here)`);
  return n;
}

export interface WorkersOptions extends Omit<JudgeOptions, 'target' | 'missing' | 'outDir'> {
  readonly workers: number;
  /** The `run` arguments as given, without --workers, --out, --junit, --quiet, --target (workerArgs). */
  readonly runArgs: readonly string[];
  readonly outDir?: string;
  readonly allowPartial: boolean;
  readonly onProgress?: (p: ProgressSnapshot) => void;
  readonly startMarginMs?: number;
}

const BIN = fileURLToPath(new URL('../../bin/loadgate.js', import.meta.url));

export async function runWorkers(scenario: Scenario, opts: WorkersOptions): Promise<MergeOutcome & { failedParts: string[] }> {
  const outDir = resolve(opts.outDir ?? join('reports', `split-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`));
  await probeWritable(outDir, opts.outDir === undefined ? 'the reports folder' : '--out');
  const target = await startTarget(scenario);
  try {
    const partDirs = Array.from({ length: opts.workers }, (_, i) => join(outDir, 'parts', `part-${i}`));
    const progress = new ProgressSum(opts.workers, opts.onProgress);
    const children: ChildProcess[] = [];
    const forward = () => { for (const c of children) if (c.exitCode === null) c.kill('SIGINT'); };
    opts.signal?.addEventListener('abort', forward, { once: true });
    const quit = quitSignalOf(opts.signal);
    quit?.addEventListener('abort', forward, { once: true });
    const gate = new StartGate(opts.workers, opts.startMarginMs ?? START_MARGIN_MS);
    // All N must run at once (the limit is N): p-limit only keeps the launch and collection in one shape.
    const launch = pLimit(opts.workers);
    const exits = await Promise.all(partDirs.map((dir, i) => launch(() => new Promise<{ code: number | null; stderr: string }>((done) => {
      const args = [BIN, 'run', ...opts.runArgs, '--segment', `${i}/${opts.workers}`, '--start-at', 'stdin', '--target', target.url, '--out', dir, '--quiet', '--progress-jsonl'];
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      children.push(child);
      child.stdin!.on('error', () => {}); // a worker that died before its start time: its exit says why
      let stderr = '';
      let pending = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line === READY_LINE) gate.ready(child);
          else if (line.startsWith(PROGRESS_PREFIX)) progress.update(i, JSON.parse(line.slice(PROGRESS_PREFIX.length)) as ProgressLine);
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-4000); });
      child.on('error', (err) => { gate.gone(); done({ code: -1, stderr: String(err) }); });
      child.on('close', (code) => { gate.gone(child); done({ code, stderr }); });
      if (opts.signal?.aborted) child.kill('SIGINT');
    }))));
    opts.signal?.removeEventListener('abort', forward);
    quit?.removeEventListener('abort', forward);
    progress.done();
    // A part is there when it wrote part.json (written last) and exited 0 or 130 (interrupted, measured).
    const failedParts = exits.flatMap((e, i) => (e.code === 0 || e.code === 130) && existsSync(join(partDirs[i]!, PART_FILE)) ? [] : [`part ${i}/${opts.workers} failed (exit ${e.code}): ${lastLine(e.stderr)}`]);
    const written = partDirs.filter((dir) => existsSync(join(dir, PART_FILE)));
    if (written.length === 0) throw new UsageError(`--workers: no part was written (${failedParts[0] ?? 'unknown'})`);
    if (failedParts.length > 0 && !opts.allowPartial) throw new UsageError(`--workers: ${failedParts.join('; ')} (--allow-partial merges the parts that were written; they are in ${join(outDir, 'parts')})`);
    const { parts, missing } = checkParts(await loadParts(written), opts.allowPartial);
    const outcome = await judgeMerged(scenario, parts, { ...opts, outDir, target, missing });
    return { ...outcome, failedParts };
  } finally {
    await target.stop();
  }
}

/** Holds every worker at the start line until all are ready (or gone), then gives them one T. */
class StartGate {
  readonly #waiting = new Set<ChildProcess>();
  #pending: number;
  #started = false;
  constructor(parts: number, private readonly marginMs: number) {
    this.#pending = parts;
  }
  ready(child: ChildProcess): void {
    this.#waiting.add(child);
    this.#settle();
  }
  /** A worker exited (or never started); before its ready line it no longer holds the others back. */
  gone(child?: ChildProcess): void {
    if (child) this.#waiting.delete(child);
    this.#pending--;
    this.#settle();
  }
  #settle(): void {
    if (this.#started || this.#waiting.size < this.#pending) return;
    this.#started = true;
    const startAtWallMs = Date.now() + this.marginMs;
    for (const child of this.#waiting) child.stdin!.end(`start ${startAtWallMs}\n`);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.replace(/^loadgate: /, '') ?? 'no message';
}

/** What a worker prints each second (run --progress-jsonl): a ProgressSnapshot without live(). */
export type ProgressLine = Omit<ProgressSnapshot, 'live'>;

/** The parts' latest snapshots summed into one (p99: the worst part's recent p99, an upper bound). */
class ProgressSum {
  readonly #latest: (ProgressLine | undefined)[];
  constructor(parts: number, private readonly listener: ((p: ProgressSnapshot) => void) | undefined) {
    this.#latest = new Array<ProgressLine | undefined>(parts).fill(undefined);
  }

  update(part: number, line: ProgressLine): void {
    this.#latest[part] = line;
    // Part 0 paces the merged line: one line a second, not N.
    if (part === 0 || this.#latest[0] === undefined) this.listener?.(this.#sum('sending'));
  }

  done(): void {
    this.listener?.(this.#sum('done'));
  }

  #sum(phase: ProgressSnapshot['phase']): ProgressSnapshot {
    const lines = this.#latest.filter((l): l is ProgressLine => l !== undefined);
    const add = (pick: (l: ProgressLine) => number) => lines.reduce((s, l) => s + pick(l), 0);
    const draining = phase !== 'done' && lines.some((l) => l.phase === 'draining');
    return {
      elapsedMs: Math.max(0, ...lines.map((l) => l.elapsedMs)), plannedDurationMs: lines[0]?.plannedDurationMs ?? 0,
      sent: add((l) => l.sent), dropped: add((l) => l.dropped), completed: add((l) => l.completed), errors: add((l) => l.errors),
      throttled: add((l) => l.throttled), inFlight: add((l) => l.inFlight), recentRps: add((l) => l.recentRps),
      recentP99Ms: Math.max(0, ...lines.map((l) => l.recentP99Ms)), phase: draining ? 'draining' : phase,
      live: () => ({ rows: [], settledBeforeS: 0 }),
    };
  }
}
