/**
 * The shapes runLoad consumes from the schedule and scenario stages. They are declared here
 * structurally so the engine does not depend on how those stages implement them.
 */

/** Yields the intended send time of arrival 0, 1, 2, ... in ms since run start; Infinity after the last. */
export interface ArrivalCursor {
  next(): number;
}

/** One concrete request, ready to send. */
export interface PreparedRequest {
  /** Index into the scenario's requests (for per-route stats and the send log). */
  readonly requestIndex: number;
  readonly method: string;
  /** Relative to the target base URL (which may carry a stage path such as /prod). */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** Builds the request for an arrival (picks it by weight, fills in parameters). */
export interface RequestFactory {
  prepare(arrivalIndex: number): PreparedRequest;
}
