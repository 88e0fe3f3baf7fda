/**
 * A command loads only what it uses (docs/architecture.md "Packaging"): the API Gateway and
 * CloudWatch SDK clients and the YAML parser are most of a cold start's module loading, so a run
 * against a plain local target imports none of them, and `--limits-from cfn:` imports the YAML
 * parser but no SDK. What a cold `node bin/loadgate.js` imports is logged by a resolve hook given
 * with `--import` (logged, not timed: timing belongs to `npm run bench`).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { IMPORT_LOG_PRELOAD } from '../helpers/import-log.ts';

const exec = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin/loadgate.js');
const dir = mkdtempSync(join(tmpdir(), 'loadgate-lazy-'));

const PRELOAD = IMPORT_LOG_PRELOAD;

/** The packages and files a cold `loadgate args...` imported, and its exit code. */
async function importsOf(args: string[], name: string): Promise<{ exit: string; imported: string[] }> {
  const log = join(dir, `${name}.log`);
  let exit = 'exit 0';
  try {
    await exec(process.execPath, ['--import', PRELOAD, BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, LG_IMPORT_LOG: log, NO_COLOR: '1' } });
  } catch (err) {
    const e = err as { code: number; stderr: string };
    exit = `exit ${e.code}: ${e.stderr}`;
  }
  return { exit, imported: readFileSync(log, 'utf8').trim().split('\n') };
}

// The schedule is not what these check: a busy neighbour must not turn the run into exit 3.
const RUN = ['run', '--rps', '20', '--duration', '200ms', '--no-warm-up', '--allow-unkept-schedule', '-q'];

const SDK = /node_modules\/@aws-sdk\/client-/;
const YAML = /node_modules\/yaml\//;
const EMULATOR_SERVER = /\/src\/emulator\/server\.ts$/;

let server: Server;
let target: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('a cold command imports only what it needs', () => {
  it('run against a local target without --limits-from: no AWS SDK client, no YAML parser, no emulator server', async () => {
    const { exit, imported } = await importsOf([...RUN, '--target', target, '--out', join(dir, 'plain')], 'plain');
    expect(exit).toBe('exit 0');
    // The hook saw the run's own engine: a log that misses packages would pass the checks below.
    expect(imported).toContainEqual(expect.stringMatching(/node_modules\/undici\//));
    expect(imported.filter((url) => SDK.test(url) || YAML.test(url) || EMULATOR_SERVER.test(url))).toEqual([]);
  });

  it('run --limits-from cfn: reads the template with the YAML parser and still loads no AWS SDK client', async () => {
    const template = join(REPO_ROOT, 'test/fixtures/iac/sam-rest.yaml');
    const { exit, imported } = await importsOf([...RUN, '--target', target, '--limits-from', `cfn:${template}`, '--out', join(dir, 'cfn')], 'cfn');
    expect(exit).toBe('exit 0');
    expect(imported).toContainEqual(expect.stringMatching(YAML));
    expect(imported.filter((url) => SDK.test(url))).toEqual([]);
  });
});
