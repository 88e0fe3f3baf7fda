/**
 * The same generators fed through cold CLI processes (a bounded number: each costs a Node start):
 * scenario files to `run`, limits files to `run --limits`, gate expressions to `run --gate`,
 * result files to `report`. Property: exit 0, 1, 2 or 3 (never 4, a bug); no stack trace; a
 * usage error is exactly one line. Traffic goes only to a counting server on 127.0.0.1, capped
 * by --max-requests and by the generators' short durations.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.ts';
import { countingServer, type CountingServer } from '../helpers/counting-server.ts';
import { gateArb, limitsArb, resultArb, scenarioArb } from './generators.ts';

const PER_KIND = 5;
const PARALLEL = 3;
let server: CountingServer;
beforeAll(async () => (server = await countingServer()));
afterAll(() => server.close());

function expectWellBehaved(run: CliRun, what: string): void {
  const context = `${what}\nexit ${run.code}\nstderr: ${run.stderr}`;
  expect([0, 1, 2, 3], context).toContain(run.code);
  expect(run.stderr, context).not.toMatch(/\n\s+at |internal error/);
  if (run.code === 2) {
    expect(run.stderr.trim().split('\n'), context).toHaveLength(1);
    expect(run.stderr, context).toMatch(/^loadgate: /);
  }
}

async function inParallel<T>(items: readonly T[], work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}

const dir = mkdtempSync(join(tmpdir(), 'lg-fuzz-'));
const runArgs = (...extra: string[]) => ['run', ...extra, '-q', '--no-cloudwatch', '--max-requests', '60', '--out', join(dir, 'out')];

describe('the CLI on generated input', { timeout: 60_000 }, () => {
  it('run SCENARIO.json: one line, the right code, never a stack', async () => {
    const samples = fc.sample(scenarioArb(server.url), { numRuns: PER_KIND, seed: 7 });
    await inParallel(samples, async (scenario, i) => {
      const file = join(dir, `scenario-${i}.json`);
      writeFileSync(file, JSON.stringify(scenario));
      expectWellBehaved(await runCli(runArgs(file), { timeoutMs: 30_000 }), JSON.stringify(scenario));
    });
  });

  it('run --limits FILE', async () => {
    const samples = fc.sample(limitsArb, { numRuns: PER_KIND, seed: 7 });
    await inParallel(samples, async (limits, i) => {
      const file = join(dir, `limits-${i}.json`);
      writeFileSync(file, JSON.stringify(limits));
      expectWellBehaved(await runCli(runArgs('--target', server.url, '--rps', '20', '--duration', '500ms', '--limits', file), { timeoutMs: 30_000 }), JSON.stringify(limits));
    });
  });

  it('run --gate EXPR', async () => {
    const samples = fc.sample(gateArb, { numRuns: PER_KIND, seed: 7 });
    await inParallel(samples, async (gate) => {
      expectWellBehaved(await runCli(runArgs('--target', server.url, '--rps', '20', '--duration', '500ms', '--gate', gate), { timeoutMs: 30_000 }), JSON.stringify(gate));
    });
  });

  it('report RESULT.json', async () => {
    const samples = fc.sample(resultArb, { numRuns: PER_KIND, seed: 7 });
    await inParallel(samples, async (result, i) => {
      const sub = mkdtempSync(join(dir, 'result-'));
      writeFileSync(join(sub, 'result.json'), JSON.stringify(result));
      const run = await runCli(['report', join(sub, 'result.json'), '--format', 'terminal,markdown', '--out', join(sub, 'out')], { timeoutMs: 30_000 });
      expectWellBehaved(run, `result sample ${i}`);
      expect(run.code === 0 || run.code === 2, `result sample ${i}: ${run.stderr}`).toBe(true);
    });
  });
});
