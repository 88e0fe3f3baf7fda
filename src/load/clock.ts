/**
 * The one clock of a run. `performanceClock` reads performance.now(); ManualClock is virtual time
 * for tests (vitest's fake timers do not fake `performance` unless told to: inject this instead).
 */

/** A monotonic clock in ms plus a way to wait for a point in time on it. */
export interface Clock {
  /** Monotonic ms; performance.now() in production, a ManualClock in tests. */
  nowMs(): number;
  /**
   * Resolves at or after `atMs`, never before; resolves at once when `signal` aborts. `idle`: the
   * caller expects no I/O before `atMs` (nothing in flight), so the wait need not turn the event
   * loop every NAP_MS to read responses; it still yields at least every millisecond.
   */
  sleepUntil(atMs: number, signal: AbortSignal, idle?: boolean): Promise<void>;
}

/**
 * Below this distance to the target time we stop trusting setTimeout (Node timers have 1 ms
 * granularity and fire up to ~1 ms late) and wait in short naps instead.
 */
const NAP_WINDOW_MS = 1;
/**
 * One nap: the thread sleeps in the kernel (Atomics.wait on a private word nobody notifies) for at
 * most this long, then the event loop turns once (setImmediate: I/O callbacks, signals, timers)
 * before the next nap. A nap, unlike polling setImmediate, leaves the CPU to the process's own
 * GC and compiler threads and to the target on a one-core machine (docs/architecture.md "Pacing");
 * responses that arrive during a nap wait at most this long to be read.
 */
const NAP_MS = 0.1;
const napWord = new Int32Array(new SharedArrayBuffer(4));

function nap(ms: number, longestMs: number): void {
  if (ms > 0.02) Atomics.wait(napWord, 0, 0, Math.min(ms, longestMs));
}

function sleepUntilReal(atMs: number, signal: AbortSignal, idle = false): Promise<void> {
  // With nothing in flight there is nothing to read between naps: one nap to the target time
  // (under NAP_WINDOW_MS, so the loop still turns every millisecond) costs one wake-up, not ten.
  const napMs = idle ? NAP_WINDOW_MS : NAP_MS;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const poll = (): void => {
      timer = undefined;
      const leftMs = atMs - performance.now();
      if (leftMs <= 0 || signal.aborted) {
        signal.removeEventListener('abort', onAbort);
        resolve();
      } else schedule(leftMs, true);
    };
    // Only long waits register for abort: a listener per nap would cost more than it saves.
    const schedule = (leftMs: number, napFirst: boolean): void => {
      if (leftMs > NAP_WINDOW_MS) {
        timer = setTimeout(poll, leftMs - NAP_WINDOW_MS);
        signal.addEventListener('abort', onAbort, { once: true });
      } else {
        if (napFirst) nap(leftMs, napMs);
        setImmediate(poll);
      }
    };
    // Never resolve synchronously: a loop that is behind must still let I/O callbacks run.
    schedule(atMs - performance.now(), false);
  });
}

/** The production clock: performance.now(), setTimeout for the long part of a wait, short naps for the last ms. */
export const performanceClock: Clock = Object.freeze({
  nowMs: () => performance.now(),
  sleepUntil: sleepUntilReal,
});

interface Timer {
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * Virtual time for tests. `sleepUntil` jumps time forward to the target (firing every callback
 * scheduled with `at` on the way, in time order), so a million arrivals run in milliseconds and
 * a fake sender can settle responses at exact virtual times.
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  /** Runs `fn` when virtual time reaches `atMs` (or at the next advance if it is already past). */
  at(atMs: number, fn: () => void): void {
    this.#timers.push({ atMs, seq: this.#seq++, fn });
  }

  /** Moves time forward to `atMs`, firing due callbacks in (time, insertion) order. */
  advanceTo(atMs: number): void {
    for (;;) {
      const next = this.#earliestDue(atMs);
      if (next === undefined) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#nowMs = Math.max(this.#nowMs, next.atMs);
      next.fn();
    }
    this.#nowMs = Math.max(this.#nowMs, atMs);
  }

  /** Number of callbacks not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  async sleepUntil(atMs: number, signal: AbortSignal): Promise<void> {
    if (!signal.aborted) this.advanceTo(atMs);
  }

  #earliestDue(limitMs: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (t.atMs > limitMs) continue;
      if (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
