/**
 * The throttle verdict on merged parts (issue 16 item 5). Two runs against the emulator on a
 * busy shared machine differ by their own noise, so the equality is checked on ONE recorded
 * run: its send log cut into 4 parts as 4 workers would have logged them (each on its own clock,
 * started a different skew after T) and merged back must replay to the very same verdict. The
 * live 4-part run then checks the merged counts against the emulator's own CloudWatch count.
 * (`npm run bench -- scale` compares live single and merged verdicts over repeated runs.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../../src/scenario/validate.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { measureFull, requestIdentities, type Measured } from '../../src/pipeline.ts';
import { startTarget } from '../../src/target.ts';
import { parseLimits, type Limits } from '../../src/core/limits.ts';
import { analyseThrottle, toleranceFor } from '../../src/throttle/analyse.ts';
import type { SendLog } from '../../src/record/send-log.ts';
import { emptySendLog } from '../../src/record/send-log-builder.ts';
import { mergeSendLogs, type LoadedPart } from '../../src/scale/merge.ts';
import type { PartManifest } from '../../src/scale/part-file.ts';
import { checkParts, judgeMerged, loadParts } from '../../src/scale/merge-run.ts';
import { runPartsInProcess } from './parts-in-process.ts';

const scenario: Scenario = validateScenario({
  name: 'merged-verdict', seed: 3,
  requests: [{ method: 'GET', path: '/orders' }],
  // An instant burst over the bucket, then a rate over the limit: both parameters exercised.
  phases: [{ shape: 'burst', count: 60, duration: '500ms' }, { shape: 'constant', rateRps: 80, duration: '1500ms' }],
  limits: { stages: { prod: { throttle: { rateRps: 50, burst: 25 } } } },
  options: { warmUp: false },
}, null);

/** Part `index` of `count` of a whole log, as that part's worker logs it: local indices, its own clock. */
function partOfLog(whole: SendLog, index: number, count: number, skewMs: number): LoadedPart {
  const rows = [...Array(whole.count).keys()].filter((r) => whole.arrivalIndex[r]! % count === index);
  const log = emptySendLog(rows.length);
  rows.forEach((r, i) => {
    log.arrivalIndex[i] = Math.floor(whole.arrivalIndex[r]! / count);
    log.intendedMs[i] = whole.intendedMs[r]!;
    log.sentMs[i] = whole.sentMs[r]! - skewMs;
    log.endMs[i] = whole.endMs[r]! - skewMs;
    log.status[i] = whole.status[r]!;
    log.origin[i] = whole.origin[r]!;
    log.requestIndex[i] = whole.requestIndex[r]!;
  });
  log.count = rows.length;
  const manifest = { segment: { index, count }, startSkewMs: skewMs } as PartManifest;
  return { dir: `part-${index}`, manifest, log, complete: true } as LoadedPart;
}

const verdictOf = (log: SendLog, limits: Limits, originWallMs: number) => {
  const t = analyseThrottle({ log, requests: requestIdentities(scenario), limits, originWallMs, tolerance: toleranceFor('emulator'), throttleStatuses: [429] });
  return { verdict: t.verdict, predicted: t.predicted, observed: t.observed, buckets: t.buckets.map((b) => [b.verdict, b.rate.verdict, b.burst.verdict]) };
};

describe('throttle verdict on merged parts', () => {
  const dirs: string[] = [];
  let one: Measured;
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('a recorded run cut into 4 skewed parts and merged replays to the same verdict, under true and wrong limits', async () => {
    const target = await startTarget(scenario);
    one = await measureFull({ ...scenario, target: target.url }, { target: target.url }).finally(() => target.stop());
    const whole = one.sendLog;
    expect(whole.count).toBeGreaterThan(100);
    const parts = [0, 1, 2, 3].map((i) => partOfLog(whole, i, 4, [0.4, 3.1, 1.7, 7.9][i]!));
    const merged = mergeSendLogs(parts);
    expect(merged.count).toBe(whole.count);
    for (let r = 0; r < whole.count; r++) expect(Math.abs(merged.sentMs[r]! - whole.sentMs[r]!)).toBeLessThan(1e-6);
    const origin = one.load.startWallMs;
    const wrong = parseLimits({ stages: { prod: { throttle: { rateRps: 70, burst: 25 } } } }, undefined);
    for (const limits of [scenario.limits!, wrong]) expect(verdictOf(merged, limits, origin)).toEqual(verdictOf(whole, limits, origin));
    // Wrong limits never pass (on a loaded machine the live run may leave it inconclusive rather than fail: both fail the gate).
    expect(verdictOf(merged, wrong, origin).verdict).not.toBe('pass');
  }, 20_000);

  it('a live 4-part run: merged counts equal the emulator\'s own count, and the record is judged once', async () => {
    const shared = await startTarget(scenario);
    const dir = await mkdtemp(join(tmpdir(), 'loadgate-verdict-'));
    dirs.push(dir);
    const withTarget = { ...scenario, target: shared.url };
    const { parts } = checkParts(await loadParts(await runPartsInProcess(withTarget, 4, dir)), false);
    const merged = await judgeMerged(withTarget, parts, { outDir: join(dir, 'merged'), target: shared }).finally(() => shared.stop());
    const reconciliation = merged.result.cloudwatch.reconciliation!;
    expect(merged.result.cloudwatch.status).toBe('ok');
    expect(reconciliation.clientRequests).toBe(merged.result.totals.sent);
    expect(reconciliation.gatewayCount).toBe(merged.result.totals.sent);
    expect(merged.result.totals.status429ByOrigin.throttle).toBeGreaterThan(0);
    expect(['pass', 'fail', 'inconclusive']).toContain(merged.result.throttle!.verdict);
    expect(merged.result.gates!.some((g) => g.expr.startsWith('throttle.verdict'))).toBe(true);
  }, 20_000);
});
