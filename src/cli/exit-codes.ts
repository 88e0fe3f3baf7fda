/** The process exit codes of loadgate (design.md "Exit codes"), defined in this one place. */
export const EXIT = Object.freeze({
  /** Ran, and every gate passed. */
  OK: 0,
  /** A gate failed (declared limits add throttle.verdict == pass), or no request got any response. */
  GATE_FAILED: 1,
  /** Bad usage or configuration: one line on stderr. */
  USAGE: 2,
  /** Every gate passed but the schedule was not kept (drops, achieved < 99% of target, send-lag p99 over the threshold). */
  SCHEDULE_NOT_KEPT: 3,
  /** Interrupted by SIGINT/SIGTERM; what was measured is written. */
  INTERRUPTED: 130,
});
