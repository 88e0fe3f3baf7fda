/**
 * `loadgate merge` and the coordinator of `run --workers`: read the parts, check they are the
 * parts of ONE run, merge them exactly (merge.ts), then judge the merged record only: the
 * throttle replay, CloudWatch for the merged window, gates, the schedule, the exit code.
 */
import { join } from 'node:path';
import pLimit from 'p-limit';
import { UsageError } from '../errors.ts';
import { exitCodeOf, requestIdentities, skippedCloudWatch, writeReports } from '../pipeline.ts';
import { readResult } from '../result/io.ts';
import { readSendLogFile, SEND_LOG_FILE, writeSendLogFile } from '../record/send-log-file.ts';
import type { CloudWatchSection, RunResult } from '../result/schema.ts';
import { writeFileAtomic } from '../result/write-files.ts';
import type { Scenario } from '../scenario/types.ts';
import { analyseThrottle, toleranceFor } from '../throttle/analyse.ts';
import { isLocalTarget } from '../core/local-target.ts';
import { withEmulatorHealth, type StartedTarget } from '../target.ts';
import { cloudWatchTargetFor } from '../cloudwatch-step.ts';
import { pullCloudWatch } from '../aws/cloudwatch.ts';
import { clientMinutes } from '../aws/reconcile.ts';
import { judgeSchedule } from '../load/schedule-kept.ts';
import { parseGates } from '../gates/parse.ts';
import { evaluateGates, implicitGates, withGates } from '../gates/evaluate.ts';
import { readPartManifest } from './part-file.ts';
import { decodeHistogram, percentilesMs } from '../record/histograms.ts';
import { mergeParts, type LoadedPart, type MergedRecord } from './merge.ts';
import { formatSegment } from '../load/segment.ts';
import { partsSummary, partsNotes } from './parts-summary.ts';

/** Reads each part folder (two at a time: a send log can be tens of MB). */
export async function loadParts(dirs: readonly string[]): Promise<LoadedPart[]> {
  const limit = pLimit(2);
  return Promise.all(dirs.map((dir) => limit(async () => {
    const manifest = await readPartManifest(dir);
    const result = await readResult(join(dir, 'result.json'));
    const { header, log, complete } = readSendLogFile(join(dir, SEND_LOG_FILE));
    return { dir, manifest, result, header, log, complete };
  })));
}

/**
 * The parts of one run, in part order: same N, same shared start, same plan, no part twice.
 * A missing part is an error unless `allowPartial` (then the merged record says which are missing).
 */
export function checkParts(parts: readonly LoadedPart[], allowPartial: boolean): { parts: LoadedPart[]; missing: number[] } {
  if (parts.length === 0) throw new UsageError('merge: give at least one part folder');
  const first = parts[0]!.manifest;
  const seen = new Map<number, string>();
  for (const { dir, manifest: m } of parts) {
    const differs = (what: string, a: unknown, b: unknown) => new UsageError(`${dir}: not a part of the same run as ${parts[0]!.dir} (${what} ${JSON.stringify(a)} vs ${JSON.stringify(b)})`);
    if (m.segment.count !== first.segment.count) throw differs('part count', m.segment.count, first.segment.count);
    if (m.startAtWallMs !== first.startAtWallMs) throw differs('shared start', m.startAtWallMs, first.startAtWallMs);
    if (JSON.stringify(m.plan) !== JSON.stringify(first.plan)) throw differs('plan', m.plan, first.plan);
    const twice = seen.get(m.segment.index);
    if (twice !== undefined) throw new UsageError(`${dir}: part ${formatSegment(m.segment)} given twice (also ${twice})`);
    seen.set(m.segment.index, dir);
  }
  const missing = Array.from({ length: first.segment.count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0 && !allowPartial) {
    throw new UsageError(`merge: missing part${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${first.segment.count}`).join(', ')} of ${first.segment.count} (--allow-partial merges what is there and says so)`);
  }
  return { parts: [...parts].sort((a, b) => a.manifest.segment.index - b.manifest.segment.index), missing };
}

export interface JudgeOptions {
  readonly outDir?: string;
  readonly extraGates?: readonly string[];
  /** The target the coordinator started (the emulator): its CloudWatch and health. */
  readonly target?: StartedTarget;
  readonly cloudwatch?: boolean;
  readonly aws?: { readonly region?: string; readonly profile?: string; readonly endpoint?: string; readonly apiName?: string; readonly apiId?: string; readonly requestTimeoutMs?: number };
  readonly signal?: AbortSignal;
  readonly junitFile?: string;
  /** Parts that never wrote a folder (a worker that failed), for the notes. */
  readonly missing?: readonly number[];
  /** After the gates, as `run --baseline` (cli/baseline-step.ts): the comparison's verdicts join them. */
  readonly finish?: (result: RunResult) => Promise<RunResult> | RunResult;
}

export interface MergeOutcome {
  readonly result: RunResult;
  readonly outDir: string;
  readonly exitCode: number;
}

/** Merges checked parts and judges the merged record; writes result.json, send-log.bin, parts.json and the reports. */
export async function judgeMerged(scenario: Scenario, parts: readonly LoadedPart[], opts: JudgeOptions = {}): Promise<MergeOutcome> {
  const merged = mergeParts(parts, scenario.requests.map((r) => r.name));
  const shared = parts[0]!.manifest;
  const startWallMs = shared.startAtWallMs;
  const endWallMs = Math.max(...parts.map((p) => Date.parse(p.result.endedAtIso)));
  let result = mergedResult(scenario, parts, merged, opts.missing ?? []);
  if (scenario.limits) {
    result = {
      ...result,
      throttle: analyseThrottle({
        log: merged.sendLog, requests: parts[0]!.header.requests.length ? parts[0]!.header.requests : requestIdentities(scenario),
        limits: scenario.limits, stage: scenario.stage, originWallMs: startWallMs,
        tolerance: toleranceFor(scenario.tolerance ?? (isLocalTarget(result.scenario.target) ? 'emulator' : 'aws')),
        throttleStatuses: scenario.throttleStatuses,
      }),
    };
  }
  const target: StartedTarget = opts.target ?? { url: result.scenario.target, emulator: undefined, apiType: result.scenario.apiType, stop: async () => {} };
  const cloudwatch = result.interrupted ? skippedCloudWatch('interrupted: not pulled') : await mergedCloudWatch(scenario, target, merged, { startWallMs, endWallMs }, opts);
  // After stop(): the emulator's last health count has arrived (target.ts withEmulatorHealth); stop() is idempotent.
  await opts.target?.stop();
  result = withEmulatorHealth({ ...result, cloudwatch }, target);
  const gates = parseGates(scenario.gates, opts.extraGates ?? [], scenario.file ?? undefined);
  result = withGates(result, evaluateGates(result, [...implicitGates(result, gates), ...gates]));
  if (opts.finish) result = await opts.finish(result);
  const outDir = await writeReports(result, opts.outDir ?? join('reports', result.runId));
  writeSendLogFile(join(outDir, SEND_LOG_FILE), merged.sendLog, { ...parts[0]!.header, originWallMs: startWallMs });
  await writeFileAtomic(join(outDir, 'parts.json'), `${JSON.stringify(partsSummary(parts, opts.missing ?? []), null, 2)}\n`);
  if (opts.junitFile) {
    const { renderJunit } = await import('../report/junit.ts');
    await writeFileAtomic(opts.junitFile, renderJunit(result));
  }
  return { result, outDir, exitCode: exitCodeOf(result) };
}

async function mergedCloudWatch(scenario: Scenario, target: StartedTarget, merged: MergedRecord, window: { startWallMs: number; endWallMs: number }, opts: JudgeOptions): Promise<CloudWatchSection> {
  const cw = cloudWatchTargetFor(scenario, target, opts);
  if (typeof cw === 'string') return skippedCloudWatch(cw);
  return pullCloudWatch(cw, window, clientMinutes(merged.sendLog, window.startWallMs), {
    maxWaitMs: cw.source === 'emulator' ? 5_000 : 180_000, requestTimeoutMs: opts.aws?.requestTimeoutMs, signal: opts.signal,
  });
}

/** The merged RunResult before any judging: the parts' figures added, the schedule judged on the sum. */
function mergedResult(scenario: Scenario, parts: readonly LoadedPart[], merged: MergedRecord, missing: readonly number[]): RunResult {
  const results = parts.map((p) => p.result);
  const base = results[0]!;
  const { sendLog: _log, ...measurement } = merged;
  const lag = percentilesMs(decodeHistogram(merged.histograms.sendLagUs));
  const sendLagMs = { p50: lag.p50, p99: lag.p99, max: lag.max };
  const interrupted = results.some((r) => r.interrupted);
  // Each part's measured window is sent / achieved; uninterrupted, it is the planned duration.
  const windowS = interrupted ? Math.max(...results.map((r) => (r.schedule.achievedRps > 0 ? r.totals.sent / r.schedule.achievedRps : 0))) : base.schedule.durationS;
  const inFlightLimit = results.reduce((s, r) => s + (r.schedule.inFlightCap?.limit ?? 0), 0);
  const inFlightCap = { limit: inFlightLimit, from: base.schedule.inFlightCap?.from ?? 'maxInFlight' } as const;
  const judged = judgeSchedule({ dropped: merged.totals.dropped, sent: merged.totals.sent, sendLagP99Ms: sendLagMs.p99, inFlightCap, plannedArrivals: merged.totals.scheduled + missingPlanned(results, missing, parts) });
  const notes = [
    ...(judged.kept ? [] : [`schedule not kept: ${judged.notKept.join('; ')}`]),
    ...partsNotes(parts, missing),
    ...(interrupted ? ['interrupted: the parts measured until the interrupt are merged'] : []),
  ];
  const worst = (pick: (r: RunResult) => number) => Math.max(...results.map(pick));
  return {
    ...base,
    runId: base.runId.replace(/-part-\d+-of-\d+$/, ''),
    scenario: { ...base.scenario, name: scenario.name, file: scenario.file },
    kind: 'run',
    startedAtIso: new Date(parts[0]!.manifest.startAtWallMs).toISOString(),
    endedAtIso: new Date(worst((r) => Date.parse(r.endedAtIso))).toISOString(),
    interrupted,
    interruptReason: interrupted ? results.find((r) => r.interrupted)!.interruptReason : null,
    notes,
    ...measurement,
    schedule: {
      ...base.schedule,
      targetRps: results.reduce((s, r) => s + r.schedule.targetRps, 0),
      achievedRps: windowS > 0 ? merged.totals.sent / windowS : 0,
      sendLagMs,
      // Dispatch spreads are not stored as histograms: the worst part's, which bounds the merged one.
      burstDispatchMs: { p50: worst((r) => r.schedule.burstDispatchMs?.p50 ?? 0), p99: worst((r) => r.schedule.burstDispatchMs?.p99 ?? 0), max: worst((r) => r.schedule.burstDispatchMs?.max ?? 0), count: results.reduce((s, r) => s + (r.schedule.burstDispatchMs?.count ?? 0), 0) },
      kept: judged.kept,
      required: scenario.options.requireSchedule !== false,
      notKept: judged.notKept,
      inFlightCap,
      cpuMs: results.reduce((s, r) => s + (r.schedule.cpuMs ?? 0), 0),
    },
    throttle: undefined, gates: undefined, passed: undefined,
  };
}

/** A missing part planned about what the others did: its arrivals count against the schedule. */
function missingPlanned(results: readonly RunResult[], missing: readonly number[], parts: readonly LoadedPart[]): number {
  if (missing.length === 0 || parts.length === 0) return 0;
  const meanScheduled = results.reduce((s, r) => s + r.totals.scheduled, 0) / results.length;
  return Math.floor(meanScheduled * missing.length);
}
