/**
 * Samples a latency distribution (integration-config.ts LatencySpec), in ms, never negative.
 *
 *   fixed      ms
 *   uniform    min + (max - min) * U
 *   normal     max(0, mean + stdDev * Z)                 Z ~ N(0, 1) by Box-Muller
 *   lognormal  median * exp(sigma * Z)                   (median = e^mu; p99 ≈ median * e^(2.326 sigma))
 */
import type { LatencySpec } from './integration-config.ts';

/** A standard normal draw (Box-Muller; 1 - U keeps the log away from 0). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** One latency in ms from `spec`; `random` is Math.random unless a test seeds it. */
export function sampleLatencyMs(spec: LatencySpec, random: () => number = Math.random): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.ms;
    case 'uniform':
      return spec.minMs + (spec.maxMs - spec.minMs) * random();
    case 'normal':
      return Math.max(0, spec.meanMs + spec.stdDevMs * gaussian(random));
    case 'lognormal':
      return spec.medianMs * Math.exp(spec.sigma * gaussian(random));
  }
}
