/**
 * Recorder: implements RecordSink and accumulates everything a run measures: whole-run
 * histograms (latency from the intended time, service time from the actual send, send lag),
 * per-second rows, per-route stats, response-code and throttle-origin counts, error kinds, and the
 * send log. It knows no protocol: the sender classifies each answer (record/sink.ts AnsweredOutcome).
 * `measurement()` turns it into the plain data result.json stores.
 */
import type { ErrorKind, ErrorsByKind, RouteStats, RunResult, Status429ByOrigin, TimelineRow } from '../result/schema.ts';
import { encodeHistogram, newHistogram, percentilesMs, recordMs, addHistogram, type Histogram } from './histograms.ts';
import { SendLogBuilder } from './send-log-builder.ts';
import type { SendLogFileWriter } from './send-log-file.ts';
import { SpillingSendLog, type SendLogRows } from './spilling-send-log.ts';
import { allRequestsLatency } from './all-requests.ts';
import { ORIGIN, type SendLog } from './send-log.ts';
import { Timeline, addTimelineRows, secondOf } from './series.ts';
import type { AnsweredOutcome, RecordSink, SentRequest } from './sink.ts';

/** What runLoad reports about the measured part of a run. */
export type Measurement = Pick<RunResult, 'totals' | 'latencyMs' | 'serviceTimeMs' | 'histograms' | 'timeline' | 'routes'> &
  Required<Pick<RunResult, 'latencyAllMs'>>;

/** Send lag split as docs/architecture.md "Schedule kept" defines it: instant-burst members apart. */
export interface SendLagSplit {
  /** Arrivals that are not part of an instant burst: the schedule-kept figure. */
  readonly sendLagMs: { p50: number; p99: number; max: number };
  /** Lag of the 2nd, 3rd, ... arrival of an instant burst (same intended time as the one before): the time to hand it out. */
  readonly burstDispatchMs: { p50: number; p99: number; max: number; count: number };
}

/** Set-up times of connections to the target (k6's http_req_connecting), ms. */
export interface ConnectionSetup {
  /** Opened before time 0 (warm connections). */
  readonly warm: ConnectTimes;
  /** Opened during the run because every open one was busy. */
  readonly duringRun: ConnectTimes;
}

export interface ConnectTimes {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function connectTimes(histogram: Histogram): ConnectTimes {
  const { p50, p99, max } = percentilesMs(histogram);
  return { count: histogram.totalCount, p50, p99, max };
}

/** Live counters for progress output; `recentP99Ms` covers responses since the previous call. */
export interface ProgressCounters {
  readonly sent: number;
  readonly dropped: number;
  readonly completed: number;
  readonly errors: number;
  readonly throttled: number;
  readonly recentResponses: number;
  readonly recentP99Ms: number;
}

class RouteAccumulator {
  sent = 0;
  errors = 0;
  readonly byStatus = new Map<number, number>();
  readonly latency = newHistogram();
  /** The route's own seconds, for per-route windowed gates (docs/gates.md "Per-route gates"). */
  readonly timeline = new Timeline();
}

function countsOf(map: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [status, n] of [...map].sort((a, b) => a[0] - b[0])) out[String(status)] = n;
  return out;
}

/** The run's accumulator; after `seal()` late settles are ignored (they count as unfinished). */
export class Recorder implements RecordSink {
  #rows: SendLogRows = new SendLogBuilder();
  #spill: SpillingSendLog | undefined;
  readonly #timeline = new Timeline();
  readonly #latency = newHistogram();
  readonly #service = newHistogram();
  readonly #sendLag = newHistogram();
  readonly #burstDispatch = newHistogram();
  /** Answered and failed requests, from the intended time (all-requests.ts). */
  readonly #latencyAll = newHistogram();
  readonly #connectWarm = newHistogram();
  readonly #connectDuringRun = newHistogram();
  /** Intended time of the last arrival (sent or dropped): an equal one is part of an instant burst. */
  #lastIntendedMs = Number.NaN;
  readonly #recent = newHistogram();
  readonly #routes: RouteAccumulator[] = [];
  readonly #byStatus = new Map<number, number>();
  readonly #errorsByKind: Record<ErrorKind, number> = { refused: 0, reset: 0, timeout: 0, dns: 0, tls: 0, other: 0 };
  readonly #origins = { throttle: 0, quota: 0, other: 0 };
  #dropped = 0;
  #completed = 0;
  #errors = 0;
  #sealed = false;

  sent(arrivalIndex: number, requestIndex: number, intendedMs: number, sentMs: number): number {
    recordMs(intendedMs === this.#lastIntendedMs ? this.#burstDispatch : this.#sendLag, sentMs - intendedMs);
    this.#lastIntendedMs = intendedMs;
    this.#timeline.sent(intendedMs, sentMs);
    const route = this.#route(requestIndex);
    route.sent++;
    route.timeline.sent(intendedMs, sentMs);
    return this.#rows.append(arrivalIndex, requestIndex, intendedMs, sentMs);
  }

  dropped(intendedMs: number): void {
    this.#lastIntendedMs = intendedMs;
    this.#dropped++;
    this.#timeline.dropped(intendedMs);
  }

  answered(request: SentRequest, endMs: number, outcome: AnsweredOutcome): void {
    if (this.#sealed) return;
    const { code, origin } = outcome;
    this.#completed++;
    this.#rows.complete(request.row, endMs, code, origin);
    const latencyMs = endMs - request.intendedMs;
    recordMs(this.#latency, latencyMs);
    recordMs(this.#latencyAll, latencyMs);
    recordMs(this.#recent, latencyMs);
    recordMs(this.#service, endMs - request.sentMs);
    this.#byStatus.set(code, (this.#byStatus.get(code) ?? 0) + 1);
    if (origin === ORIGIN.THROTTLE) this.#origins.throttle++;
    else if (origin === ORIGIN.QUOTA) this.#origins.quota++;
    else if (origin === ORIGIN.OTHER) this.#origins.other++;
    const route = this.#route(request.requestIndex);
    route.byStatus.set(code, (route.byStatus.get(code) ?? 0) + 1);
    recordMs(route.latency, latencyMs);
    this.#timeline.settled(request.sentMs, outcome.answerClass, latencyMs);
    route.timeline.settled(request.sentMs, outcome.answerClass, latencyMs);
  }

  failed(request: SentRequest, endMs: number, kind: ErrorKind): void {
    if (this.#sealed) return;
    this.#errors++;
    this.#errorsByKind[kind]++;
    recordMs(this.#latencyAll, endMs - request.intendedMs);
    this.#rows.complete(request.row, endMs, 0);
    const route = this.#route(request.requestIndex);
    route.errors++;
    this.#timeline.settled(request.sentMs, 'errors', undefined);
    route.timeline.settled(request.sentMs, 'errors', undefined);
  }

  connected(connectMs: number, warm: boolean): void {
    if (!this.#sealed) recordMs(warm ? this.#connectWarm : this.#connectDuringRun, connectMs);
  }

  /** How long connections took to set up, before time 0 and during the run. */
  connectionSetup(): ConnectionSetup {
    return { warm: connectTimes(this.#connectWarm), duringRun: connectTimes(this.#connectDuringRun) };
  }

  /** Stops recording: whatever settles later stays unfinished; a spilled send log is written out and closed. */
  seal(): void {
    this.#sealed = true;
    this.#spill?.finish();
  }

  /** Spill the send log to `writer` as it goes (record/spilling-send-log.ts); call before the first request. */
  spillTo(writer: SendLogFileWriter): void {
    if (this.#rows.count > 0) throw new Error('Recorder.spillTo after the first request');
    this.#spill = new SpillingSendLog(writer);
    this.#rows = this.#spill;
  }

  /** Requests sent so far. */
  get sentCount(): number {
    return this.#rows.count;
  }

  /** The in-memory send log; undefined when it was spilled to a file (read it with readSendLogFile). */
  get sendLog(): SendLog | undefined {
    return this.#spill ? undefined : (this.#rows as SendLogBuilder);
  }

  /** Counters for progress output. */
  progress(): ProgressCounters {
    // Read, then reset in place: a new histogram a second is ~120 KB more for the next full GC.
    const recentResponses = this.#recent.totalCount;
    const recentP99Ms = percentilesMs(this.#recent).p99;
    this.#recent.reset();
    const o = this.#origins;
    return {
      sent: this.#rows.count, dropped: this.#dropped, completed: this.#completed, errors: this.#errors,
      throttled: o.throttle + o.quota, recentResponses, recentP99Ms,
    };
  }

  /**
   * Encodes and frees one per-second histogram that can no longer change (the run's first, then
   * each route's); false when none is left. One a call, so the caller can let the loop turn
   * between two: an encode costs ~1-2 ms, and all of a second's at once stalled the schedule
   * 5-9 ms every second (docs/engine.md "Send lag on a quiet machine").
   */
  closeOneSettled(nowMs: number): boolean {
    const second = secondOf(nowMs);
    if (this.#timeline.closeOneSettled(second)) return true;
    for (const route of this.#routes) if (route.timeline.closeOneSettled(second)) return true;
    return false;
  }

  /** Per-second histograms held in memory, the run's and the routes'. */
  get openHistograms(): number {
    let open = this.#timeline.openHistograms;
    for (const route of this.#routes) open += route.timeline.openHistograms;
    return open;
  }

  /** The timeline so far and how much of it is settled, for gates that may stop a run early. */
  live(nowMs: number): { readonly rows: TimelineRow[]; readonly settledBeforeS: number } {
    return { rows: this.#timeline.rows(0), settledBeforeS: this.#timeline.settledBefore(secondOf(nowMs)) };
  }

  /** The recorded run as result.json data; `seconds` = at least this many timeline rows. */
  measurement(requestNames: readonly string[], seconds: number): Measurement {
    const sent = this.#rows.count;
    const totals = {
      scheduled: sent + this.#dropped, sent, dropped: this.#dropped, completed: this.#completed, errors: this.#errors,
      errorsByKind: { ...this.#errorsByKind } satisfies ErrorsByKind, byStatus: countsOf(this.#byStatus),
      status429ByOrigin: { ...this.#origins } satisfies Status429ByOrigin,
      unfinished: sent - this.#completed - this.#errors,
    };
    return {
      totals,
      latencyMs: percentilesMs(this.#latency),
      latencyAllMs: allRequestsLatency(this.#latencyAll, totals.dropped + totals.unfinished),
      serviceTimeMs: percentilesMs(this.#service),
      histograms: {
        latencyUs: encodeHistogram(this.#latency),
        serviceTimeUs: encodeHistogram(this.#service),
        sendLagUs: encodeHistogram(this.#sendLag),
        latencyAllUs: encodeHistogram(this.#latencyAll),
      },
      timeline: this.#timeline.rows(seconds),
      routes: this.#routeStats(requestNames, seconds),
    };
  }

  /** Send lag (actual minus intended send time) percentiles, ms, of arrivals outside instant bursts. */
  sendLagMs(): { p50: number; p99: number; max: number } {
    const { p50, p99, max } = percentilesMs(this.#sendLag);
    return { p50, p99, max };
  }

  /** Send lag outside instant bursts, and the dispatch spread inside them. */
  sendLag(): SendLagSplit {
    const { p50, p99, max, count } = percentilesMs(this.#burstDispatch);
    return { sendLagMs: this.sendLagMs(), burstDispatchMs: { p50, p99, max, count } };
  }

  #route(requestIndex: number): RouteAccumulator {
    while (this.#routes.length <= requestIndex) this.#routes.push(new RouteAccumulator());
    return this.#routes[requestIndex];
  }

  #routeStats(requestNames: readonly string[], seconds: number): RouteStats[] {
    const byName = new Map<string, { sent: number; errors: number; byStatus: Map<number, number>; latency: Histogram; timeline: TimelineRow[] }>();
    this.#routes.forEach((acc, index) => {
      if (acc.sent === 0) return;
      const name = requestNames[index] ?? `request ${index}`;
      const rows = acc.timeline.rows(seconds);
      const into = byName.get(name);
      if (!into) {
        byName.set(name, { sent: acc.sent, errors: acc.errors, byStatus: new Map(acc.byStatus), latency: acc.latency, timeline: rows });
        return;
      }
      into.sent += acc.sent;
      into.errors += acc.errors;
      for (const [status, n] of acc.byStatus) into.byStatus.set(status, (into.byStatus.get(status) ?? 0) + n);
      const merged = newHistogram();
      addHistogram(merged, into.latency);
      addHistogram(merged, acc.latency);
      into.latency = merged;
      into.timeline = addTimelineRows(into.timeline, rows);
    });
    return [...byName].map(([route, r]) => ({
      route, sent: r.sent, byStatus: countsOf(r.byStatus), errors: r.errors, latencyMs: percentilesMs(r.latency),
      latencyUs: encodeHistogram(r.latency), timeline: r.timeline,
    }));
  }
}
