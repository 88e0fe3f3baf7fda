/**
 * The process exit codes of loadgate (design.md "Decisions for the second wave", Exit codes),
 * defined in this one place. README's table and every command's --help are built from
 * EXIT_CODE_LINES, so they cannot drift apart.
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

/** One line per exit code, for --help. */
export const EXIT_CODE_LINES: readonly string[] = [
  `${EXIT.OK}    ran, and every gate passed`,
  `${EXIT.GATE_FAILED}    a gate failed, or no request got any response`,
  `${EXIT.USAGE}    bad usage or configuration (one line on stderr, before any traffic where it can be)`,
  `${EXIT.SCHEDULE_NOT_KEPT}    the schedule was not kept while every gate passed`,
  `${EXIT.INTERNAL}    internal error, a bug (one line; the stack with LOADGATE_DEBUG=1)`,
  `${EXIT.INTERRUPTED}  interrupted (Ctrl-C, SIGTERM); what was measured is written`,
];

/** The "Exit codes:" block every command's --help ends with. */
export function exitCodesHelp(note?: string): string {
  return `\nExit codes:\n${EXIT_CODE_LINES.map((l) => `  ${l}`).join('\n')}${note ? `\n${note}` : ''}`;
}
