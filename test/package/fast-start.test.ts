/**
 * `--version` and the top-level `--help` answer from bin/loadgate.js alone (docs/architecture.md "Packaging": start-up
 * relative to `node -e 0`, + 30 ms): they must say what the full CLI says, without importing tsx,
 * commander or the CLI. What gets imported is logged by a resolve hook, not timed (timing belongs
 * to `npm run bench`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { IMPORT_LOG_PRELOAD } from '../helpers/import-log.ts';

const exec = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin/loadgate.js');
const dir = mkdtempSync(join(tmpdir(), 'loadgate-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRELOAD = IMPORT_LOG_PRELOAD;

async function bin(args: string[], log: string): Promise<string> {
  const { stdout } = await exec(process.execPath, ['--import', PRELOAD, BIN, ...args], { env: { ...process.env, LG_IMPORT_LOG: log } });
  return stdout;
}

describe('fast --version and --help', () => {
  it('--version and -V print package.json version, importing nothing else', async () => {
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const log = join(dir, 'version.log');
    expect(await bin(['--version'], log)).toBe(`${version}\n`);
    expect(await bin(['-V'], log)).toBe(`${version}\n`);
    const imported = readFileSync(log, 'utf8').trim().split('\n');
    expect(imported).toContainEqual(expect.stringMatching(/\/bin\/loadgate\.js$/));
    expect(imported.filter((url) => !url.startsWith('node:') && !url.endsWith('/bin/loadgate.js'))).toEqual([]);
  });

  // Commander prints the same top-level help for all three: one cold full CLI (tsx, 1.4 s of CPU) serves them.
  let fullHelp: Promise<string> | undefined;
  const commanderHelp = (): Promise<string> => (fullHelp ??= exec(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--help'], { cwd: REPO_ROOT }).then((r) => r.stdout));

  it.each([['--help'], ['-h'], ['help']])("%s prints commander's own top-level help without loading the CLI", async (flag) => {
    const log = join(dir, `help${flag}.log`);
    const fast = await bin([flag], log);
    expect(fast).toBe(await commanderHelp());
    expect(fast).toMatch(/^Usage: loadgate /);
    expect(readFileSync(log, 'utf8')).not.toMatch(/tsx|commander|\/src\//);
  });

  it('a subcommand help still goes through the CLI', async () => {
    const log = join(dir, 'run-help.log');
    expect(await bin(['run', '--help'], log)).toMatch(/Usage: loadgate run/);
    expect(readFileSync(log, 'utf8')).toMatch(/\/src\/cli\/main\.ts/);
  });
});
