/**
 * SIGINT/SIGTERM during a run: the first signal aborts (stop sending, grace for in-flight
 * requests, write what was measured); a second one ends the process at once with 130.
 */
import { EXIT } from './exit-codes.ts';

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    process.stderr.write(`\nloadgate: ${name}: stopping, waiting briefly for requests in flight, then writing the result (again to quit now)\n`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
