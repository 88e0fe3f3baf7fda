import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareCommand } from '../../src/cli/compare.ts';
import { UsageError } from '../../src/errors.ts';
import { compareResults, DEFAULT_ALLOWANCES, parseAllowance, withBaseline } from '../../src/gates/baseline.ts';
import { renderComparison } from '../../src/gates/baseline-table.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { makeResult } from './fixtures.ts';

/** The fixture with every latency scaled by `factor` (so p99 grows by the same factor). */
function scaled(factor: number, overrides: Partial<RunResult> = {}): RunResult {
  const latencies = Array.from({ length: 1000 }, (_, i) => (100 + (i % 100)) * factor);
  return makeResult({ latenciesMs: latencies, overrides });
}

const tenPercent = [parseAllowance('latency.p99=10%')];

describe('compareResults', () => {
  const baseline = scaled(1);

  it('flags a p99 that grew 50% under a 10% allowance', () => {
    const c = compareResults(baseline, scaled(1.5), tenPercent);
    expect(c.regressed).toBe(true);
    const p99 = c.rows.find((r) => r.metric === 'latency.p99')!;
    expect(p99.relative).toBeCloseTo(0.5, 2);
    expect(p99.regressed).toBe(true);
    expect(c.verdicts).toHaveLength(1);
    expect(c.verdicts[0]).toMatchObject({ passed: false, expr: 'latency.p99 vs baseline (latency.p99=10%)' });
    expect(c.verdicts[0].reason).toContain('+50.');
  });

  it('accepts a p99 that grew 2% under a 10% allowance', () => {
    const c = compareResults(baseline, scaled(1.02), tenPercent);
    expect(c.regressed).toBe(false);
    expect(c.rows.find((r) => r.metric === 'latency.p99')!.regressed).toBe(false);
  });

  it('shows every main figure but gates only those with an allowance', () => {
    const c = compareResults(baseline, scaled(3), tenPercent);
    expect(c.rows.map((r) => r.metric)).toEqual(expect.arrayContaining(['latency.p50', 'serviceTime.p99', 'errors.rate', 'status429.unexpected.rate', 'schedule.achievedRps', 'throttle.agreement']));
    expect(c.rows.filter((r) => r.regressed !== null).map((r) => r.metric)).toEqual(['latency.p99']);
    expect(c.rows.find((r) => r.metric === 'latency.p50')!.regressed).toBeNull();
  });

  it('knows which direction is worse: a lower achieved rate regresses, a higher one does not', () => {
    const allow = [parseAllowance('schedule.achievedRps=5%')];
    const slower = { ...baseline, schedule: { ...baseline.schedule, achievedRps: 90 } };
    const faster = { ...baseline, schedule: { ...baseline.schedule, achievedRps: 130 } };
    expect(compareResults(baseline, slower, allow).regressed).toBe(true);
    expect(compareResults(baseline, faster, allow).regressed).toBe(false);
  });

  it('takes absolute allowances: 20ms on a latency, percentage points on a rate', () => {
    // p99 about 199 ms -> 1.05x is about +10 ms.
    expect(compareResults(baseline, scaled(1.05), [parseAllowance('latency.p99=20ms')]).regressed).toBe(false);
    expect(compareResults(baseline, scaled(1.05), [parseAllowance('latency.p99=5ms')]).regressed).toBe(true);
    const errs = makeResult({ errors: 15 }); // 15 of 1015: 1.48%
    expect(compareResults(makeResult(), errs, [parseAllowance('errors.rate=2pp')]).regressed).toBe(false);
    expect(compareResults(makeResult(), errs, [parseAllowance('errors.rate=1pp')]).regressed).toBe(true);
    expect(compareResults(makeResult(), errs, [parseAllowance('errors.rate=50%')]).regressed).toBe(true); // from 0, relative allows nothing
  });

  it('the defaults gate p99 (+20%), errors and unexpected 429s (+1pp)', () => {
    expect(DEFAULT_ALLOWANCES.map((a) => a.text)).toEqual(['latency.p99=20%', 'errors.rate=1pp', 'status429.unexpected.rate=1pp']);
    expect(compareResults(baseline, scaled(1.1)).regressed).toBe(false);
    expect(compareResults(baseline, scaled(1.3)).regressed).toBe(true);
  });

  it('notes when the runs were offered different rates', () => {
    const other = scaled(1, { schedule: { ...baseline.schedule, targetRps: 200 } });
    expect(compareResults(baseline, other, tenPercent).notes.join(' ')).toContain('different rates');
  });

  it('notes a different target, but not a new port of an auto-started emulator', () => {
    const moved = (target: string) => scaled(1, { scenario: { ...baseline.scenario, target } });
    expect(compareResults(baseline, moved('http://127.0.0.1:9999/prod'), tenPercent).notes).toEqual([]);
    expect(compareResults(baseline, moved('https://abc.execute-api.eu-west-1.amazonaws.com/prod'), tenPercent).notes.join(' ')).toContain('different targets');
  });

  it('withBaseline adds the verdicts to the run and fails it on a regression', () => {
    const current = { ...scaled(1.5), gates: [{ expr: 'latency.p99 < 1s', passed: true, actual: 300, threshold: '< 1s' }], passed: true };
    const gated = withBaseline(current, baseline, tenPercent);
    expect(gated.gates).toHaveLength(2);
    expect(gated.passed).toBe(false);
  });

  it('renders a table that names the rate of each run', () => {
    const text = renderComparison(compareResults(baseline, scaled(1.5), tenPercent));
    expect(text).toContain('baseline @ 100.0 rps');
    expect(text).toMatch(/latency\.p99.*REGRESSED \(allowed latency\.p99=10%\)/);
  });
});

describe('parseAllowance', () => {
  it.each([
    ['latency.p99', 'no =value'],
    ['latency.p99=ten%', 'not a number'],
    ['nope.p99=10%', 'unknown metric'],
    ['throttle.verdict=10%', 'enum metric'],
    ['errors.rate=5ms', 'time unit on a rate'],
  ])('%s is a usage error (%s)', (text) => {
    expect(() => parseAllowance(text)).toThrow(UsageError);
    expect(() => parseAllowance(text)).toThrow(/^--max-regression: /);
  });
});

describe('loadgate compare', () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-compare-'));
    for (const [name, result] of Object.entries({ base: scaled(1), slower: scaled(1.5), same: scaled(1.02) })) {
      files[name] = join(dir, `${name}.json`);
      await writeFile(files[name], JSON.stringify(result));
    }
    files.broken = join(dir, 'broken.json');
    await writeFile(files.broken, '{"schemaVersion": 1');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[]): Promise<{ exitCode: number; out: string }> {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
    process.exitCode = undefined;
    try {
      await compareCommand().exitOverride().parseAsync(args, { from: 'user' });
      return { exitCode: Number(process.exitCode ?? 0), out: chunks.join('') };
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
  }

  it('exits 1 on a regression beyond the allowance and 0 within it', async () => {
    expect((await run([files.base, files.slower, '--max-regression', 'latency.p99=10%'])).exitCode).toBe(1);
    const ok = await run([files.base, files.same, '--max-regression', 'latency.p99=10%']);
    expect(ok.exitCode).toBe(0);
    expect(ok.out).toContain('no regression beyond the allowances');
  });

  it('prints JSON with --json', async () => {
    const { out } = await run([files.base, files.slower, '--json']);
    expect(JSON.parse(out)).toMatchObject({ regressed: true });
  });

  it('bad input is a UsageError (exit 2) naming the file', async () => {
    await expect(run([files.base, files.broken])).rejects.toThrow(/broken\.json: not valid JSON/);
    await expect(run([files.base, join(dir, 'missing.json')])).rejects.toMatchObject({ exitCode: 2 });
    await expect(run([files.base, files.same, '--max-regression', 'latency.p99'])).rejects.toMatchObject({ exitCode: 2 });
  });
});
