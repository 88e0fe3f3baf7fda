/**
 * The process exit codes of loadgate (docs/exit-codes.md), defined in this one place. The
 * pipeline computes a run's code from its result (pipeline.ts exitCodeOf); the CLI exits with it
 * and lists the table in every --help (cli/exit-codes.ts).
 */
export const EXIT = Object.freeze({
  /** Ran, and every gate passed. */
  OK: 0,
  /** A gate failed (declared limits add throttle.verdict == pass), or no request got any response. */
  GATE_FAILED: 1,
  /** Bad usage or configuration: one line on stderr, found before any traffic where it can be. */
  USAGE: 2,
  /** The schedule was not kept (drops, achieved < 99% of target, send-lag p99 over 5 ms) while every gate passed. */
  SCHEDULE_NOT_KEPT: 3,
  /** A bug in loadgate: one line on stderr (the stack with LOADGATE_DEBUG=1). */
  INTERNAL: 4,
  /** Interrupted by SIGINT/SIGTERM; what was measured is written. */
  INTERRUPTED: 130,
});
