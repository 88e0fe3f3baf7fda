/**
 * A token bucket as API Gateway documents it: capacity `burst`, refilled continuously at
 * `rateRps` tokens per second, starting full; a request takes one whole token.
 *
 *   tokens ^  b ----.      .----------      refill(t) = min(b, tokens + r * (t - last) / 1000)
 *          |        |    ,'                 admit iff tokens >= 1, then tokens -= 1
 *          |        |  ,'   slope r/s
 *          |        '-'
 *          +-------------------------> t
 *
 * Capacity is b, not b + 1 as in nginx's limit_req (docs/aws-rules.md §7).
 */
import type { ThrottleSpec } from '../core/limits.ts';

/** Absorbs float error from summing many small refills, so 10,000 evenly spaced requests at 10,000 rps all pass. */
const TOKEN_EPSILON = 1e-9;

export class TokenBucket {
  readonly rateRps: number;
  readonly burst: number;
  #tokens: number;
  /** −Infinity until the first refill: always a number, so the field stays an unboxed double. */
  #lastMs: number;

  constructor(spec: ThrottleSpec) {
    this.rateRps = spec.rateRps;
    this.burst = spec.burst;
    this.#tokens = spec.burst;
    this.#lastMs = -Infinity;
  }

  /** Brings the bucket to time `atMs`. Time never runs backwards: an earlier `atMs` refills nothing. */
  refill(atMs: number): void {
    const last = this.#lastMs;
    if (!(atMs > last)) return;
    if (last !== -Infinity) this.#tokens = Math.min(this.burst, this.#tokens + (this.rateRps * (atMs - last)) / 1000);
    this.#lastMs = atMs;
  }

  /** Whether a token is there (call refill first). */
  hasToken(): boolean {
    return this.#tokens >= 1 - TOKEN_EPSILON;
  }

  take(): void {
    this.#tokens -= 1;
  }

  /** Refill, then take a token if there is one. */
  tryTake(atMs: number): boolean {
    this.refill(atMs);
    if (!this.hasToken()) return false;
    this.take();
    return true;
  }

  get tokens(): number {
    return this.#tokens;
  }
}
