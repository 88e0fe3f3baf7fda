/**
 * The emulator's clock: a monotonic ms reading that the token buckets run on, and the wall
 * clock that quota periods (UTC calendar) and metric timestamps use. Injectable, so tests can
 * move time across a quota period without waiting (docs/architecture.md "Quotas").
 */
export interface EmulatorClock {
  /** Monotonic ms (performance.now() in production); never runs backwards. */
  nowMs(): number;
  /** Epoch ms (Date.now() in production). */
  wallMs(): number;
}

/** performance.now() and Date.now(). */
export const systemClock: EmulatorClock = Object.freeze({
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
});

/** A clock that moves only when told to: both readings advance together. For tests. */
export class ManualEmulatorClock implements EmulatorClock {
  #nowMs: number;
  #wallMs: number;

  constructor(startWallMs: number, startNowMs = 0) {
    this.#wallMs = startWallMs;
    this.#nowMs = startNowMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  wallMs(): number {
    return this.#wallMs;
  }

  /** Moves both readings forward by `ms` (>= 0). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualEmulatorClock.advance: ${ms} is not >= 0`);
    this.#nowMs += ms;
    this.#wallMs += ms;
  }
}
