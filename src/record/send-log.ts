/**
 * The per-request log of a run: when each request was meant to go, when it went and what came
 * back, in typed arrays (33 bytes a request), in send order. The throttle replay needs these
 * exact times; docs/send-log.md describes the columns and the file they are written to.
 * Row i is the i-th request sent; dropped arrivals are not in it (their arrival index is missing).
 */

/** How a 429 was classified (record/throttle-origin.ts); NONE for any other outcome. */
export const ORIGIN = { NONE: 0, THROTTLE: 1, QUOTA: 2, OTHER: 3 } as const;
export type OriginCode = (typeof ORIGIN)[keyof typeof ORIGIN];

export interface SendLog {
  /** Number of rows. Arrays may be longer (capacity); only [0, count) is valid. */
  readonly count: number;
  /** Index of the arrival in the schedule (0, 1, 2, ...; gaps are dropped arrivals). */
  readonly arrivalIndex: Uint32Array;
  /** When the schedule wanted it sent, ms since run start. */
  readonly intendedMs: Float64Array;
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

/** What the throttle model needs of each scenario request (by `requestIndex`); never a secret. */
export interface RequestIdentity {
  readonly method: string;
  /** Path template relative to the target base URL: `/users/{id}`. */
  readonly path: string;
  /** The x-api-key the request sends, as its key id (throttle/key-id.ts), never the key. */
  readonly keyId?: string;
}
