/**
 * End to end: `loadgate emulator --from template.yaml` (a cold process) serves the API the SAM
 * template declares, and `loadgate verify --limits-from cfn:template.yaml` checks its throttle
 * exactly as the template declares it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { cliEntry } from '../helpers/cli.ts';

const TEMPLATE = 'test/fixtures/iac/sam-http.yaml';
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lg-iac-cli-'));
});
afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

async function readyFile(file: string, process: ChildProcess): Promise<{ stages: Record<string, string> }> {
  for (let i = 0; i < 200 && process.exitCode === null; i++) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return JSON.parse(text);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`emulator did not become ready (exit ${process.exitCode})`);
}

it('emulator --from serves the template; verify --limits-from cfn: passes against it', async () => {
  const ready = join(dir, 'ready.json');
  child = spawn(process.execPath, [cliEntry(), 'emulator', '--from', TEMPLATE, '--port', '0', '--ready-file', ready], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { stages } = await readyFile(ready, child);
  expect(Object.keys(stages)).toEqual(['v1']);
  const out = join(dir, 'verify');
  const code = await main(['verify', '--target', stages.v1, '--path', '/products', '--limits-from', `cfn:${TEMPLATE}`, '--max-duration', '6s', '--out', out, '-q']);
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
  expect(result.verify?.declared).toMatchObject({ rateRps: 60, burst: 30 });
  // The verdict's own matrix is test/e2e/verify.test.ts; a loaded machine may leave it inconclusive.
  expect(['pass', 'inconclusive']).toContain(result.verify?.verdict);
  expect(code).toBe(result.verify?.verdict === 'pass' ? 0 : 1);
}, 40_000);
