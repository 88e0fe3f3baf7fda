/** Parts of a split run in this process, as workers would run them: each its own runLoad, sender and recorder. */
import { join } from 'node:path';
import type { Scenario } from '../../src/scenario/types.ts';
import { runPart } from '../../src/scale/part.ts';

/** Every part waits at the line until all N have arrived there, then they share one start. */
export function startBarrier(parts: number, marginMs = 30): (signal: AbortSignal) => Promise<number> {
  let arrived = 0;
  let release!: (atMs: number) => void;
  const start = new Promise<number>((resolve) => (release = resolve));
  return async () => {
    if (++arrived === parts) release(Date.now() + marginMs);
    return start;
  };
}

/** Runs `count` parts of `scenario` at once in this process; their folders under `dir`. */
export async function runPartsInProcess(scenario: Scenario, count: number, dir: string): Promise<string[]> {
  const startAt = startBarrier(count);
  const outcomes = await Promise.all(Array.from({ length: count }, (_, index) =>
    runPart(scenario, { segment: { index, count }, startAt, flags: {}, outDir: join(dir, `part-${index}`) })));
  return outcomes.map((o) => o.outDir);
}

