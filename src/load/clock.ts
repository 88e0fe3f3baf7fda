/**
 * The one clock of a run. `performanceClock` reads performance.now(); ManualClock is virtual time
 * for tests (vitest's fake timers do not fake `performance` unless told to: inject this instead).
 */

/** A monotonic clock in ms plus a way to wait for a point in time on it. */
export interface Clock {
  /** Monotonic ms; performance.now() in production, a ManualClock in tests. */
  nowMs(): number;
  /** Resolves at or after `atMs`, never before; resolves at once when `signal` aborts. */
  sleepUntil(atMs: number, signal: AbortSignal): Promise<void>;
}

/**
 * Below this distance to the target time we stop trusting setTimeout (Node timers have 1 ms
 * granularity and fire up to ~1 ms early or late) and poll with setImmediate, which also lets
 * I/O callbacks run between polls. Kept small on purpose: at 1000 rps a 2 ms window means
 * spinning all the time (88% of a core in bench runs, against 4% with 0.2 ms), the kernel then
 * deschedules the spinning process for whole time slices, and on this 2-core machine the target
 * (the emulator) needs that core. At high rates arrivals are < 0.5 ms apart, so we poll anyway.
 */
const SPIN_WINDOW_MS = 0.5;

function sleepUntilReal(atMs: number, signal: AbortSignal): Promise<void> {
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
      } else schedule(leftMs);
    };
    // Only long waits register for abort: a listener per 50 µs spin would cost more than it saves.
    const schedule = (leftMs: number): void => {
      if (leftMs > SPIN_WINDOW_MS) {
        timer = setTimeout(poll, leftMs - SPIN_WINDOW_MS);
        signal.addEventListener('abort', onAbort, { once: true });
      } else setImmediate(poll);
    };
    // Never resolve synchronously: a loop that is behind must still let I/O callbacks run.
    schedule(atMs - performance.now());
  });
}

/** The production clock: performance.now(), setTimeout for the long part of a wait, setImmediate for the last ms. */
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
