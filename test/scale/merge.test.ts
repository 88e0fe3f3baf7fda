/**
 * Parts run in this process (each its own runLoad, sender and recorder, as a worker would),
 * then read back from their folders and merged: the merge must add up to the target's own count
 * and to the exact figures of the merged send log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { arrivalCursor } from '../../src/schedule/arrivals.ts';
import { planOf } from '../../src/schedule/plan.ts';
import { decodeHistogram } from '../../src/record/histograms.ts';
import { checkParts, loadParts } from '../../src/scale/merge-run.ts';
import { mergeParts, type LoadedPart } from '../../src/scale/merge.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { runPartsInProcess } from './parts-in-process.ts';

function exactPercentile(values: number[], pct: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((pct / 100) * sorted.length) - 1)]!;
}

describe('merging parts run at once against one target', () => {
  let server: CountingServer;
  let dir: string;
  let scenario: Scenario;
  let loaded: LoadedPart[];
  const N = 3;

  beforeAll(async () => {
    server = await countingServer(2);
    dir = await mkdtemp(join(tmpdir(), 'loadgate-merge-'));
    scenario = validateScenario({
      name: 'merge', target: server.url, seed: 7,
      requests: [{ name: 'a', method: 'GET', path: '/a', weight: 3 }, { name: 'b', method: 'GET', path: '/b/{n}', params: { n: { type: 'int', min: 0, max: 99 } } }],
      phases: [{ shape: 'constant', rateRps: 300, duration: '1s' }, { shape: 'burst', count: 61, duration: '300ms' }],
      options: { warmUp: false },
    }, null);
    loaded = await loadParts(await runPartsInProcess(scenario, N, dir));
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts add up to the target\'s own count, and every arrival of the plan is there once, at its intended time', () => {
    const { parts } = checkParts(loaded, false);
    const merged = mergeParts(parts, scenario.requests.map((r) => r.name));
    expect(merged.totals.sent).toBe(server.count());
    expect(merged.totals.sent).toBe(parts.reduce((s, p) => s + p.result.totals.sent, 0));
    expect(merged.totals.dropped).toBe(0);
    const cursor = arrivalCursor(planOf(scenario.phases), scenario.seed);
    const whole: number[] = [];
    for (let t = cursor.next(); t !== Infinity; t = cursor.next()) whole.push(t);
    expect(merged.sendLog.count).toBe(whole.length);
    const seen = new Set<number>();
    for (let row = 0; row < merged.sendLog.count; row++) {
      const g = merged.sendLog.arrivalIndex[row]!;
      expect(seen.has(g)).toBe(false);
      seen.add(g);
      expect(merged.sendLog.intendedMs[row]).toBe(whole[g]);
      if (row > 0) expect(merged.sendLog.sentMs[row]!).toBeGreaterThanOrEqual(merged.sendLog.sentMs[row - 1]!);
    }
    expect(merged.timeline.reduce((s, r) => s + r.sent, 0)).toBe(merged.totals.sent);
    expect(merged.routes.reduce((s, r) => s + r.sent, 0)).toBe(merged.totals.sent);
    expect(Object.values(merged.totals.byStatus).reduce((s, n) => s + n, 0)).toBe(merged.totals.completed);
  });

  it('merged p99 and p50 equal the exact ones of all parts\' rows within HDR precision', () => {
    const merged = mergeParts(checkParts(loaded, false).parts, scenario.requests.map((r) => r.name));
    const latencies: number[] = [];
    for (const { log } of loaded) for (let i = 0; i < log.count; i++) if (log.status[i]! > 0) latencies.push(log.endMs[i]! - log.intendedMs[i]!);
    expect(merged.latencyMs.count).toBe(latencies.length);
    for (const [pct, got] of [[99, merged.latencyMs.p99], [50, merged.latencyMs.p50]] as const) {
      const exact = exactPercentile(latencies, pct);
      // 3 significant digits: a value's bucket is within 0.1% of it (plus the 1 µs unit).
      expect(Math.abs(got - exact), `p${pct} ${got} vs exact ${exact}`).toBeLessThanOrEqual(exact * 1e-3 + 1e-3);
    }
    // The per-second histograms add up to the whole-run one.
    const perSecond = merged.timeline.reduce((s, r) => s + decodeHistogram(r.latencyHistogram).totalCount, 0);
    expect(perSecond).toBe(merged.latencyMs.count);
  });

  it('refuses a missing part, a part given twice and a part of another run, each in one line', () => {
    expect(() => checkParts(loaded.slice(0, 2), false)).toThrow(/^merge: missing part 2\/3 of 3 \(--allow-partial/);
    expect(checkParts(loaded.slice(1), true).missing).toEqual([0]);
    expect(() => checkParts([loaded[0]!, loaded[0]!], true)).toThrow(/part 0\/3 given twice/);
    const other = { ...loaded[1]!, manifest: { ...loaded[1]!.manifest, plan: { ...loaded[1]!.manifest.plan, seed: 8 } } };
    expect(() => checkParts([loaded[0]!, other], true)).toThrow(/not a part of the same run .*\(plan /);
    const skewed = { ...loaded[1]!, manifest: { ...loaded[1]!.manifest, startAtWallMs: loaded[1]!.manifest.startAtWallMs + 1 } };
    expect(() => checkParts([loaded[0]!, skewed], true)).toThrow(/shared start/);
  });
});
