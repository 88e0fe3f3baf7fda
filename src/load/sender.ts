/**
 * Sender: what the open loop hands due arrivals to, and the one extension point for a target
 * protocol (docs/engine.md "A new target protocol"). A sender starts a request and returns at
 * once; the outcome goes to the RecordSink it was opened with, in protocol-neutral terms
 * (record/sink.ts), never back to the loop. runLoad picks a TargetProtocol by the target URL's
 * scheme (load/protocols.ts) or takes the one it is given.
 */
import type { Clock } from './clock.ts';
import type { RequestFactory } from './inputs.ts';
import type { RecordSink } from '../record/sink.ts';
import type { Recorder } from '../record/recorder.ts';

/** Starts requests without waiting for them; counts its own requests in flight. */
export interface Sender {
  /** Requests started and not yet settled: the open loop's in-flight cap reads this counter. */
  readonly inFlight: number;
  /** Starts the request for arrival `arrivalIndex`, which was due at `intendedMs`; records it as sent. Returns at once. */
  send(arrivalIndex: number, intendedMs: number): void;
  /** Resolves when nothing is in flight (at once if nothing is). */
  whenIdle(): Promise<void>;
  /** Closes every connection; whatever is still in flight fails (the recorder is sealed first, so it stays unfinished). */
  close(): Promise<void>;
}

/** How to open a sender for a run. */
export interface SenderOptions {
  /** The target URL as the user gave it; its path (a stage such as /prod) prefixes every request path. */
  readonly target: string;
  readonly factory: RequestFactory;
  readonly sink: RecordSink;
  /** The run's clock: sent and end times are read from it. */
  readonly clock: Clock;
  /** Per-request limit for the connect, the first byte of the answer, and each gap after it. */
  readonly timeoutMs: number;
  /** Connections the sender may hold; the open loop never has more requests than this in flight. */
  readonly maxConnections: number;
  /** Connections to open before the first arrival (outside the measured window); 0 = open as needed. */
  readonly warmConnections: number;
}

/** What the code warm-up before time 0 did (result.json `schedule.warmUp`). */
export interface WarmUpReport {
  /** Requests sent to the protocol's own in-process sink; none to the target. */
  readonly sinkRequests: number;
  readonly durationMs: number;
}

/** What a protocol's warm-up runs with. */
export interface WarmUpInput {
  /** The run's own factory (prepare() is a pure function of the index). */
  readonly factory: RequestFactory;
  /** Of the run's clock class, on real time. */
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly requests: number;
  /** Set up as the run's own recorder is (spilling to a file of its own when the run spills), so V8 sees the same shapes. */
  readonly recorder: Recorder;
}

/** A finished warm-up, still holding its sink and connections open until `release` (after the run). */
export interface WarmUp {
  readonly report: WarmUpReport;
  release(): Promise<void>;
}

/** A target protocol: how to reach a target whose URL has one of `schemes`. */
export interface TargetProtocol {
  /** URL schemes as `URL.protocol` spells them ('http:'). */
  readonly schemes: readonly string[];
  /** Opens a sender, with `warmConnections` opened first (failures to open are left to the run). */
  open(options: SenderOptions): Promise<Sender>;
  /**
   * Runs this protocol's send and settle paths about `requests` times against a sink of its own
   * before time 0, so the first second is not spent compiling them; sends nothing to the target
   * (docs/engine.md "The warm-up").
   */
  warmUp(input: WarmUpInput): Promise<WarmUp>;
}
