/**
 * The exit-code table as every command's --help prints it, built from EXIT (core/exit-codes.ts)
 * so that README's table, docs/exit-codes.md and --help cannot drift apart.
 */
import { EXIT } from '../core/exit-codes.ts';

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
