/**
 * Sane caps on what a scenario or a flag may ask for (README "Scenarios", caps): beyond them a
 * value is a typo (an extra zero, ms for s), not a plan, and is refused before any traffic.
 */
export const CAPS = Object.freeze({
  /** Highest arrival rate of any phase or flag. */
  rateRps: 1_000_000,
  /** Longest phase, and longest whole schedule. */
  durationMs: 24 * 3_600_000,
  /** Largest instant burst. */
  burstCount: 1_000_000,
  /** Most steps of a `steps` phase. */
  steps: 10_000,
  /** Largest in-flight cap (and connection count). */
  maxInFlight: 1_000_000,
  /** Longest per-request timeout. */
  timeoutMs: 3_600_000,
  /** Longest drain after the last arrival. */
  graceMs: 10 * 60_000,
});

/** "24 h", "1,000,000 rps": how a cap reads in a message. */
export function capText(value: number, unit: 'ms' | 'rps' | ''): string {
  if (unit === 'ms') return value % 3_600_000 === 0 ? `${value / 3_600_000} h` : value % 60_000 === 0 ? `${value / 60_000} min` : `${value / 1000} s`;
  return `${value.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
}
