import { describe, expect, it } from 'vitest';
import { formatProgress, progressPrinter } from '../../src/cli/progress.ts';
import type { ProgressSnapshot } from '../../src/load/progress-snapshot.ts';

function snap(elapsedMs: number, phase: ProgressSnapshot['phase'] = 'sending'): ProgressSnapshot {
  return {
    elapsedMs, plannedDurationMs: 60_000, sent: elapsedMs, dropped: 0, completed: elapsedMs - 5, errors: 1,
    throttled: 7, inFlight: 5, recentRps: 1000, recentP99Ms: 12.34, phase, live: () => ({ rows: [], settledBeforeS: 0 }),
  };
}

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (t: string) => (chunks.push(t), true) } };
}

describe('progressPrinter', () => {
  it('rewrites one live line on a TTY and clears it at the end', () => {
    const { chunks, stream } = sink(true);
    const print = progressPrinter(stream);
    print(snap(1000));
    print(snap(2000));
    print(snap(60_000, 'done'));
    expect(chunks).toHaveLength(3);
    expect(chunks.every((c) => c.startsWith('\r\x1b[2K') && !c.includes('\n'))).toBe(true);
    expect(chunks[1]).toContain('sent 2000 (1000 rps)');
    expect(chunks[2]).toBe('\r\x1b[2K');
  });

  it('prints a plain line at most every 5 s when not a TTY', () => {
    const { chunks, stream } = sink(false);
    const print = progressPrinter(stream);
    for (let s = 1; s <= 12; s++) print(snap(s * 1000));
    print(snap(12_500, 'done'));
    expect(chunks).toHaveLength(3); // at 1 s, 6 s, 11 s
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(chunks[1]).toBe(`${formatProgress(snap(6000))}\n`);
  });

  it('names the numbers a user watches', () => {
    expect(formatProgress(snap(12_000))).toBe(
      '12.0/60 s  sent 12000 (1000 rps)  in flight 5  p99 12.3 ms  429 7  dropped 0  errors 1',
    );
  });
});
