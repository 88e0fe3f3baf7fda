/**
 * result.json is checked against the one schema (src/result/zod-schema.ts) before anything reads
 * it: each broken file gets one line naming the file and the field, exit 2, and nothing written.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseResult } from '../../src/result/validate-result.ts';
import { runResultSchema } from '../../src/result/zod-schema.ts';
import { isLoadgateError } from '../../src/errors.ts';
import { runCli } from '../helpers/cli.ts';

const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/results/${name}.json`, import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name)) as Record<string, any>;

function messageOf(raw: unknown, text?: string): string {
  try {
    parseResult(text ?? JSON.stringify(raw), 'result.json');
  } catch (err) {
    expect(isLoadgateError(err) && err.exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('parsed');
}

describe('parseResult against the schema', () => {
  it.each([
    { why: 'a count that is a string', edit: (r: any) => (r.totals.sent = 'oops'), line: 'result.json: totals.sent: expected a number, got "oops"' },
    { why: 'histograms null (renderers decode them)', edit: (r: any) => (r.histograms = null), line: 'result.json: histograms: expected an object, got null' },
    { why: 'an unknown kind', edit: (r: any) => (r.kind = 'banana'), line: 'result.json: kind: expected "run" or "verify" or "capacity", got "banana"' },
    { why: 'a percentile that is a word', edit: (r: any) => (r.latencyMs.p99 = 'fast'), line: 'result.json: latencyMs.p99: expected a number, got "fast"' },
    { why: 'a timeline row deep inside', edit: (r: any) => (r.timeline[3].sent = -1), line: 'result.json: timeline[3].sent: expected >= 0, got -1' },
    { why: 'a missing section', edit: (r: any) => delete r.cloudwatch, line: 'result.json: cloudwatch: expected an object, got nothing (the field is missing)' },
    { why: 'a throttle section with a bad verdict', edit: (r: any) => (r.throttle.verdict = 'maybe'), line: 'result.json: throttle.verdict: expected "pass" or "fail" or "inconclusive" or "not-exercised" or "no-response", got "maybe"' },
    { why: 'an older schemaVersion', edit: (r: any) => (r.schemaVersion = 0), line: 'result.json: schemaVersion 0 is older than this loadgate reads (1); re-run it with this version' },
  ])('$why: one line naming the field', ({ edit, line }) => {
    const raw = fixture('throttled');
    edit(raw);
    expect(messageOf(raw)).toBe(line);
  });

  it('a number too large for a double (1e400) is named, not read as null', () => {
    const text = fixtureText('no-limits').replace(/"sent": \d+/, '"sent": 1e400');
    expect(messageOf(undefined, text)).toBe('result.json: totals.sent: expected a number, got Infinity');
  });

  it('a file that is not JSON is named without quoting its text (it may hold secrets)', () => {
    expect(messageOf(undefined, 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n')).toBe("result.json: not valid JSON (Unexpected token 'A')");
  });

  it('reads every fixture the reports are tested on', () => {
    for (const name of ['throttled', 'no-limits', 'capacity', 'verify']) expect(parseResult(fixtureText(name)).runId).toBe(fixture(name).runId);
  });

  it('gives the JSON Schema the npm package will publish', () => {
    const schema = z.toJSONSchema(runResultSchema) as { required: string[]; properties: Record<string, { enum?: string[] }> };
    expect(schema.required).toContain('totals');
    expect(schema.properties.kind.enum).toEqual(['run', 'verify', 'capacity']);
  });
});

describe('report and compare through the CLI', () => {
  const dirWith = (files: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-result-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(content));
    return dir;
  };

  it('report of a result with totals "oops": exit 2, one line, no partial summary.md', async () => {
    const raw = fixture('throttled');
    raw.totals = 'oops';
    const dir = dirWith({ 'result.json': raw });
    const run = await runCli(['report', join(dir, 'result.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`loadgate: ${join(dir, 'result.json')}: totals: expected an object, got "oops"`);
    expect(readdirSync(dir)).toEqual(['result.json']);
  });

  it('compare refuses a verify result against a run result, and a p99 of "fast"', async () => {
    const fast = fixture('no-limits');
    fast.latencyMs.p99 = 'fast';
    const dir = dirWith({ 'verify.json': fixture('verify'), 'run.json': fixture('no-limits'), 'fast.json': fast });
    const kinds = await runCli(['compare', join(dir, 'verify.json'), join(dir, 'run.json')]);
    expect(kinds.code).toBe(2);
    expect(kinds.stderr).toContain('is a verify result and');
    expect(kinds.stderr.trim().split('\n')).toHaveLength(1);
    const words = await runCli(['compare', join(dir, 'run.json'), join(dir, 'fast.json')]);
    expect(words.code).toBe(2);
    expect(words.stderr.trim()).toBe(`loadgate: ${join(dir, 'fast.json')}: latencyMs.p99: expected a number, got "fast"`);
  });
});
