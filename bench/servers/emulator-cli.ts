/**
 * The emulator as users start it: a cold `node bin/loadgate.js emulator --config FILE` process,
 * optionally pinned with taskset, on a free 127.0.0.1 port. Resolves once its ready file names
 * the stages; stopped by its PID (SIGTERM, the CLI's own shutdown).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited } from './nginx.ts';

const BIN = fileURLToPath(new URL('../../bin/loadgate.js', import.meta.url));
const READY_WITHIN_MS = 30_000;

export interface ColdEmulator {
  /** Stage name -> base URL. */
  readonly stages: Readonly<Record<string, string>>;
  /** The emulator's own process (taskset execs node, so it is the same PID). */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ColdEmulatorOptions {
  /** Pin to this CPU (taskset -c). */
  readonly cpu?: number;
  /** Extra node flags before the script (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
}

/** Writes `config` to a temporary file and starts `loadgate emulator` on it. */
export async function startColdEmulator(config: unknown, opts: ColdEmulatorOptions = {}): Promise<ColdEmulator> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-emu-'));
  const configFile = join(dir, 'emulator.json');
  const readyFile = join(dir, 'ready.json');
  await writeFile(configFile, JSON.stringify(config));
  const args = [...(opts.nodeArgs ?? []), BIN, 'emulator', '--config', configFile, '--port', '0', '--ready-file', readyFile];
  const child = opts.cpu === undefined
    ? spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir })
    : spawn('taskset', ['-c', String(opts.cpu), process.execPath, ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited(child);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + READY_WITHIN_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`loadgate emulator exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    const ready = await readFile(readyFile, 'utf8').then((text) => JSON.parse(text) as { stages: Record<string, string> }, () => undefined);
    if (ready !== undefined) return { stages: ready.stages, pid: child.pid ?? -1, stop };
    await new Promise((resolve) => setTimeout(resolve, 50)); // poll the ready file while the CLI starts
  }
  await stop();
  throw new Error(`loadgate emulator was not ready within ${READY_WITHIN_MS / 1000} s`);
}
