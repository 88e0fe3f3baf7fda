/**
 * The emulator under the CLI, as users run it (cold `node bin/loadgate.js` processes): one bad
 * request no longer kills it, standalone or auto-started, and an auto-started emulator that dies
 * anyway is reported in result.json (`emulator.exitedEarly` and a note), not just as "refused".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { runCli } from '../helpers/cli.ts';

const CLI = new URL('./fixtures/emulator-cli.ts', import.meta.url).pathname;
let dir: string;
let target: Server;
let targetOrigin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lg-health-'));
  target = createServer((req, res) => res.end(`user ${req.url}`));
  await new Promise<void>((done) => target.listen(0, '127.0.0.1', () => done()));
  targetOrigin = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((done) => target.close(() => done()));
});

function emulatorConfig(): object {
  return { stages: { prod: {} }, routes: { 'GET /users/{id}': { integration: { type: 'http', url: `${targetOrigin}/{id}` } } } };
}

function scenario(name: string, durationS: number, paths: string[]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    name,
    requests: paths.map((path) => ({ method: 'GET', path })),
    phases: [{ shape: 'constant', rateRps: 40, duration: `${durationS}s` }],
    emulator: emulatorConfig(),
  }));
  return file;
}

function result(out: string): { totals: { errors: number; byStatus: Record<string, number> }; notes: string[]; emulator?: unknown } {
  return JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
}

/** Pids of the direct children of `pid` (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('loadgate run against the auto-started emulator', () => {
  it('a malformed percent-encoding is answered 400; the emulator lives through the run', async () => {
    const out = join(dir, 'bad-path');
    const r = await runCli(['run', scenario('bad-path', 1, ['/users/%E0%A4%A', '/users/7']), '--out', out, '-q']);
    expect(r.stderr).not.toMatch(/URIError|\n\s+at /);
    const res = result(out);
    expect(res.totals.errors).toBe(0);
    expect(res.totals.byStatus['400']).toBeGreaterThan(15);
    expect(res.totals.byStatus['200']).toBeGreaterThan(15);
    expect(res.emulator).toEqual({ internalErrors: 0, exitedEarly: null });
    expect(res.notes.join('\n')).not.toMatch(/emulator/);
  });

  it('an emulator killed mid-run is reported as such in result.json', async () => {
    const out = join(dir, 'killed');
    let killed: number | undefined;
    const r = await runCli(['run', scenario('killed', 4, ['/users/1']), '--out', out], {
      onStart: (cli) => {
        // Once traffic flows (the first progress line), kill the emulator, the CLI's only child, by pid.
        const onOutput = (chunk: Buffer): void => {
          if (killed !== undefined || !/sent [1-9]/.test(chunk.toString())) return;
          const [pid] = childrenOf(cli.pid as number);
          if (pid === undefined) return;
          killed = pid;
          process.kill(pid, 'SIGKILL');
        };
        cli.stdout?.on('data', onOutput);
        cli.stderr?.on('data', onOutput);
      },
    });
    expect(killed, r.stderr).toBeDefined();
    expect(r.code, r.stderr).not.toBeNull();
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const res = result(out);
    expect(res.emulator).toMatchObject({ internalErrors: 0, exitedEarly: { exit: 'SIGKILL' } });
    expect(res.notes.some((n) => /^the emulator loadgate started exited early \(SIGKILL, \d+\.\d s into the run\)/.test(n))).toBe(true);
    expect(res.totals.errors).toBeGreaterThan(0);
  });

  it('internal errors of the emulator reach result.json and a note', async () => {
    const out = join(dir, 'faulty');
    const inject = new URL('./fixtures/stray-fault.mjs', import.meta.url).pathname;
    const r = await runCli(['run', scenario('faulty', 1, ['/users/1']), '--out', out, '-q'], { env: { NODE_OPTIONS: `--import=${inject}` } });
    expect(r.stderr).toContain('loadgate emulator: internal error, still serving: Error: stray fault from a timer');
    const res = result(out);
    expect(res.emulator).toEqual({ internalErrors: 1, exitedEarly: null });
    expect(res.notes).toContain('the emulator loadgate started hit 1 internal errors (its own bugs; a request one hit was answered 500 and counts as a 5XXError; first: Error: stray fault from a timer)');
    expect(res.totals.errors).toBe(0);
  });
});

function cli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'emulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let outText = '';
  let errText = '';
  child.stdout?.on('data', (c) => (outText += c));
  child.stderr?.on('data', (c) => (errText += c));
  return { child, stdout: () => outText, stderr: () => errText };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', () => done()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((done) => s.close(() => done()));
  return port;
}

describe('loadgate emulator (standalone)', () => {
  it('survives the request that used to kill it, and keeps serving', async () => {
    const file = join(dir, 'standalone.json');
    writeFileSync(file, JSON.stringify(emulatorConfig()));
    const run = cli(['--config', file, '--port', '0']);
    try {
      await new Promise<void>((resolve, reject) => {
        run.child.stdout?.on('data', () => run.stdout().includes('endpoint: ') && resolve());
        run.child.once('exit', (code) => reject(new Error(`exited ${code}: ${run.stderr()}`)));
      });
      const stage = /stage prod: (\S+)/.exec(run.stdout())?.[1] as string;
      const bad = await request(`${stage}/users/%E0%A4%A`);
      expect(bad.statusCode).toBe(400);
      expect(await bad.body.json()).toEqual({ message: 'Bad Request' });
      const good = await request(`${stage}/users/7`);
      expect(await good.body.text()).toBe('user /7');
      expect(run.child.exitCode).toBeNull();
      expect(run.stderr()).toBe('');
    } finally {
      run.child.kill('SIGTERM');
      await once(run.child, 'exit');
    }
  });

  it('stops on SIGTERM even when whoever read its output has gone (closed stdout and stderr)', async () => {
    const file = join(dir, 'closed-pipes.json');
    writeFileSync(file, JSON.stringify(emulatorConfig()));
    const run = cli(['--config', file, '--port', '0']);
    await new Promise<void>((resolve, reject) => {
      run.child.stdout?.on('data', () => run.stdout().includes('endpoint: ') && resolve());
      run.child.once('exit', (code) => reject(new Error(`exited ${code}: ${run.stderr()}`)));
    });
    run.child.stdout?.destroy();
    run.child.stderr?.destroy();
    run.child.kill('SIGTERM');
    const exited = once(run.child, 'exit');
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 5_000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('a taken --cloudwatch-port names that flag and port (no second port is taken unless asked for)', async () => {
    const file = join(dir, 'ports.json');
    writeFileSync(file, JSON.stringify(emulatorConfig()));
    const blocker = createNetServer();
    const taken = await freePort();
    await new Promise<void>((done) => blocker.listen(taken, '127.0.0.1', () => done()));
    try {
      const explicit = cli(['--config', file, '--port', '0', '--cloudwatch-port', String(taken)]);
      const [code] = await once(explicit.child, 'exit');
      expect(code).toBe(2);
      expect(explicit.stderr()).toMatch(new RegExp(`^loadgate: --cloudwatch-port: cannot listen on 127\\.0\\.0\\.1:${taken} for the CloudWatch endpoint \\(EADDRINUSE\\)`));
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });
});
