/**
 * Whether loadgate prints ANSI colours, decided in one place for every command (run, verify,
 * report, capacity, compare), and the colours themselves (docs/gates.md "CI output"). In order,
 * the first that speaks wins:
 *
 *   1. `--no-color`                       off
 *   2. NO_COLOR, any non-empty value      off   (an empty NO_COLOR counts as unset)
 *   3. FORCE_COLOR = 0 | false            off
 *      FORCE_COLOR = 1 | 2 | 3 | true | ""  on, even without a TTY (as Node itself reads it)
 *      FORCE_COLOR = anything else       ignored
 *   4. the stream written to is a TTY     on, else off
 */

/** The environment variables that decide; process.env in the CLI. */
export type ColorEnv = Readonly<Record<string, string | undefined>>;

/** Where the coloured text goes: only its TTY-ness matters. */
export interface ColorStream {
  readonly isTTY?: boolean;
}

/**
 * Whether to colour what is written to `stream`. `flag` is commander's `color` option: false
 * after `--no-color`, true (or undefined) otherwise.
 */
export function colorEnabled(stream: ColorStream, flag: boolean | undefined, env: ColorEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return false;
    if (force === '' || force === 'true' || force === '1' || force === '2' || force === '3') return true;
  }
  return stream.isTTY === true;
}

/** The SGR codes loadgate uses. */
export const ANSI = { good: '32', bad: '31', warn: '33', muted: '90', bold: '1', title: '1;36' } as const;

/** `text` in SGR `code` when `on`, else as is. */
export function paint(text: string, code: string, on: boolean): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** The help text of `--no-color`, the same on every command. */
export const NO_COLOR_HELP = 'no ANSI colours (default: colours on a TTY; NO_COLOR turns them off, FORCE_COLOR=1 on)';
