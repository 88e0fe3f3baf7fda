/**
 * The throttle verdict of a merged 4-part run against the emulator is the single-process one
 * (issue 16 item 5): the parts' send logs, merged onto the shared time axis, replay through
 * the token-bucket model as one client's would. Each run gets a fresh emulator (full buckets).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { measureFull, requestIdentities } from '../../src/pipeline.ts';
import { startTarget } from '../../src/target.ts';
import { parseLimits } from '../../src/throttle/limits.ts';
import { analyseThrottle, toleranceFor } from '../../src/throttle/analyse.ts';
import { readSendLogFile } from '../../src/record/send-log-file.ts';
import { checkParts, judgeMerged, loadParts } from '../../src/scale/merge-run.ts';
import { runPartsInProcess } from './parts-in-process.ts';

const scenario: Scenario = validateScenario({
  name: 'merged-verdict', seed: 3,
  requests: [{ method: 'GET', path: '/orders' }],
  // An instant burst over the bucket, then a rate over the limit: both parameters exercised.
  phases: [{ shape: 'burst', count: 90, duration: '500ms' }, { shape: 'constant', rateRps: 160, duration: '1200ms' }],
  limits: { stages: { prod: { throttle: { rateRps: 100, burst: 50 } } } },
  options: { warmUp: false },
}, null);

describe('throttle verdict: merged 4 parts vs one process', () => {
  const dirs: string[] = [];
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('gives the same verdict, and the same verdict again under wrong declared limits', async () => {
    const single = await startTarget(scenario);
    const one = await measureFull({ ...scenario, target: single.url }, { target: single.url }).finally(() => single.stop());

    const shared = await startTarget(scenario);
    const dir = await mkdtemp(join(tmpdir(), 'loadgate-verdict-'));
    dirs.push(dir);
    let merged;
    try {
      const withTarget = { ...scenario, target: shared.url };
      const { parts } = checkParts(await loadParts(await runPartsInProcess(withTarget, 4, dir)), false);
      merged = await judgeMerged(withTarget, parts, { outDir: join(dir, 'merged'), cloudwatch: false });
    } finally {
      await shared.stop();
    }
    expect(one.result.throttle!.verdict).toBe('pass');
    expect(merged.result.throttle!.verdict).toBe(one.result.throttle!.verdict);
    expect(merged.result.throttle!.buckets.map((b) => [b.label, b.verdict, b.rate.verdict, b.burst.verdict]))
      .toEqual(one.result.throttle!.buckets.map((b) => [b.label, b.verdict, b.rate.verdict, b.burst.verdict]));
    expect(merged.result.totals.status429ByOrigin.throttle).toBeGreaterThan(0);
    // The merged record is re-judgeable like any run's: under limits the emulator did not enforce, both fail.
    const wrong = parseLimits({ stages: { prod: { throttle: { rateRps: 140, burst: 50 } } } }, undefined);
    const mergedLog = readSendLogFile(join(merged.outDir, 'send-log.bin'));
    const judge = (log: typeof mergedLog.log, originWallMs: number) => analyseThrottle({
      log, requests: requestIdentities(scenario), limits: wrong, originWallMs, tolerance: toleranceFor('emulator'), throttleStatuses: [429],
    }).verdict;
    expect(judge(one.sendLog, one.load.startWallMs)).toBe('fail');
    expect(judge(mergedLog.log, mergedLog.header.originWallMs)).toBe('fail');
  }, 30_000);
});
