/**
 * How many connections to open before the first arrival when the user did not fix them with
 * `connections`: enough for the schedule's sharpest moment, so that opening sockets on demand
 * (synchronous work on the sending thread, then a round trip) does not smear an instant burst or
 * make the first seconds of a fast run late. They are opened outside the measured window and do
 * not cap anything: more still open as needed up to the in-flight cap.
 */
import type { PhaseSpec } from '../scenario/types.ts';
import { peakCountWithin } from '../schedule/shapes/registry.ts';

/**
 * Connections that serve this much of the peak rate without opening more. 100 ms, not 20: a cold
 * run on one busy core profiled (docs/gates.md "Warm-up") showed the feedback loop that cost the
 * first second: a hiccup raises latency, in-flight outgrows the warm connections, new ones open
 * in the send path (net connect, undici client set-up), which makes the next sends later still.
 * Idle sockets cost the target little; they are opened before time 0.
 */
const HEADROOM_MS = 100;
const MINIMUM = 8;

/**
 * The schedule's highest intended rate, rps: the most arrivals any one second of a phase holds
 * (each shape says so itself, schedule/shapes/), so a burst counts as its count per second of
 * spread, at least per second.
 */
export function peakRateRps(phases: readonly PhaseSpec[]): number {
  return peakCountWithin(phases, 1000);
}

export function warmConnectionsFor(phases: readonly PhaseSpec[], maxInFlight: number): number {
  return Math.min(Math.max(MINIMUM, Math.ceil(peakCountWithin(phases, HEADROOM_MS))), maxInFlight);
}
