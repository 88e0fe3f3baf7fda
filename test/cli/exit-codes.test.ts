/**
 * Exit codes (docs/exit-codes.md): every --help lists the one table, and
 * a crash is exit 4 with one line, never 1 (a failed gate) and never a stack unless asked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { EXIT } from '../../src/core/exit-codes.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

function helpOf(path: string[]): string {
  const program = buildProgram();
  let text = '';
  let command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  for (const c of [program, command]) c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('exit codes', () => {
  it('are distinct', () => {
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
    expect(EXIT).toMatchObject({ OK: 0, GATE_FAILED: 1, USAGE: 2, SCHEDULE_NOT_KEPT: 3, INTERNAL: 4, INTERRUPTED: 130 });
  });

  it.each([[[]], [['run']], [['verify']], [['emulator']], [['report']], [['metrics']], [['compare']], [['capacity']]])('are listed in the --help of %j', (path) => {
    const help = helpOf(path);
    for (const line of ['0    ran, and every gate passed', '1    a gate failed', '2    bad usage or configuration', '3    the schedule was not kept', '4    internal error, a bug', '130  interrupted']) {
      expect(help).toContain(line);
    }
  });

  it('a crash outside any command promise: exit 4, one line, the stack only with LOADGATE_DEBUG=1', async () => {
    const server = await countingServer();
    const dir = mkdtempSync(join(tmpdir(), 'lg-crash-'));
    const file = join(dir, 'crash.mjs');
    // A timer in the scenario module throws while the run is sending: nothing can catch it but the bin.
    writeFileSync(file, `setTimeout(() => { throw new TypeError('boom in a timer'); }, 300);
export default { name: 'crash', target: ${JSON.stringify(server.url)}, phases: [{ shape: 'constant', rateRps: 10, duration: '3s' }], aws: { cloudwatch: false } };\n`);
    try {
      const plain = await runCli(['run', file, '-q', '--out', join(dir, 'a')]);
      expect(plain.code).toBe(4);
      expect(plain.stderr.trim()).toBe('loadgate: internal error: boom in a timer (a bug in loadgate; set LOADGATE_DEBUG=1 for the stack)');
      const debug = await runCli(['run', file, '-q', '--out', join(dir, 'b')], { env: { LOADGATE_DEBUG: '1' } });
      expect(debug.code).toBe(4);
      expect(debug.stderr).toMatch(/TypeError: boom in a timer\n\s+at /);
    } finally {
      await server.close();
    }
  });
});
