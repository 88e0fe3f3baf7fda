/**
 * runLoad: the engine's entry point (src/pipeline.ts calls it). Opens the target protocol's sender
 * (load/sender.ts; by the target URL's scheme, load/protocols.ts), runs the open
 * loop over the schedule, waits out the planned duration, drains in-flight requests for
 * `graceMs`, and returns what was measured as plain data plus the send log.
 *
 *   warm-up | 0 ........ sending ........ last arrival ... planned end | drain (graceMs) | seal
 *           ^ run time 0 (startWallMs)                   scheduledWindowMs ^
 */
import { rmSync } from 'node:fs';
import type { RunOptions } from '../scenario/types.ts';
import type { SendLog } from '../record/send-log.ts';
import { readSendLogFile, SendLogFileWriter, type SendLogHeader } from '../record/send-log-file.ts';
import { Recorder, type ConnectionSetup, type Measurement } from '../record/recorder.ts';
import { performanceClock, RunClock, settleLoop, type Clock } from './clock.ts';
import type { ArrivalCursor, RequestFactory } from './inputs.ts';
import { runOpenLoop } from './open-loop.ts';
import { warmUpRequestsFor } from './code-warm-up.ts';
import { protocolFor } from './protocols.ts';
import type { Sender, TargetProtocol, WarmUpReport } from './sender.ts';
import type { ProgressSnapshot } from './progress-snapshot.ts';

export type { ArrivalCursor, PreparedRequest, RequestFactory } from './inputs.ts';
export type { Sender, TargetProtocol } from './sender.ts';
export type { ProgressSnapshot } from './progress-snapshot.ts';

/** Everything one run of load needs. */
export interface LoadInput {
  /** Base URL, may include a stage path (/prod). */
  readonly target: string;
  readonly arrivals: ArrivalCursor;
  readonly plannedDurationMs: number;
  readonly factory: RequestFactory;
  /** By requestIndex, for per-route stats. */
  readonly requestNames: readonly string[];
  readonly options: RunOptions;
  /** Abort = interrupt: stop sending, give in-flight requests graceMs, finish; during the drain: finish now. */
  readonly signal: AbortSignal;
  /** Abort = stop draining now, whenever the interrupt came (the second Ctrl-C, src/cancel.ts). */
  readonly quit?: AbortSignal;
  /** About once a second. */
  readonly onProgress?: (p: ProgressSnapshot) => void;
  readonly clock?: Clock;
  /**
   * Spill the send log to this file while the run goes, so memory stays flat however long it is
   * (record/spilling-send-log.ts); `header` goes into the file (docs/send-log.md). Absent: kept in memory.
   */
  readonly spill?: { readonly path: string; readonly header: Omit<SendLogHeader, 'originWallMs'> };
  /** The schedule's highest rate (load/warm-up.ts peakRateRps): sizes the code warm-up. @default 0 (the smallest warm-up) */
  readonly peakRateRps?: number;
  /** Connections to open before the first arrival when `options.connections` is unset (load/warm-up.ts); they cap nothing. @default 0 */
  readonly warmConnections?: number;
  /** How to reach the target. @default the protocol registered for the target URL's scheme (load/protocols.ts) */
  readonly protocol?: TargetProtocol;
  /**
   * When run time 0 falls, for the parts of a split run (src/scale/): called once warm-up and the
   * connections are done, it resolves to an epoch ms; the clock starts there (at once if it has passed).
   */
  readonly startAt?: (signal: AbortSignal) => Promise<number>;
}

/** What one run of load measured. */
export interface LoadOutcome {
  readonly measurement: Measurement;
  /** Outside instant bursts (the schedule-kept figure). */
  readonly sendLagMs: { p50: number; p99: number; max: number };
  /** Time to hand out instant bursts (record/recorder.ts SendLagSplit). */
  readonly burstDispatchMs: { p50: number; p99: number; max: number; count: number };
  /** Planned duration, or elapsed until the interrupt. */
  readonly scheduledWindowMs: number;
  /** Read from `sendLogFile` on first use when the run spilled it. */
  readonly sendLog: SendLog;
  /** The complete send-log file when the run spilled it (input.spill.path), else null. */
  readonly sendLogFile: string | null;
  /** Epoch ms at run time 0. */
  readonly startWallMs: number;
  readonly endWallMs: number;
  readonly interrupted: boolean;
  /** The in-flight cap in force and which option set it (the drop note names both). */
  readonly inFlightCap: InFlightCap;
  /** The protocol's code warm-up before time 0 (its own in-process sink only); null when switched off. */
  readonly warmUp: WarmUpReport | null;
  /** CPU time (user + system) of this process from time 0 to the end of the drain, ms. */
  readonly cpuMs: number;
  /** How long connections to the target took to set up, before time 0 and during the run (never part of send lag). */
  readonly connectMs: ConnectionSetup;
}

/** The cap on requests in flight: `connections` when set (it is never above maxInFlight), else maxInFlight. */
export interface InFlightCap {
  readonly limit: number;
  readonly from: 'connections' | 'maxInFlight';
}

export function inFlightCapOf(options: RunOptions): InFlightCap {
  if (options.connections !== undefined && options.connections < options.maxInFlight) return { limit: Math.max(1, options.connections), from: 'connections' };
  return { limit: Math.max(1, options.maxInFlight), from: 'maxInFlight' };
}

const PROGRESS_INTERVAL_MS = 1000;

/** Waits for every in-flight request or `graceMs`, whichever comes first, or until one of `cutBy` aborts. */
async function drain(sender: Sender, clock: Clock, graceMs: number, cutBy: readonly AbortSignal[]): Promise<void> {
  if (cutBy.some((s) => s.aborted)) return;
  const stopWaiting = new AbortController();
  const deadline = clock.sleepUntil(clock.nowMs() + graceMs, stopWaiting.signal);
  const cut = new Promise<void>((resolve) => {
    for (const s of cutBy) s.addEventListener('abort', () => resolve(), { once: true, signal: stopWaiting.signal });
  });
  await Promise.race([sender.whenIdle(), deadline, cut]);
  stopWaiting.abort();
}

/** Runs the schedule open-loop against `target` and returns what was measured. */
export async function runLoad(input: LoadInput): Promise<LoadOutcome> {
  const { options, signal } = input;
  const protocol = protocolFor(input.target, input.protocol ? [input.protocol] : undefined);
  const base = input.clock ?? performanceClock;
  // Real time, whatever clock the run uses: it is real traffic to a real (in-process) server. A
  // RunClock as the run's own, so the code V8 optimises for the warm-up's clock is the run's (load/code-warm-up.ts).
  const warmUpClock = new RunClock(performanceClock);
  warmUpClock.start();
  const rehearsal = options.warmUp === false ? null : warmUpRecorder(input.spill);
  try {
    const warmUp = rehearsal && await protocol.warmUp({ factory: input.factory, clock: warmUpClock, signal, requests: warmUpRequestsFor(input.peakRateRps ?? 0), recorder: rehearsal.recorder });
    try {
      return await loadAfterWarmUp(input, protocol, base, warmUp?.report ?? null);
    } finally {
      // After the run: closing the warm-up's connections earlier recompiled the receive path inside the first second (load/code-warm-up.ts).
      await warmUp?.release();
    }
  } finally {
    rehearsal?.dispose();
  }
}

/** A recorder for the warm-up set up as the run's will be: spilling to `<spill path>.warm-up` when the run spills. */
function warmUpRecorder(spill: LoadInput['spill']): { recorder: Recorder; dispose(): void } {
  const recorder = new Recorder();
  if (spill === undefined) return { recorder, dispose: () => {} };
  const path = `${spill.path}.warm-up`;
  recorder.spillTo(new SendLogFileWriter(path, { ...spill.header, originWallMs: Date.now() }));
  return { recorder, dispose: () => rmSync(path, { force: true }) };
}

async function loadAfterWarmUp(input: LoadInput, protocol: TargetProtocol, base: Clock, warmUp: WarmUpReport | null): Promise<LoadOutcome> {
  const { options, signal } = input;
  const recorder = new Recorder();
  const inFlightCap = inFlightCapOf(options);
  const cap = inFlightCap.limit;
  const clock = new RunClock(base);
  const sender = await protocol.open({
    target: input.target, factory: input.factory, sink: recorder, clock,
    timeoutMs: options.timeoutMs, maxConnections: cap, warmConnections: options.connections ?? input.warmConnections ?? 0,
  });
  await settleLoop();
  if (input.startAt) await performanceClock.sleepUntil((await input.startAt(signal)) - performance.timeOrigin, signal);
  clock.start();
  const cpuAtStart = process.cpuUsage();
  // Sub-ms when parts must line up with each other (their start skew is this minus startAtWallMs).
  const startWallMs = input.startAt ? performance.timeOrigin + performance.now() : Date.now();
  if (input.spill) recorder.spillTo(new SendLogFileWriter(input.spill.path, { ...input.spill.header, originWallMs: startWallMs }));
  let phase: ProgressSnapshot['phase'] = 'sending';
  const progress = progressTicker(input, recorder, sender, clock, () => phase);
  try {
    await runOpenLoop(input.arrivals, sender, recorder, { clock, maxInFlight: cap, signal });
    if (!signal.aborted) await clock.sleepUntil(input.plannedDurationMs, signal);
    const interrupted = signal.aborted;
    const scheduledWindowMs = interrupted ? Math.min(clock.nowMs(), input.plannedDurationMs) : input.plannedDurationMs;
    phase = 'draining';
    // An interrupt during sending leaves the grace for requests in flight; one during the drain ends it.
    await drain(sender, clock, options.graceMs, [...(interrupted ? [] : [signal]), ...(input.quit ? [input.quit] : [])]);
    recorder.seal();
    const cpu = process.cpuUsage(cpuAtStart);
    const endWallMs = Date.now();
    phase = 'done';
    progress.finish();
    const seconds = Math.ceil(scheduledWindowMs / 1000);
    const sendLogFile = input.spill?.path ?? null;
    let sendLog = recorder.sendLog;
    return {
      get sendLog(): SendLog {
        return (sendLog ??= readSendLogFile(sendLogFile!).log);
      },
      sendLogFile,
      measurement: recorder.measurement(input.requestNames, seconds),
      ...recorder.sendLag(),
      scheduledWindowMs,
      startWallMs,
      endWallMs,
      interrupted: interrupted || signal.aborted,
      inFlightCap,
      warmUp,
      cpuMs: (cpu.user + cpu.system) / 1000,
      connectMs: recorder.connectionSetup(),
    };
  } finally {
    progress.stop();
    await sender.close();
  }
}

/**
 * Calls onProgress every second, and after each call encodes the seconds' histograms that can no
 * longer change (listener or not), one per event-loop turn so that arrivals due meanwhile go out
 * between two encodes (Recorder.closeOneSettled).
 */
function progressTicker(input: LoadInput, recorder: Recorder, sender: Sender, clock: Clock, phase: () => ProgressSnapshot['phase']) {
  let lastSent = 0;
  let lastMs = 0;
  let stopped = false;
  const closeSettledSeconds = (): void => {
    if (!stopped && recorder.closeOneSettled(clock.nowMs())) setImmediate(closeSettledSeconds);
  };
  const tick = (): void => {
    const nowMs = clock.nowMs();
    const c = recorder.progress();
    const recentRps = nowMs > lastMs ? ((c.sent - lastSent) * 1000) / (nowMs - lastMs) : 0;
    lastSent = c.sent;
    lastMs = nowMs;
    input.onProgress?.({
      elapsedMs: nowMs, plannedDurationMs: input.plannedDurationMs, sent: c.sent, dropped: c.dropped,
      completed: c.completed, errors: c.errors, throttled: c.throttled, inFlight: sender.inFlight,
      recentRps, recentP99Ms: c.recentP99Ms, phase: phase(), live: () => recorder.live(nowMs),
    });
    setImmediate(closeSettledSeconds);
  };
  const timer = setInterval(tick, PROGRESS_INTERVAL_MS);
  timer.unref();
  return {
    finish: tick,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
