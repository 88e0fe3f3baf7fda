/**
 * GitHub Actions output: workflow-command escaping (in process) and, through the real bin, a run
 * under GITHUB_ACTIONS=true appending summary.md to $GITHUB_STEP_SUMMARY with one annotation per
 * failed gate, and nothing of it outside GitHub Actions.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCommand, escapeData, escapeProperty, gateAnnotations } from '../../src/cli/github-actions.ts';
import { loadgate } from '../helpers/spawn-tty.ts';

describe('GitHub workflow commands', () => {
  it('escape %, CR and LF in the message, and : and , too in a property, % first', () => {
    expect(escapeData('50% a\r\nb %0A')).toBe('50%25 a%0D%0Ab %250A');
    expect(escapeProperty('a: b, c%\n')).toBe('a%3A b%2C c%25%0A');
    expect(errorCommand('gate failed: x, y', 'line1\nline2: 5%')).toBe('::error title=gate failed%3A x%2C y::line1%0Aline2: 5%25');
  });

  it('one annotation per failed gate, one line each, whatever the gate holds', () => {
    const lines = gateAnnotations([
      { expr: 'latency.p99{route:"GET /a,b"} < 1ms', passed: false, actual: 3, threshold: '< 1ms', reason: 'p99 = 3 ms\n(fails)', window: 'every 1s' },
      { expr: 'errors.rate < 1%', passed: true, actual: 0, threshold: '< 1%', reason: 'ok' },
    ], 'run-1');
    expect(lines).toEqual(['::error title=loadgate gate failed%3A latency.p99{route%3A"GET /a%2Cb"} < 1ms::p99 = 3 ms%0A(fails) (every 1s) [run run-1]']);
  });
});

describe('loadgate run under GitHub Actions (the real bin)', () => {
  it('under GitHub Actions a run appends summary.md to $GITHUB_STEP_SUMMARY and annotates each failed gate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-gha-'));
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const gates = ['--gate', 'errors.rate > 50%', '--gate', 'latency.max{route:"GET /"} < 0.001ms', '--gate', 'requests.sent > 0'];
    const args = ['run', '--rps', '20', '--duration', '1s', '--no-cloudwatch', '--allow-unkept-schedule', '-q', ...gates];
    const [inCi, outside] = await Promise.all([
      loadgate([...args, '--out', join(dir, 'ci')], { tty: false, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } }),
      loadgate([...args, '--out', join(dir, 'local')], { tty: false, env: { GITHUB_STEP_SUMMARY: summary } }),
    ]);
    expect(inCi.code).toBe(1);
    const annotations = inCi.out.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toEqual([
      '::error title=loadgate gate failed%3A errors.rate > 50%25::errors.rate = 0.00%25 (fails > 50%25) [run ' + annotations[0]?.split('[run ')[1],
      expect.stringMatching(/^::error title=loadgate gate failed%3A latency\.max\{route%3A"GET \/"\} < 0\.001ms::latency\.max\{route:"GET \/"\} = [\d.]+ ms \(fails < 0\.001ms\) \[run [^\]]+\]$/),
    ]);
    const written = await readFile(summary, 'utf8');
    expect(written.startsWith('# earlier step\n')).toBe(true);
    expect(written.slice('# earlier step\n'.length).trimEnd()).toBe((await readFile(join(dir, 'ci', 'summary.md'), 'utf8')).trimEnd());
    // GITHUB_ACTIONS unset: nothing appended, no workflow commands.
    expect(outside.code).toBe(1);
    expect(outside.out).not.toContain('::error');
  }, 60_000);
});
