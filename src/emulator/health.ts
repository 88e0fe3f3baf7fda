/**
 * The emulator's own health: how many requests it answered with its last-resort 500 because it
 * failed itself (a bug, never the client's fault), and, for an emulator in its own process,
 * whether that process ended before it was told to stop. A run's result carries this
 * (result.json `emulator`), so a run against a broken emulator is never mistaken for a slow API.
 */

/** What a run needs to know about the emulator it was measured against. */
export interface EmulatorHealthSnapshot {
  /** Internal errors (bugs): on a request, answered 500 by the last-resort handler (a 5XXError /
   *  5xx datapoint); outside one (a timer), logged. */
  readonly internalErrors: number;
  /** The first such failure, one line, or null. */
  readonly firstError: string | null;
  /** Set when the emulator's process ended before it was told to stop. */
  readonly exitedEarly: { readonly atWallMs: number; readonly exit: string } | null;
}

/** First line of an error's message, bounded, for logs and results. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.split('\n')[0].slice(0, 200);
}

/** Counts the emulator's own failures; `onFault` hears of each (the child relays them). */
export class EmulatorHealth {
  #internalErrors = 0;
  #firstError: string | null = null;
  readonly #onFault: ((snapshot: EmulatorHealthSnapshot, err: unknown) => void) | undefined;

  constructor(onFault?: (snapshot: EmulatorHealthSnapshot, err: unknown) => void) {
    this.#onFault = onFault;
  }

  /** Records one failure of the emulator itself. Never throws. */
  fault(err: unknown): void {
    this.#internalErrors++;
    this.#firstError ??= oneLine(err);
    try {
      this.#onFault?.(this.snapshot(), err);
    } catch {
      // a failing listener must not turn one fault into a crash
    }
  }

  snapshot(): EmulatorHealthSnapshot {
    return { internalErrors: this.#internalErrors, firstError: this.#firstError, exitedEarly: null };
  }
}

/**
 * The process-wide safety net of an emulator process (child.ts, `loadgate emulator`): an
 * exception that escaped every request handler (a timer, a socket callback) is counted and
 * logged on one line, and the process keeps serving. Requests answer through Exchange, which
 * already turns its own failures into 500s; this catches what has no request to answer.
 */
export function keepServingOnFault(health: EmulatorHealth, log: (line: string) => void): void {
  // A closed stdout or stderr (the reader went away) is no fault of the emulator, and treating
  // its EPIPE as one would log to the closed stream again: a loop that starves the process.
  const ignore = (): void => {};
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  let logged = 0;
  const onFault = (err: unknown): void => {
    health.fault(err);
    // The first few in full, then every 1,000th: a fault storm must not become a log storm.
    const count = health.snapshot().internalErrors;
    if (logged >= LOGGED_IN_FULL && count % 1000 !== 0) return;
    logged++;
    try {
      log(`loadgate emulator: internal error${count > 1 ? ` #${count}` : ''}, still serving: ${oneLine(err)}`);
    } catch {
      // nowhere left to say it; the count is in health()
    }
  };
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
}

const LOGGED_IN_FULL = 10;
