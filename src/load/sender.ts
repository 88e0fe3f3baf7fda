/**
 * Sender: what the open loop hands due arrivals to. It starts a request and returns at once;
 * the outcome goes to the RecordSink it was built with, never back to the loop.
 */

/** Starts requests without waiting for them; counts its own requests in flight. */
export interface Sender {
  /** Requests started and not yet settled: the open loop's in-flight cap reads this counter. */
  readonly inFlight: number;
  /** Starts the request for arrival `arrivalIndex`, which was due at `intendedMs`. Returns at once. */
  send(arrivalIndex: number, intendedMs: number): void;
}
