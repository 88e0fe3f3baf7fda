/**
 * The Shape interface (one rate curve per phase) and the small helpers every shape shares:
 * the count tolerance and the human formatting of rates and durations.
 */

/**
 * A rate curve for one phase. Pure: no clock, no I/O, no randomness.
 * Times are ms since the phase start; rates are requests per second.
 *
 *   rate ^        ,---            countAt(t) = ∫₀ᵗ rateRpsAt(u) du / 1000
 *        |      ,'                (the area; arrivals are read off this curve)
 *        |----'
 *        +-------------> t
 *
 * countAt is right-continuous and counts arrivals in [0, tMs] inclusive, so a burst at the
 * phase start makes countAt(0) = count; every other shape has countAt(0) = 0.
 */
export interface Shape {
  readonly durationMs: number;
  /** Intended instantaneous rate at `tMs` (Vegeta `Pacer.Rate`); 0 outside [0, durationMs). */
  rateRpsAt(tMs: number): number;
  /** Expected arrivals in [0, tMs], clamped to [0, durationMs]. Non-decreasing; may jump (bursts). */
  countAt(tMs: number): number;
  /**
   * Earliest t in [0, durationMs] with countAt(t) >= count, or undefined if the phase never gets
   * there. count <= 0 gives 0.
   */
  timeAtCount(count: number): number | undefined;
  /** "ramp 10→200 rps over 60 s", for logs, progress and reports. */
  toString(): string;
}

/**
 * How far a float count may fall short of a whole number and still count as reaching it.
 * Areas like 0.1 rps x 10,000 s come out a few ulps off the integer the user meant; without
 * this slack the last arrival of such a phase would vanish. 1e-11 relative is ~10^4 ulps,
 * far below one arrival for any plan under 2^53 arrivals.
 */
export function countSlack(count: number): number {
  return 1e-11 * Math.max(1, Math.abs(count));
}

/** "12.5" / "100" / "0.333": up to 3 decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** "60 s", "1.5 s", "250 ms": whole seconds when the value is at least one second. */
export function formatDurationMs(durationMs: number): string {
  return durationMs >= 1000 ? `${formatNumber(durationMs / 1000)} s` : `${formatNumber(durationMs)} ms`;
}

/** Clamps tMs into [0, durationMs]. */
export function clampMs(tMs: number, durationMs: number): number {
  return tMs <= 0 ? 0 : tMs >= durationMs ? durationMs : tMs;
}
