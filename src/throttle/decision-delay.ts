/**
 * When the gateway decided each request (docs/inference.md §2). The client knows the send time s
 * and the answer time e; the gateway decided in between, at d = s + δ + q, where δ is the one-way
 * trip (one value per run) and q ≥ 0 the time the request queued at the gateway:
 *
 *   client   s ──δ──> d ──(integration, accepted only)──> answer ──δ──> e
 *
 * A 429 is answered by the gateway itself, without the integration, so its latency is 2δ + q
 * (+ the trips' jitter): throttled latencies reveal δ and the queue; accepted latencies (which
 * include the integration's service time) reveal nothing and are not used.
 *
 *   δ      = min(throttled latency) / 2
 *   jitter = p50 − min of throttled latency: the spread an unqueued answer shows
 *   d_429  = s + δ + max(0, latency − 2δ − jitter)     a queued 429 carries its queue time
 *   d      = max(s + δ, d of every earlier row)        the gateway takes requests in order
 *
 * So an instant burst the gateway works through for 75 ms is decided over those 75 ms (its
 * bucket refills meanwhile), while steady traffic is decided at s + δ: never "anywhere between
 * the send and the answer", which is the slack that let degenerate buckets explain everything.
 */

/** The decision-time estimate of one run's requests. */
export interface DecisionTiming {
  /** δ, ms; null when no latency was given (decisions taken at the send times). */
  readonly delayMs: number | null;
  /** Spread of unqueued throttled answers, ms (0 without latencies). */
  readonly jitterMs: number;
  /** Estimated decision time per request, ms, non-decreasing. */
  readonly decidedMs: Float64Array;
}

const QUANTILE_SAMPLE = 20_000;

/** Decision times of `count` requests sent at `atMs` (see the module comment). */
export function decisionTiming(atMs: ArrayLike<number>, throttled: ArrayLike<number>, count: number, latencyMs?: ArrayLike<number>): DecisionTiming {
  const decidedMs = new Float64Array(count);
  const sample = latencyMs ? throttledLatencies(throttled, count, latencyMs) : new Float64Array(0);
  if (sample.length === 0) {
    let last = -Infinity;
    for (let i = 0; i < count; i++) decidedMs[i] = last = Math.max(last, atMs[i]);
    return { delayMs: null, jitterMs: 0, decidedMs };
  }
  sample.sort();
  const minMs = sample[0];
  const jitterMs = sample[Math.floor(sample.length / 2)] - minMs;
  const delayMs = minMs / 2;
  let last = -Infinity;
  for (let i = 0; i < count; i++) {
    let d = atMs[i] + delayMs;
    if (throttled[i] && latencyMs) {
      const queuedMs = latencyMs[i] - minMs - jitterMs;
      if (queuedMs > 0) d += queuedMs;
    }
    decidedMs[i] = last = Math.max(last, d);
  }
  return { delayMs, jitterMs, decidedMs };
}

/** Finite throttled latencies, evenly thinned to at most QUANTILE_SAMPLE. */
function throttledLatencies(throttled: ArrayLike<number>, count: number, latencyMs: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < count; i++) if (throttled[i] && Number.isFinite(latencyMs[i])) n++;
  const stride = Math.max(1, Math.ceil(n / QUANTILE_SAMPLE));
  const out = new Float64Array(Math.ceil(n / stride));
  let seen = 0;
  let k = 0;
  for (let i = 0; i < count && k < out.length; i++) {
    if (!throttled[i] || !Number.isFinite(latencyMs[i])) continue;
    if (seen++ % stride === 0) out[k++] = Math.max(0, latencyMs[i]);
  }
  return out.subarray(0, k);
}
