/**
 * `loadgate report <result.json>`: re-renders summary.md and report.html from result.json alone,
 * prints the terminal summary, and answers a missing or invalid file with one line and exit 2.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.ts';
import { isLoadgateError } from '../../src/errors.ts';
import { renderHtml } from '../../src/report/html/page.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { fixture } from './helpers.ts';
import { cliEntry } from '../helpers/cli.ts';

const fixturePath = (name: string): string => new URL(`../fixtures/results/${name}.json`, import.meta.url).pathname;

interface Ran { readonly stdout: string; readonly stderr: string; readonly error: unknown }

async function runReport(args: string[], isTTY = false): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const program = new Command('loadgate').exitOverride().configureOutput({ writeErr: (s) => { stderr += s; }, writeOut: (s) => { stdout += s; } });
  const command = reportCommand({ stdout: { write: (s: string) => { stdout += s; }, isTTY }, stderr: { write: (s: string) => { stderr += s; } } });
  command.copyInheritedSettings(program);
  program.addCommand(command);
  try {
    await program.parseAsync(['report', ...args], { from: 'user' });
    return { stdout, stderr, error: undefined };
  } catch (error) {
    return { stdout, stderr, error };
  }
}

function tempCopy(name: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loadgate-report-cli-'));
  const file = join(dir, 'result.json');
  writeFileSync(file, readFileSync(fixturePath(name)));
  return { dir, file };
}

describe('loadgate report', () => {
  it('writes summary.md and report.html next to result.json and prints the summary', async () => {
    const { dir, file } = tempCopy('throttled');
    const ran = await runReport([file]);
    expect(ran.error).toBeUndefined();
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe(renderMarkdown(fixture('throttled')));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(renderHtml(fixture('throttled')));
    expect(ran.stdout).toContain('FAIL  Gates       1 of 3 failed');
    expect(ran.stdout).not.toMatch(/\u001b\[/);
    expect(ran.stderr).toContain(`wrote ${join(dir, 'summary.md')}`);
  });

  it('writes into --out and renders only the --format list', async () => {
    const { file } = tempCopy('no-limits');
    const out = join(mkdtempSync(join(tmpdir(), 'loadgate-report-out-')), 'nested');
    const ran = await runReport([file, '--out', out, '--format', 'markdown,json']);
    expect(ran.error).toBeUndefined();
    expect(ran.stdout).toBe('');
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).runId).toBe('fixture-steady-no-limits');
  });

  it('colours the summary only on a TTY, and never with --no-color', async () => {
    const { file } = tempCopy('throttled');
    expect((await runReport([file, '--format', 'terminal'], true)).stdout).toMatch(/\u001b\[/);
    expect((await runReport([file, '--format', 'terminal', '--no-color'], true)).stdout).not.toMatch(/\u001b\[/);
  });

  it.each([
    ['a missing file', () => join(tmpdir(), 'no-such-dir-loadgate', 'result.json'), /cannot read result \(no such file\)/],
    ['invalid JSON', () => { const { file } = tempCopy('throttled'); writeFileSync(file, '{"schemaVersion": 1,'); return file; }, /not valid JSON/],
    ['another schema version', () => { const { file } = tempCopy('throttled'); writeFileSync(file, JSON.stringify({ schemaVersion: 99 })); return file; }, /schemaVersion 99 is newer than this loadgate reads \(1\)/],
  ])('answers %s with a one-line usage error (exit code 2)', async (_what, make, message) => {
    const file = make();
    const ran = await runReport([file]);
    expect(isLoadgateError(ran.error)).toBe(true);
    const err = ran.error as Error & { exitCode: number };
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('\n');
  });

  it('rejects an unknown format naming the flag and the value', async () => {
    const { file } = tempCopy('throttled');
    const ran = await runReport([file, '--format', 'markdown,pdf']);
    expect((ran.error as Error).message).toBe('--format: "pdf" is invalid (expected one of terminal, markdown, html, json)');
    expect((ran.error as Error & { exitCode: number }).exitCode).toBe(2);
  });
});

// The real binary: needs every command the program imports (other engineers' files) to exist.
const programImports = [...readFileSync(new URL('../../src/cli/program.ts', import.meta.url), 'utf8').matchAll(/from '\.\/([\w-]+\.ts)'/g)].map((m) => m[1]);
const missing = programImports.filter((f) => !existsSync(new URL(`../../src/cli/${f}`, import.meta.url)));
if (missing.length > 0) console.warn(`bin/loadgate.js report test skipped: src/cli/${missing.join(', ')} not written yet`);

describe.skipIf(missing.length > 0)('bin/loadgate.js report', () => {
  it('exits 2 with one line on stderr for a missing result.json', async () => {
    const missingFile = join(tmpdir(), 'no-such-dir-loadgate', 'result.json');
    const err = await promisify(execFile)(process.execPath, [cliEntry(), 'report', missingFile]).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim().split('\n')).toEqual([`loadgate: ${missingFile}: cannot read result (no such file)`]);
  });
});
