/**
 * End to end: `loadgate capacity` against the embedded emulator (its own process on 127.0.0.1)
 * whose stage allows R = 100 rps (burst 20). The scenario declares no limits, so every 429 is
 * unexpected, and the objective "unexpected 429s <= 1%" breaks just above R:
 *   a 2.5 s step at r rps gets about (burst + R·2.5 s) / (r·2.5 s) accepted, so it holds up to
 *   (20 + 250) / (0.99 · 2.5) ≈ 109 rps.
 * The burst of 20 absorbs a ~200 ms stall of this shared machine below R (a burst of 10 did
 * not). The search must report a highest held rate within 10% of R: about 6 steps of 2.5 s.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { capacityCommand } from '../../src/cli/capacity.ts';
import { readResult } from '../../src/result/io.ts';

const R = 100;

describe('loadgate capacity against the emulator', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-capacity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`finds a highest held rate within 10% of the stage limit (${R} rps)`, async () => {
    const scenarioFile = join(dir, 'stage-limited.json');
    await writeFile(scenarioFile, JSON.stringify({
      name: 'stage-limited',
      requests: [{ method: 'GET', path: '/items' }], // the emulator's ANY /{proxy+} does not match '/'
      phases: [{ shape: 'constant', rateRps: 1, duration: '1s' }],
      emulator: { api: { type: 'rest', name: 'cap' }, stages: { prod: { throttle: { rateRps: R, burst: 20 } } } },
    }));
    const out = join(dir, 'out');
    const stdout: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
    process.exitCode = undefined;
    let exitCode: number;
    try {
      await capacityCommand().exitOverride().parseAsync(
        [scenarioFile, '--start', '70', '--factor', '1.4', '--step-duration', '2.5s', '--max-rate', '400', '--max-unexpected-429', '1%', '--max-duration', '60s', '--out', out, '--quiet'],
        { from: 'user' },
      );
      exitCode = Number(process.exitCode ?? 0);
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }

    const result = await readResult(join(out, 'result.json'));
    const capacity = result.capacity!;
    const held = capacity.highestHeldRps!;
    expect(exitCode, stdout.join('')).toBe(0);
    expect(result.kind).toBe('capacity');
    expect(held, JSON.stringify(capacity.steps.map((s) => [s.rateRps, s.held, s.reason]))).toBeGreaterThanOrEqual(R * 0.9);
    expect(held).toBeLessThanOrEqual(R * 1.1);
    expect(capacity.firstBrokenRps!).toBeGreaterThan(held);
    // The evidence: every step with its figures; the broken ones name the unexpected 429s.
    expect(capacity.steps.length).toBeGreaterThanOrEqual(4);
    for (const s of capacity.steps.filter((x) => !x.held)) expect(s.reason).toContain('unexpected 429s');
    expect(capacity.steps.find((s) => s.rateRps === 70)).toMatchObject({ held: true, unexpected429Rate: 0 });
    expect(stdout.join('')).toMatch(/capacity: highest held \d+\.\d rps/);
  }, 60_000);
});
