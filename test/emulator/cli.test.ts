import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

const CLI = new URL('./fixtures/emulator-cli.ts', import.meta.url).pathname;
const SHOP_FILE = new URL('../../scenarios/emulator/shop.json', import.meta.url).pathname;
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'emulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (err += c));
  return { child, stdout: () => out, stderr: () => err };
}

/** Resolves when stdout has printed the CloudWatch line (printed last, after the ready file). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (c) => {
      text += c;
      if (text.includes('endpoint: ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready`)));
  });
}

describe('loadgate emulator', () => {
  it('writes the ready file, prints the URLs, serves, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-cli-'));
    dirs.push(dir);
    const readyFile = join(dir, 'ready.json');
    const run = cli(['--config', SHOP_FILE, '--port', '0', '--ready-file', readyFile]);
    await ready(run.child);
    const info = JSON.parse(readFileSync(readyFile, 'utf8'));
    expect(Object.keys(info)).toEqual(['stages', 'endpoint', 'cloudwatchEndpoint']);
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.stages.prod).toBe(`${info.endpoint}/prod`);
    // One port for everything, printed once.
    expect(info.cloudwatchEndpoint).toBe(info.endpoint);
    expect(run.stdout()).toContain(`stage prod: ${info.stages.prod}\n`);
    expect(run.stdout().split(info.endpoint).length - 1).toBe(2); // the endpoint line, and inside the stage URL
    expect(run.stdout()).not.toContain('cloudwatch: ');
    const r = await request(`${info.stages.prod}/items`);
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    run.child.kill('SIGTERM');
    const [code] = await once(run.child, 'exit');
    expect(code).toBe(0);
    expect(run.stderr()).toContain('SIGTERM: stopping');
  });

  it.each([
    { why: 'a config with a bad value', args: ['--config', new URL('../../package.json', import.meta.url).pathname], line: /package\.json: name: unknown field/ },
    { why: 'a missing config file', args: ['--config', '/nonexistent.json'], line: /^loadgate: \/nonexistent\.json: cannot read the emulator config \(ENOENT\)$/ },
    { why: 'a bad port', args: ['--config', SHOP_FILE, '--port', '70000'], line: /^loadgate: --port: "70000" is invalid \(expected a port number from 0 to 65535/ },
  ])('exits 2 with one line on $why', async ({ args, line }) => {
    const run = cli(args);
    const [code] = await once(run.child, 'exit');
    expect(code).toBe(2);
    const lines = run.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });
});
