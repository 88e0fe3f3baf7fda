/**
 * SIGINT/SIGTERM during a command (src/cancel.ts): the first signal aborts the command's one
 * AbortSignal (stop sending, cut the drain and CloudWatch, write what was measured, exit 130);
 * the second aborts its quit companion (no more waiting at all: result.json, then exit) and
 * leaves QUIT_DEADLINE_MS for that before exiting regardless; a third exits at once.
 */
import { linkQuit } from '../cancel.ts';
import { EXIT } from '../core/exit-codes.ts';

/** After the second signal, the longest loadgate takes to write what it has before it exits anyway. */
export const QUIT_DEADLINE_MS = 2000;

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const quit = new AbortController();
  linkQuit(stop.signal, quit.signal);
  let received = 0;
  const onSignal = (name: NodeJS.Signals) => {
    received += 1;
    if (received === 1) {
      process.stderr.write(`\nloadgate: ${name}: stopping; writing what was measured (again to stop waiting for requests in flight)\n`);
      stop.abort(name);
    } else if (received === 2) {
      process.stderr.write(`loadgate: ${name} again: writing result.json and quitting (again to quit without writing)\n`);
      quit.abort(name);
      setTimeout(() => process.exit(EXIT.INTERRUPTED), QUIT_DEADLINE_MS).unref();
    } else {
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
