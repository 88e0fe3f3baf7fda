/**
 * Progress output for a run: a live line rewritten in place on a TTY (cleared when the run
 * ends), or a plain line every few seconds otherwise (CI logs). It is a listener handed to
 * runLoad as `onProgress`; the engine never writes to a terminal itself.
 */
import type { ProgressSnapshot } from '../load/progress-snapshot.ts';

/** Plain (non-TTY) output prints at most once per this interval. */
const PLAIN_INTERVAL_MS = 5000;

/** The stream a printer writes to: a TTY gets the live line. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** One line describing a snapshot, e.g. "12.0/60 s  sent 12000 (1000 rps)  in flight 98  p99 105 ms  429 0  dropped 0  errors 0". */
export function formatProgress(p: ProgressSnapshot): string {
  const elapsedS = (p.elapsedMs / 1000).toFixed(1);
  const plannedS = Math.round(p.plannedDurationMs / 1000);
  const stage = p.phase === 'draining' ? '  draining' : '';
  return (
    `${elapsedS}/${plannedS} s  sent ${p.sent} (${Math.round(p.recentRps)} rps)  in flight ${p.inFlight}` +
    `  p99 ${p.recentP99Ms.toFixed(1)} ms  429 ${p.throttled}  dropped ${p.dropped}  errors ${p.errors}${stage}`
  );
}

/** A progress listener writing to `stream`: live line on a TTY, a plain line every ~5 s otherwise. */
export function progressPrinter(stream: ProgressStream): (p: ProgressSnapshot) => void {
  if (stream.isTTY) {
    return (p) => {
      // \x1b[2K clears the whole line, so a shorter line leaves no tail of the previous one.
      if (p.phase === 'done') stream.write('\r\x1b[2K');
      else stream.write(`\r\x1b[2K${formatProgress(p)}`);
    };
  }
  let lastPrintedMs = -Infinity;
  return (p) => {
    if (p.phase === 'done') return;
    if (p.elapsedMs - lastPrintedMs < PLAIN_INTERVAL_MS) return;
    lastPrintedMs = p.elapsedMs;
    stream.write(`${formatProgress(p)}\n`);
  };
}
