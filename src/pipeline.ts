/**
 * The one place that wires the stages of a run in order (docs/architecture.md, "The stages and
 * the data between them"):
 *
 *   scenario -> plan -> open-loop sender -> recorder -> RunResult
 *            -> throttle analysis -> CloudWatch -> gates -> result.json + reports
 *
 * Each stage takes plain data and returns plain data; nothing reaches back.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { planOf, type Plan } from './schedule/plan.ts';
import { arrivalCursor } from './schedule/arrivals.ts';
import { createRequestFactory } from './load/request-factory.ts';
import { runLoad, type LoadOutcome } from './load/run-load.ts';
import { peakRateRps, warmConnectionsFor } from './load/warm-up.ts';
import type { ProgressSnapshot } from './load/progress-snapshot.ts';
import { judgeSchedule, unkeptScheduleFails } from './load/schedule-kept.ts';
import { SCHEMA_VERSION, type CloudWatchSection, type RunResult, type VerifySection } from './result/schema.ts';
import { resultText } from './result/io.ts';
import { fallbackDirs, OutputError, probeWritable, writeFileAtomic, writeProblem, writeRunFiles } from './result/write-files.ts';
import type { Scenario } from './scenario/types.ts';
import type { RequestIdentity, SendLog } from './record/send-log.ts';
import { SEND_LOG_FILE, writeSendLogFile, type SendLogHeader } from './record/send-log-file.ts';
import { analyseThrottle, toleranceFor } from './throttle/analyse.ts';
import { keyIdOf } from './throttle/key-id.ts';
import { EXIT } from './core/exit-codes.ts';
import { isLocalTarget } from './core/local-target.ts';
import { startTarget, withEmulatorHealth, type StartedTarget } from './target.ts';
import { cloudWatchFor, type AwsOverrides } from './cloudwatch-step.ts';
import { quitSignalOf } from './cancel.ts';
import { UsageError } from './errors.ts';
import { segmentCursor, segmentFactory, type Segment } from './load/segment.ts';
import { guardRequests, paramFailureMessage, paramStopReason, PARAM_STOP, type ParamFailure } from './load/param-guard.ts';
import { parseGates, type Gate } from './gates/parse.ts';
import { abortCheck } from './gates/abort.ts';
import { checkGateRoutes } from './gates/route-metrics.ts';
import { evaluateGates, implicitGates, withGates } from './gates/evaluate.ts';
import { renderers, reportFileNames } from './report/render.ts';
import { renderJunit } from './report/junit.ts';
import { VERSION } from './version.ts';

export interface MeasureOptions {
  readonly target: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ProgressSnapshot) => void;
  readonly kind?: RunResult['kind'];
  readonly apiType?: RunResult['scenario']['apiType'];
  /** Gates checked once a second; an `abortOnFail` one that can no longer pass stops the run. */
  readonly gates?: readonly Gate[];
  /** Spill the send log to a temporary file during a long run (runScenario moves it into the run folder). */
  readonly spillSendLog?: boolean;
  /** Send only this part's arrivals (src/scale/segment.ts); its send log's arrival indices are the part's own. */
  readonly segment?: Segment;
  /** The shared run time 0 of every part of a split run, epoch ms (src/scale/; load/run-load.ts startAt). */
  readonly startAt?: (signal: AbortSignal) => Promise<number>;
}

/** Above this many planned arrivals the send log goes to disk as the run goes (33 bytes a row would be 8 MB). */
export const SPILL_ABOVE_ARRIVALS = 250_000;

export interface Measured {
  readonly result: RunResult;
  readonly sendLog: SendLog;
  readonly load: LoadOutcome;
  /** Set when the scenario's own code threw and sending stopped there (load/param-guard.ts). */
  readonly stoppedBy?: ParamFailure;
}

/** One measured run without writing files: load + throttle analysis; no CloudWatch, no gates. */
export async function measure(scenario: Scenario, opts: MeasureOptions): Promise<RunResult> {
  return (await measureFull(scenario, opts)).result;
}

export async function measureFull(scenario: Scenario, opts: MeasureOptions): Promise<Measured> {
  const plan = planOf(scenario.phases, scenario.file ?? undefined);
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const watch = gateWatch(opts.gates ?? [], plan.expectedArrivals, scenario.limits !== undefined, controller);
  let stoppedBy: ParamFailure | undefined;
  const seg = opts.segment;
  const arrivals = seg ? segmentCursor(arrivalCursor(plan, scenario.seed), seg) : arrivalCursor(plan, scenario.seed);
  const factory = seg ? segmentFactory(createRequestFactory(scenario.requests, scenario.seed), seg) : createRequestFactory(scenario.requests, scenario.seed);
  const inputs = guardRequests(arrivals, factory, (error, arrivalIndex) => {
    stoppedBy = { error, arrivalIndex };
    controller.abort(paramStopReason(stoppedBy));
  });
  try {
    const load = await runLoad({
      target: opts.target,
      arrivals: inputs.arrivals,
      plannedDurationMs: plan.durationMs,
      factory: inputs.factory,
      requestNames: scenario.requests.map((r) => r.name),
      options: scenario.options,
      signal: controller.signal,
      quit: quitSignalOf(opts.signal),
      onProgress: watch ? (p) => (watch(p), opts.onProgress?.(p)) : opts.onProgress,
      warmConnections: warmConnectionsFor(scenario.phases, scenario.options.maxInFlight),
      peakRateRps: peakRateRps(scenario.phases) / (seg?.count ?? 1),
      startAt: opts.startAt,
      spill: opts.spillSendLog && plan.expectedArrivals > SPILL_ABOVE_ARRIVALS
        ? { path: join(tmpdir(), `loadgate-send-log-${randomBytes(6).toString('hex')}.bin`), header: sendLogHeader(scenario) }
        : undefined,
    });
    let result = resultOf(scenario, plan, load, opts, controller.signal.reason);
    if (scenario.limits) {
      result = {
        ...result,
        throttle: analyseThrottle({
          log: load.sendLog,
          requests: requestIdentities(scenario),
          limits: scenario.limits,
          stage: scenario.stage,
          originWallMs: load.startWallMs,
          tolerance: toleranceFor(scenario.tolerance ?? (scenario.target === undefined || isLocalTarget(scenario.target) ? 'emulator' : 'aws')),
          throttleStatuses: scenario.throttleStatuses,
        }),
      };
    }
    // Lazy: a spilled log is read back only by a stage that needs it (replay, CloudWatch, verify).
    return { result, get sendLog() { return load.sendLog; }, load, stoppedBy };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Why a run stopped early because of a gate: `interruptReason` starts with it (exit 1, not 130). */
export const GATE_ABORT = 'stopped early: gate';

/**
 * The once-a-second check of `abortOnFail` gates (gates/abort.ts); undefined when none can abort.
 * When one has failed for good it aborts the run with a reason naming the gate.
 */
function gateWatch(gates: readonly Gate[], plannedRequests: number, limitsDeclared: boolean, controller: AbortController) {
  if (!gates.some((g) => g.abortOnFail)) return undefined;
  let checkedBeforeS = 0;
  return (p: ProgressSnapshot): void => {
    if (controller.signal.aborted || p.phase === 'done') return;
    const { rows, settledBeforeS } = p.live();
    const decision = abortCheck(gates, { rows, settledBeforeS, checkedBeforeS, plannedRequests, limitsDeclared });
    checkedBeforeS = settledBeforeS;
    if (decision.abort) controller.abort(`${GATE_ABORT} "${decision.gate.source}" failed (${decision.verdict.reason ?? 'abortOnFail'})`);
  };
}

/** What a send-log file says besides its rows and its origin time (docs/send-log.md). */
function sendLogHeader(scenario: Scenario): Omit<SendLogHeader, 'originWallMs'> {
  return { requests: requestIdentities(scenario), stage: scenario.stage, throttleStatuses: scenario.throttleStatuses };
}

/** What the throttle model needs of each request of the scenario. */
export function requestIdentities(scenario: Scenario): RequestIdentity[] {
  return scenario.requests.map((r) => ({ method: r.method, path: r.path.split('?')[0], keyId: r.headers['x-api-key'] === undefined ? undefined : keyIdOf(r.headers['x-api-key']) }));
}

export interface PipelineOptions {
  /** @default reports/<runId> */
  readonly outDir?: string;
  readonly kind?: RunResult['kind'];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ProgressSnapshot) => void;
  /** Gate expressions from the command line (`--gate`). */
  readonly extraGates?: readonly string[];
  /** `loadgate verify`: declared vs measured, from the measured run (its result and send log). */
  readonly verify?: (measured: Measured) => VerifySection;
  /** Pull CloudWatch even for a target that does not look like API Gateway (true), or never (false). */
  readonly cloudwatch?: boolean;
  readonly aws?: AwsOverrides;
  readonly junitFile?: string;
  /** Extra sections computed from the finished result (baseline comparison). */
  readonly finish?: (result: RunResult) => Promise<RunResult> | RunResult;
}

export interface PipelineOutcome {
  readonly result: RunResult;
  readonly outDir: string;
  readonly exitCode: number;
}

/** A whole run: start the target, measure, analyse, pull CloudWatch, gate, write every report. */
export async function runScenario(scenario: Scenario, opts: PipelineOptions = {}): Promise<PipelineOutcome> {
  const gates = parseGates(scenario.gates, opts.extraGates ?? [], scenario.file ?? undefined);
  checkGateRoutes(gates, scenario.requests.map((r) => r.name));
  await probeWritable(opts.outDir ?? 'reports', opts.outDir === undefined ? 'the reports folder' : '--out');
  if (opts.junitFile) await probeWritable(dirname(opts.junitFile), '--junit');
  const target: StartedTarget = await startTarget(scenario);
  let measured: Measured;
  let cloudwatch: CloudWatchSection;
  try {
    measured = await measureFull(scenario, { target: target.url, signal: opts.signal, onProgress: opts.onProgress, kind: opts.kind, apiType: target.apiType, gates, spillSendLog: true });
    cloudwatch = opts.signal?.aborted ? skippedCloudWatch('interrupted: not pulled') : await cloudWatchFor(scenario, target, measured, opts);
  } finally {
    await target.stop();
  }
  let result: RunResult = withLateInterrupt(withEmulatorHealth({ ...measured.result, cloudwatch }, target), opts.signal);
  if (opts.verify) result = { ...result, verify: opts.verify({ ...measured, result }) };
  result = withGates(result, evaluateGates(result, [...implicitGates(result, gates), ...gates]));
  if (opts.finish) result = await opts.finish(result);
  let outDir: string;
  let reportFailure: OutputError | undefined;
  try {
    outDir = await writeReports(result, opts.outDir ?? join('reports', result.runId));
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    [outDir, reportFailure] = [err.written.outDir, err];
  }
  // The record a re-judgement needs (verify --from, docs/send-log.md), beside result.json wherever it went.
  await keepSendLog(measured, scenario, join(outDir, SEND_LOG_FILE));
  if (reportFailure) throw reportFailure;
  if (opts.junitFile) {
    await writeFileAtomic(opts.junitFile, renderJunit(result)).catch((err: unknown) => {
      throw new OutputError({ outDir, failures: [`cannot write ${opts.junitFile} (${writeProblem(err)})`] });
    });
  }
  if (measured.stoppedBy) {
    throw new UsageError(paramFailureMessage(scenario.file, scenario.requests.map((r) => r.name), measured.stoppedBy, result.totals.sent, join(outDir, reportFileNames.json)), { file: scenario.file ?? undefined });
  }
  return { result, outDir, exitCode: exitCodeOf(result) };
}

/** The run's send log into the run folder: moved there when the run spilled it, else written from memory. */
export async function keepSendLog(measured: Measured, scenario: Scenario, path: string): Promise<void> {
  if (measured.load.sendLogFile) await moveFile(measured.load.sendLogFile, path);
  else writeSendLogFile(path, measured.sendLog, { originWallMs: measured.load.startWallMs, ...sendLogHeader(scenario) });
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to); // /tmp on another file system
    await unlink(from);
  }
}

/**
 * result.json first (into `outDir`, else a fallback folder), then summary.md and report.html,
 * each atomically (result/write-files.ts). Returns the folder written; throws OutputError naming
 * every file that failed and where result.json is.
 */
export async function writeReports(result: RunResult, outDir: string): Promise<string> {
  const written = await writeRunFiles(
    outDir,
    { name: reportFileNames.json, render: () => resultText(result) },
    [{ name: reportFileNames.markdown, render: () => renderers.markdown(result) }, { name: reportFileNames.html, render: () => renderers.html(result) }],
    fallbackDirs(outDir, result.runId),
  );
  if (written.failures.length > 0) throw new OutputError(written);
  return written.outDir;
}

/**
 * docs/architecture.md "Exit codes": 130 interrupted, 1 a gate failed or nothing answered, 3 the schedule
 * was not kept (`loadgate run`, unless it opted out: load/schedule-kept.ts), else 0.
 */
export function exitCodeOf(result: RunResult): number {
  if (result.interrupted && !result.interruptReason?.startsWith(GATE_ABORT)) return EXIT.INTERRUPTED;
  if (result.totals.completed === 0) return EXIT.GATE_FAILED;
  if (result.passed === false) return EXIT.GATE_FAILED;
  if (unkeptScheduleFails(result)) return EXIT.SCHEDULE_NOT_KEPT;
  return EXIT.OK;
}

function resultOf(scenario: Scenario, plan: Plan, load: LoadOutcome, opts: MeasureOptions, abortReason: unknown): RunResult {
  const m = load.measurement;
  const windowS = load.scheduledWindowMs / 1000;
  // A part of a split run was asked for its share of the plan (src/scale/segment.ts: 1/N of it, to one arrival).
  const share = opts.segment ? 1 / opts.segment.count : 1;
  const notes: string[] = [];
  if (m.totals.sent === 0 && m.totals.scheduled > 0) notes.push('no request was sent');
  else if (m.totals.completed === 0 && m.totals.sent > 0) notes.push(`no request got a response from ${opts.target}: is the target up? (${describeErrors(m.totals.errorsByKind)})`);
  const judged = judgeSchedule({
    dropped: m.totals.dropped, sent: m.totals.sent, sendLagP99Ms: load.sendLagMs.p99, inFlightCap: load.inFlightCap,
    // An uninterrupted loop handles every arrival (Poisson's realised count is not the expected one).
    plannedArrivals: load.interrupted ? Math.floor(plan.countAt(load.scheduledWindowMs) * share) : m.totals.scheduled,
  });
  if (!judged.kept) notes.unshift(`schedule not kept: ${judged.notKept.join('; ')}`);
  if (m.totals.unfinished > 0) notes.push(`${m.totals.unfinished} requests were still unanswered when the run ended`);
  const startedAt = new Date(load.startWallMs);
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: runIdOf(scenario.name, startedAt),
    tool: { name: 'loadgate', version: VERSION },
    scenario: { name: scenario.name, file: scenario.file, target: opts.target, apiType: opts.apiType ?? scenario.limits?.api.type ?? 'unknown' },
    kind: opts.kind ?? 'run',
    startedAtIso: startedAt.toISOString(),
    endedAtIso: new Date(load.endWallMs).toISOString(),
    interrupted: load.interrupted,
    interruptReason: load.interrupted ? interruptReasonOf(abortReason) : null,
    notes,
    ...m,
    schedule: {
      targetRps: plan.meanRateRps * share,
      achievedRps: windowS > 0 ? m.totals.sent / windowS : 0,
      durationS: plan.durationMs / 1000,
      phases: plan.describe(),
      sendLagMs: load.sendLagMs,
      seed: scenario.seed,
      burstDispatchMs: load.burstDispatchMs,
      kept: judged.kept,
      required: scenario.options.requireSchedule !== false,
      notKept: judged.notKept,
      inFlightCap: load.inFlightCap,
      warmUp: load.warmUp,
      cpuMs: load.cpuMs,
      connectMs: load.connectMs,
    },
    cloudwatch: skippedCloudWatch('not pulled for a single measurement (capacity steps); loadgate run and verify pull it'),
  };
}

/** An interrupt after sending ended (drain, CloudWatch) still marks the result interrupted (exit 130). */
function withLateInterrupt(result: RunResult, signal: AbortSignal | undefined): RunResult {
  if (!signal?.aborted || result.interrupted) return result;
  return { ...result, interrupted: true, interruptReason: `${interruptReasonOf(signal.reason)} after sending ended` };
}

function interruptReasonOf(reason: unknown): string {
  if (typeof reason === 'string' && (reason.startsWith(GATE_ABORT) || reason.startsWith(PARAM_STOP))) return reason;
  return typeof reason === 'string' && reason.startsWith('SIG') ? `interrupted by ${reason}` : 'interrupted';
}

export function skippedCloudWatch(reason: string): CloudWatchSection {
  return { status: 'skipped', reason, source: null, namespace: 'AWS/ApiGateway', dimensions: [], minutes: [], reconciliation: null };
}

function describeErrors(byKind: object): string {
  const parts = Object.entries(byKind as Record<string, number>).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return parts.length ? parts.join(', ') : 'no errors recorded';
}

function runIdOf(name: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'run';
  return `${stamp}-${slug}-${randomBytes(2).toString('hex')}`;
}
