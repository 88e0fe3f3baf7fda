/**
 * The one clock of a run. `performanceClock` reads performance.now(); ManualClock is virtual time
 * for tests (vitest's fake timers do not fake `performance` unless told to: inject this instead).
 */

/** A monotonic clock in ms plus a way to wait for a point in time on it. */
export interface Clock {
  /** Monotonic ms; performance.now() in production, a ManualClock in tests. */
  nowMs(): number;
  /**
   * Resolves at or after `atMs`, never before, and never synchronously; a wait over ~20 ms
   * resolves at once when `signal` aborts (shorter ones when they end). `idle`: the caller expects
   * no I/O before `atMs` (nothing in flight), so the last millisecond may be napped for precision.
   */
  sleepUntil(atMs: number, signal: AbortSignal, idle?: boolean): Promise<void>;
}

/**
 * What the real clock waits with: a monotonic ms reading, a timer, one event-loop turn, and a
 * nap that blocks the thread. Injectable so a test can count the wake-ups a schedule costs on a
 * virtual host (test/load/clock-wake-ups.test.ts) instead of timing them.
 */
export interface WaitHost {
  nowMs(): number;
  /** Runs `fn` after about `ms` (Node truncates it to whole ms, at least 1, counted from the loop's whole-ms time). */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Runs `fn` after one turn of the event loop (I/O callbacks, signals, timers). */
  setImmediate(fn: () => void): void;
  /** Blocks the thread for `ms` (< 1): nothing else in the process runs meanwhile. */
  nap(ms: number): void;
}

/**
 * An idle wait (nothing in flight, docs/engine.md "Where the time goes") sets a timer to
 * NAP_WINDOW_MS before the target and naps the rest, so a sparse schedule is sent to the
 * microsecond and nothing has to be read meanwhile. With requests in flight a long nap would
 * leave their responses unread, and naps of 0.1 ms in a row cost ~10,000 wake-ups a second
 * whatever the rate: the wait is a timer (one wake-up per millisecond at most; every arrival due
 * by then goes out in it) unless the arrival is under IN_FLIGHT_NAP_MS away. Every nap ends in
 * a send.
 */
const NAP_WINDOW_MS = 1;
/**
 * With requests in flight, an arrival this close is napped to instead of waited for with a 1 ms
 * timer: at 10k rps a timer per millisecond left more 5 ms gaps in nginx's arrival log than a
 * short nap (paired cold runs on a busy one-core: 66% vs 76% of 10 ms windows on pace; docs/engine.md
 * "Where the time goes"). Such a nap lasts this long whatever the arrival's distance, so arrivals
 * closer together share one: each nap costs about 35 µs of the core however short it is asked to
 * be (docs/engine.md "What a nap costs"), and napping exactly to each arrival cost 27-30% more of
 * the engine's CPU at 5k to 17k rps. A nap here always ends in a send, and responses wait at most this long to be read.
 */
const IN_FLIGHT_NAP_MS = 0.25;
/**
 * Waits shorter than this do not listen for abort: the loop sees the signal when they end, and a
 * listener per wait would cost more than it saves at a wake-up per millisecond.
 */
const ABORT_LISTEN_ABOVE_MS = 20;

const napWord = new Int32Array(new SharedArrayBuffer(4));

/** Node's own timers and a nap on a private word nobody notifies (the thread sleeps in the kernel). */
export const nodeWaitHost: WaitHost = Object.freeze({
  nowMs: () => performance.now(),
  setTimer: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (fn: () => void) => void setImmediate(fn),
  nap: (ms: number) => void Atomics.wait(napWord, 0, 0, ms),
});

/** A Clock that waits on `host` (see WaitHost for the policy). */
export function hostClock(host: WaitHost): Clock {
  function sleepUntil(atMs: number, signal: AbortSignal, idle = false): Promise<void> {
    return new Promise((resolve) => {
      let timer: unknown;
      let listening = false;
      const done = (): void => {
        if (listening) signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        if (timer !== undefined) host.clearTimer(timer);
        listening = false;
        resolve();
      };
      const poll = (): void => {
        timer = undefined;
        const leftMs = atMs - host.nowMs();
        if (leftMs <= 0 || signal.aborted) done();
        else wait(leftMs);
      };
      const wait = (leftMs: number): void => {
        if (idle ? leftMs <= NAP_WINDOW_MS : leftMs <= IN_FLIGHT_NAP_MS) {
          // Nap (the rest when idle, a whole IN_FLIGHT_NAP_MS in flight), then turn the loop once (I/O, signals) before resolving.
          host.nap(idle ? leftMs : IN_FLIGHT_NAP_MS);
          host.setImmediate(poll);
          return;
        }
        if (!listening && leftMs > ABORT_LISTEN_ABOVE_MS) {
          listening = true;
          signal.addEventListener('abort', onAbort, { once: true });
        }
        // Whole ms, rounded up: Node truncates a timer's duration, so 2.7 ms would wake at 2 and again at 3.
        timer = host.setTimer(poll, Math.max(1, Math.ceil(idle ? leftMs - NAP_WINDOW_MS : leftMs)));
      };
      // Never resolve synchronously: a loop that is behind must still let I/O callbacks run.
      const leftMs = atMs - host.nowMs();
      if (leftMs <= 0) host.setImmediate(poll);
      else wait(leftMs);
    });
  }
  return Object.freeze({ nowMs: () => host.nowMs(), sleepUntil });
}

/** The production clock: performance.now(), a timer per wait, a nap for the last ms only when idle. */
export const performanceClock: Clock = hostClock(nodeWaitHost);

/** A loop turn longer than this is work still queued, not the loop's own cost (~1 µs a turn). */
const SETTLED_TURN_MS = 1;
/** The loop is settled once no turn took longer than SETTLED_TURN_MS for this long... */
const SETTLED_FOR_MS = 30;
/** ...or after this, however busy it still is. */
const SETTLE_MAX_MS = 300;

/**
 * Turns the event loop until it has been quiet for SETTLED_FOR_MS (bounded by SETTLE_MAX_MS), and
 * returns how long that took. Run just before time 0: opening the warm connections and closing
 * the warm-up's first sender leave work queued (3-8 ms turns for 15-60 ms after it, measured on a
 * cold 10,000 rps run), which otherwise held the first arrivals 3-5 ms late (docs/engine.md
 * "The warm-up"). It sends nothing; the turns spin the core for that long.
 */
export function settleLoop(host: WaitHost = nodeWaitHost): Promise<number> {
  const startMs = host.nowMs();
  return new Promise((resolve) => {
    let lastMs = startMs;
    let quietSinceMs = startMs;
    const turn = (): void => {
      const nowMs = host.nowMs();
      if (nowMs - lastMs > SETTLED_TURN_MS) quietSinceMs = nowMs;
      lastMs = nowMs;
      if (nowMs - quietSinceMs >= SETTLED_FOR_MS || nowMs - startMs >= SETTLE_MAX_MS) resolve(nowMs - startMs);
      else host.setImmediate(turn);
    };
    host.setImmediate(turn);
  });
}

/** The run's own time: `base` shifted so that 0 is the moment `start()` was called. */
export class RunClock implements Clock {
  #originMs = 0;
  constructor(private readonly base: Clock) {}
  start(): void {
    this.#originMs = this.base.nowMs();
  }
  nowMs(): number {
    return this.base.nowMs() - this.#originMs;
  }
  sleepUntil(atMs: number, signal: AbortSignal, idle?: boolean): Promise<void> {
    return this.base.sleepUntil(atMs + this.#originMs, signal, idle);
  }
}

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
