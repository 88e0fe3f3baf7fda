/**
 * One part of a split run (`loadgate run --segment i/N --start-at T`): its share of the
 * arrivals (segment.ts) from the shared time 0, written as a run folder plus part.json. Nothing
 * is judged here: a part's throttle replay, CloudWatch and gates would see 1/N of the traffic
 * against the whole bucket, so they are computed on the merged record only (merge-run.ts).
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { keepSendLog, measureFull, skippedCloudWatch, writeReports } from '../pipeline.ts';
import type { ProgressSnapshot } from '../load/progress-snapshot.ts';
import { SEND_LOG_FILE } from '../record/send-log-file.ts';
import type { RunResult } from '../result/schema.ts';
import { probeWritable } from '../result/write-files.ts';
import type { Scenario } from '../scenario/types.ts';
import { paramFailureMessage } from '../load/param-guard.ts';
import { reportFileNames } from '../report/render.ts';
import { writePartManifest, type PartManifest, type StoredFlags } from './part-file.ts';
import { formatSegment, type Segment } from '../load/segment.ts';

export interface PartOptions {
  readonly segment: Segment;
  /** Resolves to the shared run time 0 (epoch ms) once this part is warmed up and connected (start-at.ts). */
  readonly startAt: (signal: AbortSignal) => Promise<number>;
  readonly flags: StoredFlags;
  /** @default reports/<runId> */
  readonly outDir?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ProgressSnapshot) => void;
}

export interface PartOutcome {
  readonly result: RunResult;
  readonly outDir: string;
  readonly manifest: Omit<PartManifest, 'format' | 'version'>;
  /** 0 written, 130 interrupted (written too). */
  readonly exitCode: number;
}

export async function runPart(scenario: Scenario, opts: PartOptions): Promise<PartOutcome> {
  if (scenario.target === undefined) {
    throw new UsageError('--segment: a part needs --target (or a target in the scenario): every part must send to one shared target (loadgate run --workers starts one emulator for all its parts)');
  }
  await probeWritable(opts.outDir ?? 'reports', opts.outDir === undefined ? 'the reports folder' : '--out');
  const part = formatSegment(opts.segment);
  // No limits: the throttle replay of one part against the whole bucket would be wrong.
  const partScenario: Scenario = { ...scenario, limits: undefined, gates: [] };
  let startAtWallMs: number | undefined;
  const measured = await measureFull(partScenario, {
    target: scenario.target, signal: opts.signal, onProgress: opts.onProgress, apiType: scenario.limits?.api.type,
    spillSendLog: true, segment: opts.segment, startAt: async (signal) => (startAtWallMs = await opts.startAt(signal)),
  });
  // Interrupted before it was ready: it never had a shared start, so its own start stands in.
  startAtWallMs ??= measured.load.startWallMs;
  const startSkewMs = measured.load.startWallMs - startAtWallMs;
  const notes = [`part ${part} of a split run, started ${startSkewMs.toFixed(2)} ms after the shared start: gates, the throttle replay and CloudWatch are judged on the merged record (loadgate merge)`, ...measured.result.notes];
  const result: RunResult = { ...measured.result, notes, cloudwatch: skippedCloudWatch('a part of a split run: pulled for the merged window by loadgate merge') };
  const outDir = await writeReports(result, opts.outDir ?? join('reports', `${result.runId}-part-${opts.segment.index}-of-${opts.segment.count}`));
  await keepSendLog(measured, partScenario, join(outDir, SEND_LOG_FILE));
  const manifest = {
    segment: opts.segment, startAtWallMs, originWallMs: measured.load.startWallMs, startSkewMs,
    plan: { scenarioName: scenario.name, seed: scenario.seed, phases: result.schedule.phases, durationS: result.schedule.durationS },
    scenarioFile: scenario.file === null ? null : resolve(scenario.file), flags: opts.flags, interrupted: result.interrupted,
  };
  // part.json last: its presence says the part's folder is complete.
  await writePartManifest(outDir, manifest);
  if (measured.stoppedBy) {
    throw new UsageError(paramFailureMessage(scenario.file, scenario.requests.map((r) => r.name), measured.stoppedBy, result.totals.sent, join(outDir, reportFileNames.json)), { file: scenario.file ?? undefined });
  }
  return { result, outDir, manifest, exitCode: result.interrupted ? 130 : 0 };
}
