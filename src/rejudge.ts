/**
 * Re-judging a recorded run with no traffic (docs/send-log.md): its result.json and
 * send-log.bin, replayed through other declared limits. "Would my run have passed under these
 * settings?" The replay, grouping and verdict are the same code a live run uses (throttle/).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.ts';
import { readResult } from './result/io.ts';
import { readSendLogFile, SEND_LOG_FILE } from './record/send-log-file.ts';
import type { RunResult } from './result/schema.ts';
import { analyseThrottle, toleranceFor } from './throttle/analyse.ts';
import type { Limits } from './core/limits.ts';
import { evaluateGates, implicitGates } from './gates/evaluate.ts';
import { parseGates } from './gates/parse.ts';
import { isLocalTarget } from './core/local-target.ts';
import { exitCodeOf } from './pipeline.ts';
import { rejudgedVerifySection } from './verify/verdict.ts';

export interface RejudgeOptions {
  /** Statuses that count as throttled; @default those of the recorded run (429) */
  readonly throttleStatuses?: readonly number[];
  readonly tolerance?: 'emulator' | 'aws';
  readonly stage?: string;
}

/** The run folder (or its result.json) -> [result.json path, send-log.bin path]. */
export function recordPaths(from: string): { resultFile: string; sendLogFile: string } {
  const dir = existsSync(from) && statSync(from).isDirectory() ? from : dirname(from);
  const resultFile = existsSync(from) && statSync(from).isFile() ? from : join(dir, 'result.json');
  const sendLogFile = join(dir, SEND_LOG_FILE);
  if (!existsSync(resultFile)) throw new UsageError(`--from ${from}: no result.json there`);
  if (!existsSync(sendLogFile)) throw new UsageError(`--from ${from}: no ${SEND_LOG_FILE} there (runs before loadgate wrote send logs cannot be re-judged)`);
  return { resultFile, sendLogFile };
}

/** The recorded result with its throttle section (and gates) recomputed under `limits`. */
export async function rejudge(from: string, limits: Limits, opts: RejudgeOptions = {}): Promise<{ result: RunResult; incomplete: boolean }> {
  const { resultFile, sendLogFile } = recordPaths(from);
  const recorded = await readResult(resultFile);
  const { header, log, complete } = readSendLogFile(sendLogFile);
  const target = recorded.scenario.target;
  const profile = opts.tolerance ?? (isLocalTarget(target) ? 'emulator' : 'aws');
  const throttle = analyseThrottle({
    log, requests: header.requests, limits, stage: opts.stage ?? header.stage, originWallMs: header.originWallMs,
    tolerance: toleranceFor(profile), throttleStatuses: opts.throttleStatuses ?? header.throttleStatuses ?? [429],
  });
  const notes = [...recorded.notes, `re-judged from ${sendLogFile} under other declared limits, with no traffic${complete ? '' : ' (the send log was cut short: only its complete part was read)'}`];
  const verify = recorded.verify ? rejudgedVerifySection(throttle, recorded.verify) : undefined;
  const base: RunResult = { ...recorded, throttle, verify, notes, gates: undefined, passed: undefined };
  // The run's own gates are kept; the implicit ones are derived again from the new verdicts.
  const implicit = new Set(implicitGates(recorded).map((g) => g.source));
  const own = (recorded.gates ?? []).filter((g) => !implicit.has(g.expr) && !g.expr.startsWith('throttle.verdict') && !g.expr.startsWith('verify.verdict'));
  const userGates = parseGates(own.map((g) => ({ expr: g.expr, abortOnFail: false })), [], resultFile);
  const gates = evaluateGates(base, [...implicitGates(base, userGates), ...userGates]);
  return { result: { ...base, gates, passed: gates.every((g) => g.passed) }, incomplete: !complete };
}

/**
 * The exit code of a re-judgement: the verdict's and the gates' (0, 1), never 3, since the
 * schedule was the recorded run's business, not this one's (its report still says it).
 */
export function rejudgeExitCode(result: RunResult): number {
  return exitCodeOf({ ...result, kind: 'verify' });
}
