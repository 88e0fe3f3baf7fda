/**
 * THE loop of loadgate: the only code that walks the schedule against the clock.
 *
 *   arrivals:  |   |   |   |   |   |        intended times, read from the cursor
 *   now:       ---------^                   every arrival with intended <= now is due:
 *                                           in-flight < cap -> send, else drop and count
 *
 * Each wait targets the next arrival's absolute intended time, so lateness never carries over
 * (no drift, wrk2's usec_to_next_send). Responses are never awaited here: the sender settles
 * them on its own, and the cap is the sender's own in-flight counter (undici's dispatch()
 * returning false only means "busy", so it cannot be the cap).
 */
import type { Clock } from './clock.ts';
import type { ArrivalCursor } from './inputs.ts';
import type { Sender } from './sender.ts';

/** How the loop runs. */
export interface OpenLoopOptions {
  readonly clock: Clock;
  /** A due arrival that finds this many requests in flight is dropped. */
  readonly maxInFlight: number;
  /** Abort = stop sending now (the caller drains). */
  readonly signal: AbortSignal;
}

/** Where drops go (a RecordSink satisfies it). */
export interface DropSink {
  dropped(intendedMs: number): void;
}

/** What the loop did. */
export interface LoopSummary {
  /** Arrivals that came due (sent + dropped). */
  readonly scheduled: number;
  readonly dropped: number;
  /** Clock time when the loop stopped. */
  readonly endedMs: number;
  readonly interrupted: boolean;
}

/** Sends every arrival at its intended time until the schedule ends or `signal` aborts. */
export async function runOpenLoop(
  arrivals: ArrivalCursor,
  sender: Sender,
  sink: DropSink,
  options: OpenLoopOptions,
): Promise<LoopSummary> {
  const { clock, maxInFlight, signal } = options;
  let scheduled = 0;
  let dropped = 0;
  let dueMs = arrivals.next();
  while (dueMs !== Infinity && !signal.aborted) {
    const nowMs = clock.nowMs();
    while (dueMs <= nowMs) {
      if (sender.inFlight >= maxInFlight) {
        sink.dropped(dueMs);
        dropped++;
      } else {
        sender.send(scheduled, dueMs);
      }
      scheduled++;
      dueMs = arrivals.next();
    }
    if (dueMs !== Infinity) await clock.sleepUntil(dueMs, signal);
  }
  return { scheduled, dropped, endedMs: clock.nowMs(), interrupted: signal.aborted };
}
