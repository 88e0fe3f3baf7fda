/**
 * What runLoad consumes: arrival times (declared by the schedule stage, which produces them) and
 * requests (declared here; load/request-factory.ts builds them from a scenario, and the warm-up,
 * the tests and the benchmarks bring their own).
 */
export type { ArrivalCursor } from '../schedule/arrivals.ts';

/** One concrete request, ready to send. Treat it and its headers as read-only: they may be shared. */
export interface PreparedRequest {
  /** Index into the scenario's requests (per-route stats, the send log). */
  readonly requestIndex: number;
  readonly method: string;
  /** Relative to the target base URL (which may carry a stage path such as /prod), placeholders filled. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** Builds the request for an arrival (picks it by weight, fills in parameters). */
export interface RequestFactory {
  /** Deterministic for (seed, arrivalIndex); arrivalIndex is a non-negative integer. */
  prepare(arrivalIndex: number): PreparedRequest;
}
