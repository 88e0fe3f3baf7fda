/**
 * Generated traffic and limiters for the inference tests: send-time shapes (the ones scenarios
 * offer), a gateway that decides with a TokenBucket at send + delay, and limiters that are not
 * AWS's bucket (a sliding window counting rejected requests as HAProxy does, a fixed window,
 * nginx's limit_req in integer milli-requests and whole milliseconds, docs/aws-rules.md §7).
 */
import { TokenBucket } from '../../src/throttle/bucket.ts';
import type { Observations } from '../../src/throttle/infer.ts';

export type Rng = () => number;

/** One phase of send times, ms from its own start. */
export type Phase =
  | { readonly kind: 'constant'; readonly rateRps: number; readonly durationMs: number }
  | { readonly kind: 'poisson'; readonly rateRps: number; readonly durationMs: number }
  | { readonly kind: 'ramp'; readonly fromRps: number; readonly toRps: number; readonly durationMs: number }
  | { readonly kind: 'burst'; readonly count: number; readonly spreadMs: number }
  | { readonly kind: 'idle'; readonly durationMs: number };

/** Send times of phases in sequence, ms, non-decreasing. */
export function sendTimes(phases: readonly Phase[], rng: Rng): number[] {
  const out: number[] = [];
  let startMs = 0;
  for (const p of phases) {
    if (p.kind === 'constant') {
      const n = Math.floor((p.rateRps * p.durationMs) / 1000);
      for (let i = 0; i < n; i++) out.push(startMs + (i * 1000) / p.rateRps);
    } else if (p.kind === 'poisson') {
      for (let t = (-Math.log(1 - rng()) * 1000) / p.rateRps; t < p.durationMs; t += (-Math.log(1 - rng()) * 1000) / p.rateRps) out.push(startMs + t);
    } else if (p.kind === 'ramp') {
      // count(t) = from·t + (to − from)·t² / 2D (t in s), inverted for each whole count.
      const d = p.durationMs / 1000;
      const a = (p.toRps - p.fromRps) / (2 * d);
      const total = p.fromRps * d + a * d * d;
      for (let k = 0; k < Math.floor(total); k++) {
        const t = Math.abs(a) < 1e-12 ? k / p.fromRps : (-p.fromRps + Math.sqrt(p.fromRps * p.fromRps + 4 * a * k)) / (2 * a);
        out.push(startMs + t * 1000);
      }
    } else if (p.kind === 'burst') {
      for (let i = 0; i < p.count; i++) out.push(startMs + (p.count > 1 ? (i * p.spreadMs) / (p.count - 1) : 0));
    }
    startMs += p.kind === 'burst' ? p.spreadMs : p.durationMs;
  }
  return out;
}

export interface GatewayOptions {
  /** Decision delay after the send, per request (fixed or jittered), ms. @default 0 */
  readonly delayMs?: (i: number) => number;
  /** Service time of an accepted request, ms (the integration; a 429 has none). @default 0 */
  readonly serviceMs?: (i: number) => number;
  /** The one-way trip, ms: latency = 2 × trip + service (accepted) or 2 × trip (429). @default 1 */
  readonly tripMs?: number;
}

/** A gateway deciding each request with a TokenBucket at its decision time, in decision order. */
export function throughBucket(sentMs: readonly number[], spec: { rateRps: number; burst: number }, options: GatewayOptions = {}): Observations {
  const bucket = new TokenBucket(spec);
  const delay = options.delayMs ?? (() => 0);
  const order = sentMs.map((t, i) => ({ i, at: t + delay(i) })).sort((x, y) => x.at - y.at || x.i - y.i);
  const throttled = new Uint8Array(sentMs.length);
  for (const { i, at } of order) throttled[i] = bucket.tryTake(at) ? 0 : 1;
  return withLatency(sentMs, throttled, options);
}

function withLatency(sentMs: readonly number[], throttled: Uint8Array, options: GatewayOptions): Observations {
  const trip = options.tripMs ?? 1;
  const service = options.serviceMs ?? (() => 0);
  const latencyMs = Float64Array.from(sentMs, (_, i) => 2 * trip + (options.delayMs?.(i) ?? 0) + (throttled[i] ? 0 : service(i)));
  return { atMs: Float64Array.from(sentMs), throttled, count: sentMs.length, latencyMs };
}

/** HAProxy's sc_http_req_rate deny: a sliding window over every request, rejected ones too. */
export function slidingWindowAll(sentMs: readonly number[], limit: number, windowMs: number): Observations {
  const throttled = new Uint8Array(sentMs.length);
  let from = 0;
  for (let i = 0; i < sentMs.length; i++) {
    while (sentMs[from] <= sentMs[i] - windowMs) from++;
    throttled[i] = i - from >= limit ? 1 : 0;
  }
  return withLatency(sentMs, throttled, {});
}

/** A fixed-window counter: at most `limit` accepted per window starting at multiples of windowMs. */
export function fixedWindow(sentMs: readonly number[], limit: number, windowMs: number): Observations {
  const throttled = new Uint8Array(sentMs.length);
  let window = -1;
  let used = 0;
  sentMs.forEach((t, i) => {
    const w = Math.floor(t / windowMs);
    if (w !== window) [window, used] = [w, 0];
    throttled[i] = used < limit ? 0 : 1;
    if (!throttled[i]) used++;
  });
  return withLatency(sentMs, throttled, {});
}

/**
 * nginx limit_req (rate=R r/s burst=B nodelay), as ngx_http_limit_req_lookup computes it, with
 * answers 0.2–0.8 ms after the send (a local nginx; the spread is what inference's slack reads).
 */
export function nginxLimitReq(sentMs: readonly number[], rateRps: number, burst: number): Observations {
  const rateMilli = Math.round(rateRps * 1000);
  const throttled = new Uint8Array(sentMs.length);
  let excess = 0;
  let lastMs: number | undefined;
  sentMs.forEach((t, i) => {
    const now = Math.floor(t);
    if (lastMs === undefined) {
      lastMs = now;
      return;
    }
    const ms = Math.max(0, now - lastMs);
    const next = Math.max(0, excess - Math.trunc((rateMilli * ms) / 1000) + 1000);
    if (next > burst * 1000) throttled[i] = 1;
    else [excess, lastMs] = [next, now];
  });
  const obs = withLatency(sentMs, throttled, { tripMs: 0 });
  const latencyMs = obs.latencyMs as Float64Array;
  for (let i = 0; i < latencyMs.length; i++) latencyMs[i] = 0.2 + 0.6 * (((i * 2654435761) >>> 0) / 2 ** 32);
  return obs;
}

/** Lognormal with median `medianMs` and log-sd `sigma` (Box–Muller). */
export function lognormal(rng: Rng, medianMs: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return medianMs * Math.exp(sigma * z);
}
