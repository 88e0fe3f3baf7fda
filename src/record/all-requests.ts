/**
 * The all-requests latency view: every arrival the schedule planned counts, not only those that
 * were answered (k6's http_req_failed idea applied to latency). An arrival with a response or a
 * failure (refused, reset, timed out) counts at its time from the intended send to that outcome;
 * an arrival that never got an outcome (dropped at the cap, still unanswered at the end) counts
 * as slower than any value. So pNN is a number only when at least NN% of arrivals got an outcome
 * at or below it; otherwise it is null ("not answered"), and a gate on it fails.
 *
 *   recorded (answered + failed), sorted:  |......................|  never answered: k
 *   rank of pNN over all n = recorded + k:  ceil(NN/100 · n)  -> in the recorded part? value : null
 */
import type { Histogram } from './histograms.ts';
import type { AllRequestsLatency } from '../result/schema.ts';

/** Percentile `pct` (0..100] of all arrivals, ms; null when its rank falls among the never answered. */
export function allRequestsPercentileMs(histogram: Histogram, neverAnswered: number, pct: number): number | null {
  const recorded = histogram.totalCount;
  const total = recorded + neverAnswered;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((pct / 100) * total));
  if (rank > recorded) return null;
  // The same rank inside the recorded part, as a percentile of it (hdr rounds ranks up the same way).
  return histogram.getValueAtPercentile(Math.min(100, (rank / recorded) * 100)) / 1000;
}

export function allRequestsLatency(histogram: Histogram, neverAnswered: number): AllRequestsLatency {
  const at = (pct: number) => allRequestsPercentileMs(histogram, neverAnswered, pct);
  return {
    p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: at(100),
    count: histogram.totalCount + neverAnswered, neverAnswered: Math.max(0, neverAnswered),
  };
}
