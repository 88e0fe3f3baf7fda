/**
 * What a merged run shows and what it can be compared with (issue 16 item 2): each part's sent
 * count, start skew and send-lag / latency p99, with their spread, in result.json, parts.json,
 * the terminal summary and summary.md; and a merged result.json is a baseline like any other
 * (`merge --baseline`, `run --baseline`, `loadgate compare` either way round).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { readResult } from '../../src/result/io.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { runPart } from '../../src/scale/part.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { startBarrier } from './parts-in-process.ts';

// Long enough that a loaded parallel phase, which can hold the early part back 30 ms, cannot blur the two.
const LATE_MS = 150;

async function quietMain(argv: string[]): Promise<number> {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await main(argv);
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

describe('a merged run in its reports, and as a baseline', () => {
  let server: CountingServer;
  let dir: string;
  let parts: string[];
  let merged: RunResult;
  beforeAll(async () => {
    server = await countingServer();
    dir = await mkdtemp(join(tmpdir(), 'loadgate-merged-report-'));
    // A file: the merge rebuilds the scenario from the one each part.json names.
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify({
      name: 'merged-report', target: server.url, requests: [{ method: 'GET', path: '/' }],
      phases: [{ shape: 'constant', rateRps: 100, duration: '500ms' }], options: { warmUp: false, requireSchedule: false },
    }));
    const scenario = await loadScenarioFile(file);
    const barrier = startBarrier(2);
    // Part 1 reaches its start LATE_MS after T, as a part on a slow node would: its own clock starts then.
    const late = async (signal: AbortSignal) => {
      const atMs = await barrier(signal);
      await new Promise((r) => setTimeout(r, Math.max(0, atMs + LATE_MS - Date.now())));
      return atMs;
    };
    const outcomes = await Promise.all([0, 1].map((index) => runPart(scenario, {
      segment: { index, count: 2 }, startAt: index === 1 ? late : barrier, flags: {}, outDir: join(dir, `part-${index}`),
    })));
    parts = outcomes.map((o) => o.outDir);
    expect(await quietMain(['merge', ...parts, '--out', join(dir, 'merged'), '--quiet'])).toBe(0);
    merged = await readResult(join(dir, 'merged', 'result.json'));
  }, 30_000);
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows each part and the spread across parts, start skew included, in result.json, parts.json, the terminal and summary.md', async () => {
    const summary = JSON.parse(await readFile(join(dir, 'merged', 'parts.json'), 'utf8')) as { parts: { part: string; sent: number; startSkewMs: number }[] };
    const [early, slow] = summary.parts;
    expect(early!.sent + slow!.sent).toBe(server.count());
    expect(early!.startSkewMs).toBeLessThan(LATE_MS / 2);
    expect(slow!.startSkewMs).toBeGreaterThanOrEqual(LATE_MS - 1);
    const skew = (ms: number) => `${Math.round(ms * 100) / 100}`;
    const head = `merged from 2 of 2 parts: sent per part ${Math.min(early!.sent, slow!.sent)}-${Math.max(early!.sent, slow!.sent)}, start skew ${skew(early!.startSkewMs)}-${skew(slow!.startSkewMs)} ms`;
    const line = (p: typeof early) => `part ${p!.part}: sent ${p!.sent}, dropped 0, start skew ${skew(p!.startSkewMs)} ms, send-lag p99 `;
    const terminal = renderTerminal(merged, { color: false });
    const markdown = await readFile(join(dir, 'merged', 'summary.md'), 'utf8');
    for (const [where, text] of [['result.json notes', merged.notes.join('\n')], ['terminal', terminal], ['summary.md', markdown]] as const) {
      expect(text, where).toContain(head);
      expect(text, where).toContain(line(early));
      expect(text, where).toContain(line(slow));
    }
  });

  it('is a baseline for merge and for run, and either side of compare', async () => {
    const baseline = join(dir, 'merged', 'result.json');
    // The same parts against their own merge: nothing regressed, and the comparison joined the gates.
    expect(await quietMain(['merge', ...parts, '--out', join(dir, 'again'), '--quiet', '--baseline', baseline])).toBe(0);
    const again = await readResult(join(dir, 'again', 'result.json'));
    expect(again.gates!.filter((g) => g.expr.includes('vs baseline')).length).toBeGreaterThan(0);
    // A baseline 100x faster is a regression: the comparison really judges the merged figures.
    const fast = { ...merged, latencyMs: { ...merged.latencyMs, p99: merged.latencyMs.p99 / 100 } };
    await writeFile(join(dir, 'fast.json'), JSON.stringify(fast));
    expect(await quietMain(['merge', ...parts, '--out', join(dir, 'regressed'), '--quiet', '--baseline', join(dir, 'fast.json')])).toBe(1);

    // A single-process run judged against the merged one, then compared both ways.
    const single = join(dir, 'single');
    const allow = ['--max-regression', 'latency.p99=100000%'];
    expect(await quietMain(['run', '--target', server.url, '--rps', '100', '--duration', '500ms', '--no-warm-up', '--allow-unkept-schedule', '--out', single, '--quiet', '--baseline', baseline, ...allow])).toBe(0);
    expect((await readResult(join(single, 'result.json'))).gates!.some((g) => g.expr.startsWith('latency.p99 vs baseline'))).toBe(true);
    expect(await quietMain(['compare', baseline, join(single, 'result.json'), ...allow])).toBe(0);
    expect(await quietMain(['compare', join(single, 'result.json'), baseline, ...allow])).toBe(0);
    expect(await quietMain(['compare', join(dir, 'fast.json'), baseline])).toBe(1);
    // A part judges nothing: --baseline belongs on the merge.
    expect(await quietMain(['run', '--target', server.url, '--rps', '10', '--duration', '100ms', '--segment', '0/2', '--start-at', String(Date.now() + 100), '--baseline', baseline])).toBe(2);
  }, 20_000);
});
