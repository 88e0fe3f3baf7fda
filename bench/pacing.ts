/**
 * Pacing judged by the server, not by loadgate: nginx logs `$msec` (its arrival time, ms
 * resolution) for every request of a cold, pinned `loadgate run`; the log is cut into 10 ms
 * windows and a window is on pace when it holds rate/100 requests ±50%. The first and last
 * window of the run are partial and left out.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coldRun } from './cold-cli.ts';
import { startNginx } from './servers/nginx.ts';

export const PACING_WINDOW_MS = 10;
const TOLERANCE = 0.5;

export interface PacingResult {
  readonly rateRps: number;
  readonly arrivals: number;
  readonly windows: number;
  /** Share of 10 ms windows within ±50% of rate/100. */
  readonly onPace: number;
  /** Share of windows on pace in the first second alone. */
  readonly onPaceFirstSecond: number;
  /** The machine's 1-minute load average when the run started. */
  readonly loadAverage?: number;
}

/** Judges arrival times (ms) against a constant rate in 10 ms windows. */
export function judgePacing(arrivalsMs: readonly number[], rateRps: number): Omit<PacingResult, 'rateRps'> {
  if (arrivalsMs.length < 2) return { arrivals: arrivalsMs.length, windows: 0, onPace: 0, onPaceFirstSecond: 0 };
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  const startMs = sorted[0];
  const counts = new Map<number, number>();
  for (const t of sorted) {
    const w = Math.floor((t - startMs) / PACING_WINDOW_MS);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const last = Math.floor((sorted[sorted.length - 1] - startMs) / PACING_WINDOW_MS);
  const expected = (rateRps * PACING_WINDOW_MS) / 1000;
  let windows = 0;
  let ok = 0;
  let firstWindows = 0;
  let firstOk = 0;
  // Window 0 starts at the first arrival (full), the last one is cut short by the end: left out.
  for (let w = 0; w < last; w++) {
    const n = counts.get(w) ?? 0;
    const within = Math.abs(n - expected) <= TOLERANCE * expected;
    windows++;
    if (within) ok++;
    if (w < 1000 / PACING_WINDOW_MS) {
      firstWindows++;
      if (within) firstOk++;
    }
  }
  return { arrivals: sorted.length, windows, onPace: windows ? ok / windows : 0, onPaceFirstSecond: firstWindows ? firstOk / firstWindows : 0 };
}

/** One cold, pinned loadgate run against nginx with an arrival log; nginx on `targetCpu`. */
export async function measurePacing(rateRps: number, durationS: number, loadCpu: number, targetCpu: number): Promise<PacingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'lg-pacing-'));
  const log = join(dir, 'arrivals.log');
  const nginx = await startNginx({ locations: "location / { default_type text/plain; return 200 'ok'; }", cpu: targetCpu, arrivalLog: log });
  let loadAverage: number;
  try {
    ({ loadAverage } = await coldRun({ cpu: loadCpu, url: nginx.url, rateRps, durationS }));
  } finally {
    await nginx.stop(); // flushes the buffered log
  }
  try {
    const text = await readFile(log, 'utf8');
    const arrivalsMs = text.split('\n').filter((l) => l.length > 0).map((l) => Number(l) * 1000);
    return { rateRps, loadAverage, ...judgePacing(arrivalsMs, rateRps) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
