/** The live state of a run, as runLoad hands it to its progress listener. */
import type { TimelineRow } from '../result/schema.ts';

/** What the progress listener receives about once a second, and once more with phase `done` at the end. */
export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly plannedDurationMs: number;
  readonly sent: number;
  readonly dropped: number;
  readonly completed: number;
  readonly errors: number;
  /** throttle + quota 429s so far. */
  readonly throttled: number;
  readonly inFlight: number;
  /** Sends per second since the previous snapshot. */
  readonly recentRps: number;
  /** p99 latency of responses since the previous snapshot; 0 when none. */
  readonly recentP99Ms: number;
  readonly phase: 'sending' | 'draining' | 'done';
  /**
   * The timeline so far and the first second not yet settled (a second is settled once it is
   * over and all its requests are answered); computed on call, for gates that may stop a run.
   */
  readonly live: () => { readonly rows: readonly TimelineRow[]; readonly settledBeforeS: number };
}
