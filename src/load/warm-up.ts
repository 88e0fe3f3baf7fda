/**
 * How many connections to open before the first arrival when the user did not fix them with
 * `connections`: enough for the schedule's sharpest moment, so that opening sockets on demand
 * (synchronous work on the sending thread, then a round trip) does not smear an instant burst or
 * make the first seconds of a fast run late. They are opened outside the measured window and do
 * not cap anything: more still open as needed up to the in-flight cap.
 */
import type { PhaseSpec } from '../scenario/types.ts';

/**
 * Connections that serve this much of the peak rate without opening more. 100 ms, not 20: a cold
 * run on one busy core profiled (docs/gates.md "Warm-up") showed the feedback loop that cost the
 * first second: a hiccup raises latency, in-flight outgrows the warm connections, new ones open
 * in the send path (net connect, undici client set-up), which makes the next sends later still.
 * Idle sockets cost the target little; they are opened before time 0.
 */
const HEADROOM_MS = 100;
const MINIMUM = 8;

/** The highest intended rate of a phase, rps (0 for bursts and pauses, which have no rate). */
function phasePeakRps(p: PhaseSpec): number {
  return p.shape === 'constant' ? p.rateRps
    : p.shape === 'ramp' || p.shape === 'steps' ? Math.max(p.fromRps, p.toRps)
    : p.shape === 'sine' ? p.meanRps + p.amplitudeRps
    : 0;
}

/** The schedule's highest intended rate, rps; a burst counts as its count per second of spread (at least per second). */
export function peakRateRps(phases: readonly PhaseSpec[]): number {
  let peak = 0;
  for (const p of phases) {
    peak = Math.max(peak, phasePeakRps(p));
    if (p.shape === 'burst') peak = Math.max(peak, (p.count * 1000) / Math.max(1000, p.spreadMs));
  }
  return peak;
}

export function warmConnectionsFor(phases: readonly PhaseSpec[], maxInFlight: number): number {
  let need = MINIMUM;
  for (const p of phases) {
    need = Math.max(need, Math.ceil((phasePeakRps(p) * HEADROOM_MS) / 1000));
    if (p.shape === 'burst') need = Math.max(need, p.spreadMs <= HEADROOM_MS ? p.count : Math.ceil((p.count * HEADROOM_MS) / p.spreadMs));
  }
  return Math.min(need, maxInFlight);
}
