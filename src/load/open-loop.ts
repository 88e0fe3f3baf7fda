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
 *
 * Every due arrival is handled per wake-up, but never for longer than MAX_BATCH_MS at a stretch:
 * however far behind the loop is (an absurd rate, a stalled machine), it then yields to I/O, so
 * responses settle, progress prints and SIGINT is heard. The arrivals it had no time for are still
 * due at the next wake-up and are handled then (sent late, or dropped at the cap): never skipped.
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

/** What the loop needs of a Sender: its in-flight counter and send(). */
export type DueSender = Pick<Sender, 'inFlight' | 'send'>;

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
/** Longest stretch the loop sends or drops without yielding to the event loop. */
export const MAX_BATCH_MS = 1;
/** Arrivals handled between two reads of the clock inside one batch (a drop costs ~50 ns). */
const CLOCK_CHECK_EVERY = 32;

export async function runOpenLoop(
  arrivals: ArrivalCursor,
  sender: DueSender,
  sink: DropSink,
  options: OpenLoopOptions,
): Promise<LoopSummary> {
  const { clock, maxInFlight, signal } = options;
  let scheduled = 0;
  let dropped = 0;
  let dueMs = arrivals.next();
  while (dueMs !== Infinity && !signal.aborted) {
    const wokeMs = clock.nowMs();
    let nowMs = wokeMs;
    let sinceCheck = 0;
    while (dueMs <= nowMs) {
      if (sender.inFlight >= maxInFlight) {
        sink.dropped(dueMs);
        dropped++;
      } else {
        sender.send(scheduled, dueMs);
      }
      scheduled++;
      dueMs = arrivals.next();
      if (++sinceCheck === CLOCK_CHECK_EVERY) {
        sinceCheck = 0;
        const checkedMs = clock.nowMs();
        if (checkedMs - wokeMs >= MAX_BATCH_MS) break;
        nowMs = checkedMs;
      }
    }
    // Past arrivals left over from a cut batch make sleepUntil yield once and return.
    if (dueMs !== Infinity) await clock.sleepUntil(dueMs, signal, sender.inFlight === 0);
  }
  return { scheduled, dropped, endedMs: clock.nowMs(), interrupted: signal.aborted };
}
