/**
 * `--start-at T`: the shared run time 0 of every part. Epoch ms or an ISO 8601 time with a zone
 * (`2026-12-01T10:00:00Z`), so machines that agree on UTC agree on T. Or `stdin`, for a
 * coordinator (workers.ts): the part says it is ready on stdout and reads T from stdin, so T can
 * be chosen once every part is warmed up, however long their start-up took.
 */
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';

/** A start time this far in the future is a typo (a year for a month, ms for s). */
const MAX_AHEAD_MS = 24 * 3600_000;

export function parseStartAt(text: string, nowWallMs = Date.now(), field = '--start-at'): number {
  const trimmed = text.trim();
  const atMs = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : /(Z|[+-]\d\d:?\d\d)$/.test(trimmed) ? Date.parse(trimmed) : NaN;
  if (!Number.isFinite(atMs)) throw UsageError.invalid(undefined, field, text, 'epoch ms or an ISO 8601 time with a zone, e.g. 2026-12-01T10:00:00Z');
  if (atMs > nowWallMs + MAX_AHEAD_MS) throw UsageError.invalid(undefined, field, text, 'a time within the next 24 hours');
  return atMs;
}

/** A part's stdout line once it is warmed up and connected (`--start-at stdin`). */
export const READY_LINE = 'loadgate-ready';

/** The part's side of `--start-at stdin`: say ready, read `start <epoch ms>`; an interrupt starts it at once (it then sends nothing). */
export function startFromStdin(signal: AbortSignal): Promise<number> {
  process.stdout.write(`${READY_LINE}\n`);
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (atMs: number | Error) => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      signal.removeEventListener('abort', onAbort);
      if (atMs instanceof Error) reject(atMs);
      else resolve(atMs);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = /^start (\d+(?:\.\d+)?)\n/.exec(text);
      if (line) finish(Number(line[1]));
      else if (text.includes('\n')) finish(new UsageError(`--start-at stdin: expected "start <epoch ms>", got ${JSON.stringify(text.split('\n')[0])}`));
    };
    const onAbort = () => finish(Date.now());
    signal.addEventListener('abort', onAbort, { once: true });
    process.stdin.on('data', onData);
    process.stdin.on('end', () => finish(new UsageError('--start-at stdin: stdin closed before a start time came')));
  });
}

/**
 * `--ready-file PATH`: the part creates PATH once it is warmed up and connected, just before it
 * waits for T. A Kubernetes readinessProbe that tests for the file (k8s.ts) makes the pod Ready
 * only then, so `k8s run` knows which parts could still start late, not merely which started.
 */
export function withReadyFile(startAt: (signal: AbortSignal) => Promise<number>, path: string | undefined): (signal: AbortSignal) => Promise<number> {
  if (path === undefined) return startAt;
  return async (signal) => {
    try {
      await writeFile(path, `${Date.now()}\n`);
    } catch (err) {
      throw new UsageError(`--ready-file: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file: path });
    }
    return startAt(signal);
  };
}
