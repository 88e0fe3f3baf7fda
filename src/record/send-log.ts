/**
 * The per-request log of a run: when each request was sent and what came back, in typed arrays
 * (about 24 bytes a request), in send order. The throttle replay needs these exact times.
 * Row i is the i-th request sent; dropped arrivals are not in it.
 */

/** How a 429 was classified (record/throttle-origin.ts); NONE for any other outcome. */
export const ORIGIN = { NONE: 0, THROTTLE: 1, QUOTA: 2, OTHER: 3 } as const;
export type OriginCode = (typeof ORIGIN)[keyof typeof ORIGIN];

export interface SendLog {
  /** Number of rows. Arrays may be longer (capacity); only [0, count) is valid. */
  readonly count: number;
  /** Actual send time, ms since run start, non-decreasing. */
  readonly sentMs: Float64Array;
  /** Response (or failure) time, ms since run start; NaN while unfinished. */
  readonly endMs: Float64Array;
  /** HTTP status, 0 when there was no response (network error, timeout, unfinished). */
  readonly status: Uint16Array;
  /** ORIGIN code of a 429. */
  readonly origin: Uint8Array;
  /** Index into the scenario's `requests` of the request that was sent. */
  readonly requestIndex: Uint16Array;
}

/** What the throttle model needs of each scenario request (by `requestIndex`). */
export interface RequestIdentity {
  readonly method: string;
  /** Path template relative to the target base URL: `/users/{id}`. */
  readonly path: string;
  /** Value of the x-api-key header, if the request sends one. */
  readonly apiKey?: string;
}
