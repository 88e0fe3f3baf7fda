/**
 * The one error family of loadgate. Every error meant for a user is a LoadgateError whose
 * message is a single line; the CLI prints it (never a stack) and exits with `exitCode`.
 */
export type ErrorCode = 'USAGE' | 'CONFIG' | 'TARGET' | 'AWS' | 'INTERNAL';

export class LoadgateError extends Error {
  readonly code: ErrorCode;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, exitCode = defaultExitCode(code)) {
    super(message);
    this.name = 'LoadgateError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/**
 * Bad input: a flag, a scenario file, a config file, a gate expression. Exit code 2.
 * The message names where (file), what (field) and the offending value:
 *   scenarios/x.ts: phases[1].rateRps: -5 is invalid (expected a number >= 0)
 */
export class UsageError extends LoadgateError {
  readonly file: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, where: { file?: string; field?: string } = {}) {
    super('USAGE', message, 2);
    this.name = 'UsageError';
    this.file = where.file;
    this.field = where.field;
  }

  /** `<file>: <field>: <value> is invalid (expected <expected>)`, the standard one-liner. */
  static invalid(file: string | undefined, field: string, value: unknown, expected: string): UsageError {
    const where = [file, field].filter(Boolean).join(': ');
    return new UsageError(`${where}: ${showValue(value)} is invalid (expected ${expected})`, { file, field });
  }

  static unknownField(file: string | undefined, field: string, known: readonly string[]): UsageError {
    const where = [file, field].filter(Boolean).join(': ');
    return new UsageError(`${where}: unknown field (known: ${known.join(', ')})`, { file, field });
  }
}

/** docs/exit-codes.md: usage/config 2, a bug 4, the rest (target, AWS) 1 unless the thrower says. */
function defaultExitCode(code: ErrorCode): number {
  if (code === 'USAGE' || code === 'CONFIG') return 2;
  return code === 'INTERNAL' ? 4 : 1;
}

export function isLoadgateError(err: unknown): err is LoadgateError {
  return err instanceof LoadgateError;
}

/** A value as it should appear in a one-line message: short, quoted when a string. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value); // JSON would say null
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * JSON.parse's complaint without the excerpt Node quotes from the text (`"root:x:0:0"...`): a
 * file passed by mistake may hold secrets, and one line should not show them.
 */
export function jsonProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/, ".*?"(\.\.\.)? is not valid JSON$/s, '').replace(/\s+/g, ' ').slice(0, 120);
}

/** `text` parsed as JSON, or the one line that names `shown` and what is wrong with it. */
export function parseJsonOf(text: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${shown}: not valid JSON (${jsonProblem(err)})`, { file: shown });
  }
}
