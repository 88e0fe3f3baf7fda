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
 *   q_429  = max(0, latency − 2δ − jitter)       a queued 429 carries its queue time
 *   d_429  = s + δ + q_429
 *   d_acc  in [s + δ, min(e − δ, d_next)]        when the next 429 (d_next) was queued; else s + δ
 *   slack  = min(p75 − min of throttled latency, mean gap / 4): every acceptance's window
 *            widens by ± slack (timing noise of a few hundred µs on a local gateway)
 *   rows are then taken in order of d (inside a burst the gateway picks its own order)
 *
 * An accepted request sent shortly before a queued 429 sat in the same queue: it was decided
 * after its send, before its own answer left (e − δ) and before that 429. Where in between is
 * unknown (a cold gateway may take 40 ms over the first request of a burst), so inference
 * takes the whole window for these requests, and only for these: a window on every 429 is what
 * let degenerate buckets explain everything.
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
  /** Decision-time slack granted to every acceptance, ± ms (0 without latencies). */
  readonly slackMs: number;
  /** Estimated (earliest) decision time per request, ms, sorted: row i here is the i-th decided. */
  readonly decidedMs: Float64Array;
  /** Latest decision time per request where a queue leaves it open, ms; undefined when no queue was seen. */
  readonly latestMs?: Float64Array;
  /** 1 for a 429, per request, in the same (decision) order. */
  readonly throttled: Uint8Array;
}

const QUANTILE_SAMPLE = 20_000;
const MAX_SLACK_MS = 5;
/** Below a microsecond, differences are float noise of end − send, not timing. */
const RESOLUTION_MS = 0.001;
const BURST_DISPATCH_MS = 1;
/** A 429 tells the queue of requests sent up to this long before it. */
const QUEUE_HORIZON_MS = 1000;

/** Decision times of `count` requests sent at `atMs` (see the module comment), in decision order. */
export function decisionTiming(atMs: ArrayLike<number>, throttled: ArrayLike<number>, count: number, latencyMs?: ArrayLike<number>): DecisionTiming {
  const t = decisionTimesBySend(atMs, throttled, count, latencyMs);
  return inDecisionOrder(t.decidedMs, t.latestMs, throttled, count, t.delayMs, t.jitterMs, t.slackMs);
}

/** The same estimate row by row in send order: what replay decides each request at (replay.ts). */
export function decisionTimesBySend(atMs: ArrayLike<number>, throttled: ArrayLike<number>, count: number, latencyMs?: ArrayLike<number>): Omit<DecisionTiming, 'throttled'> {
  const decidedMs = new Float64Array(count);
  const sample = latencyMs ? throttledLatencies(throttled, count, latencyMs) : new Float64Array(0);
  if (sample.length === 0) {
    for (let i = 0; i < count; i++) decidedMs[i] = atMs[i];
    return { decidedMs, latestMs: undefined, delayMs: null, jitterMs: 0, slackMs: 0 };
  }
  sample.sort();
  const minMs = sample[0];
  const jitterMs = sample[Math.floor(sample.length / 2)] - minMs;
  // The slack every acceptance gets: the spread of throttled answers (p75 − min), kept well
  // below the mean gap between requests so that it can never explain a 429 by itself.
  const meanGapMs = count > 1 ? (atMs[count - 1] - atMs[0]) / (count - 1) : 0;
  const spreadMs = sample[Math.floor(sample.length * 0.75)] - minMs;
  const slackMs = spreadMs < RESOLUTION_MS ? 0 : Math.min(spreadMs, 0.25 * meanGapMs, MAX_SLACK_MS);
  const delayMs = minMs / 2;
  // A 429 is decided at s + δ + its queue. An accepted request sent shortly before a queued 429
  // sat in the same queue, somewhere between its send and that 429's decision (FIFO), and
  // before its own answer: a window [early, late], the only slack inference grants.
  const latestMs = new Float64Array(count);
  let queued = false;
  let nextQueueMs = 0;
  let nextDecidedMs = Infinity;
  let nextSentMs = Infinity;
  for (let i = count - 1; i >= 0; i--) {
    const latency = latencyMs![i];
    const unqueued = atMs[i] + delayMs;
    if (throttled[i] && Number.isFinite(latency)) {
      const queueMs = latency - minMs - jitterMs;
      nextQueueMs = queueMs < RESOLUTION_MS ? 0 : queueMs;
      nextDecidedMs = unqueued + nextQueueMs;
      nextSentMs = atMs[i];
      decidedMs[i] = latestMs[i] = nextDecidedMs;
      continue;
    }
    decidedMs[i] = unqueued;
    const inQueue = !throttled[i] && nextQueueMs > 0 && nextSentMs - atMs[i] <= QUEUE_HORIZON_MS;
    const answeredBy = Number.isFinite(latency) ? atMs[i] + latency - delayMs : Infinity;
    // Requests sent within a burst's own dispatch (1 ms) may be taken in any order: only a 429
    // sent clearly later bounds this request's decision.
    const orderBound = nextSentMs - atMs[i] > BURST_DISPATCH_MS ? nextDecidedMs : Infinity;
    latestMs[i] = inQueue ? Math.max(unqueued, Math.min(answeredBy, orderBound)) : unqueued;
    if (latestMs[i] > unqueued + RESOLUTION_MS) queued = true;
  }
  return { decidedMs, latestMs: queued ? latestMs : undefined, delayMs, jitterMs, slackMs };
}

/**
 * Rows sorted by decision time (stable; insertion sort, as disorder is local to queued bursts:
 * inside an instant burst the gateway takes requests in its own order, not the send order).
 * Latest times are then made non-decreasing by a running max, which only widens windows.
 */
function inDecisionOrder(decidedMs: Float64Array, latestMs: Float64Array | undefined, throttled: ArrayLike<number>, count: number, delayMs: number | null, jitterMs: number, slackMs: number): DecisionTiming {
  const flags = new Uint8Array(count);
  for (let i = 0; i < count; i++) flags[i] = throttled[i] ? 1 : 0;
  for (let i = 1; i < count; i++) {
    const d = decidedMs[i];
    if (d >= decidedMs[i - 1]) continue;
    const f = flags[i];
    const late = latestMs ? latestMs[i] : 0;
    let j = i - 1;
    for (; j >= 0 && decidedMs[j] > d; j--) {
      decidedMs[j + 1] = decidedMs[j];
      flags[j + 1] = flags[j];
      if (latestMs) latestMs[j + 1] = latestMs[j];
    }
    decidedMs[j + 1] = d;
    flags[j + 1] = f;
    if (latestMs) latestMs[j + 1] = late;
  }
  if (latestMs) {
    let last = -Infinity;
    for (let i = 0; i < count; i++) latestMs[i] = last = Math.max(last, latestMs[i], decidedMs[i]);
  }
  return { delayMs, jitterMs, slackMs, decidedMs, latestMs, throttled: flags };
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
