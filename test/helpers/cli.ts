/** Runs the real `loadgate` CLI in a cold process as a user would (see cliEntry), and captures what it says. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/loadgate.js', import.meta.url));

/**
 * What `node <entry> args...` runs as `loadgate args...`: the CLI transpiled once for this test
 * run (test/helpers/test-dist.ts, the globalSetup), else the bin through tsx. The transpiled CLI is
 * the same code without tsx's loader, about 0.85 s of CPU less per process on this 2-core machine.
 */
export function cliEntry(): string {
  const dist = process.env.LOADGATE_TEST_DIST;
  return dist !== undefined && existsSync(join(dist, 'cli/main.js')) ? join(dist, 'cli/main.js') : BIN;
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called once with the child, e.g. to send SIGINT when some output appears. */
  readonly onStart?: (child: import('node:child_process').ChildProcess) => void;
  readonly timeoutMs?: number;
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry(), ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`loadgate ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    opts.onStart?.(child);
  });
}
