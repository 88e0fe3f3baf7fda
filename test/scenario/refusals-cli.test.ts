/**
 * `loadgate run SCENARIO.json` refusing a bad scenario, as a user meets it: the real bin, one line
 * naming file, field and value, exit 2, nothing sent. Moved out of test/e2e/run.test.ts, which
 * judges paced load and runs one file at a time (vitest.config.ts): a refusal sends nothing.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lg-refusal-'));
}

describe('loadgate run with a bad scenario file', () => {
  it.each([
    { why: 'unknown field', scenario: { name: 'x', phases: [{ shape: 'constant', rateRps: 5, duration: '1s' }], rps: 5 }, message: /bad\.json: rps: unknown field/ },
    { why: 'negative rate', scenario: { name: 'x', phases: [{ shape: 'constant', rateRps: -5, duration: '1s' }] }, message: /bad\.json: phases\[0\]\.rateRps: -5 is invalid/ },
    { why: 'unparsable duration', scenario: { name: 'x', phases: [{ shape: 'constant', rateRps: 5, duration: 'a while' }] }, message: /bad\.json: phases\[0\]\.duration: "a while" is invalid/ },
    { why: 'malformed gate', scenario: { name: 'x', phases: [{ shape: 'constant', rateRps: 5, duration: '1s' }], gates: ['latency.p99 <<< 3ms'] }, message: /latency\.p99 <<< 3ms/ },
  ])('a bad scenario ($why) is one line naming file, field and value, exit 2', async ({ scenario, message }) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.json'), JSON.stringify(scenario));
    const run = await runCli(['run', join(dir, 'bad.json'), '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

});
