/**
 * The emulator in its own process, off the caller's event loop (the sender's clock loop must
 * never share a thread with the server it measures). `node --import tsx child.ts` with an IPC
 * channel: the config goes down, the stage URLs come back once both listeners accept
 * connections. The child dies with its parent: it exits when the channel drops (child.ts), and
 * the parent kills it on exit as well. The channel does not keep the caller alive. `health()`
 * tells the caller whether the child failed on requests (its last-resort 500s) or ended before
 * `close` (killed, out of memory): a run reports both (result.json `emulator`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LoadgateError, UsageError } from '../errors.ts';
import type { ChildMessage, StartMessage } from './child.ts';
import type { EmulatorConfig } from './config.ts';
import type { EmulatorHealthSnapshot } from './health.ts';
import type { RunningEmulator } from './server.ts';

export type { RunningEmulator } from './server.ts';

/** Options of spawnEmulator (StartOptions without what cannot cross a process boundary). */
export interface SpawnOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** A CloudWatch-only listener as well (0: a free port). @default none: CloudWatch on the one port */
  readonly cloudwatchPort?: number;
  /** Give up on a child that is not ready after this long. @default 20000 */
  readonly startTimeoutMs?: number;
}

// From the sources (a clone, the tests) the child is TypeScript and needs tsx; from the package's
// compiled dist/ it is plain JavaScript.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(FROM_SOURCE ? './child.ts' : './child.js', import.meta.url));
const CHILD_EXEC_ARGV = FROM_SOURCE ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/** Starts the emulator in a child process; rejects with a UsageError on a bad config. */
export async function spawnEmulator(config: EmulatorConfig | { readonly configFile: string }, opts: SpawnOptions = {}): Promise<RunningEmulator> {
  const child = fork(CHILD, [], { execArgv: CHILD_EXEC_ARGV, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const start: StartMessage =
    'configFile' in config
      ? { type: 'start', configFile: config.configFile, options: opts }
      : { type: 'start', config, options: opts };
  let info: ChildMessage;
  try {
    info = await new Promise<ChildMessage>((ok, fail) => {
      const timer = setTimeout(() => fail(new LoadgateError('INTERNAL', `emulator: not ready after ${opts.startTimeoutMs ?? 20_000} ms`)), opts.startTimeoutMs ?? 20_000);
      child.once('message', (m: ChildMessage) => (clearTimeout(timer), ok(m)));
      child.once('exit', (code, signal) => (clearTimeout(timer), fail(new LoadgateError('INTERNAL', `emulator: process exited before it was ready (${signal ?? `code ${code}`})`))));
      child.once('error', (err) => (clearTimeout(timer), fail(err)));
      child.send(start);
    });
  } catch (err) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw err;
  }
  if (info.type === 'error') {
    await waitExit(child);
    process.off('exit', killOnExit);
    throw info.usage ? new UsageError(info.message) : new LoadgateError('INTERNAL', `emulator: ${info.message}`);
  }
  if (info.type !== 'ready') {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw new LoadgateError('INTERNAL', `emulator: unexpected first message ${JSON.stringify(info.type)}`);
  }
  const ready = info;
  child.unref();
  child.channel?.unref();
  let closing = false;
  let health: EmulatorHealthSnapshot = { internalErrors: 0, firstError: null, exitedEarly: null };
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'health') health = { ...health, internalErrors: m.internalErrors, firstError: m.firstError };
  });
  child.once('exit', (code, signal) => {
    if (!closing) health = { ...health, exitedEarly: { atWallMs: Date.now(), exit: signal ?? `code ${code}` } };
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      closing = true;
      child.ref();
      child.channel?.ref();
      const exited = waitExit(child);
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      if (child.connected) child.send({ type: 'close' });
      else child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
      process.off('exit', killOnExit);
    })());
  return Object.freeze({ ...ready.emulator, health: () => health, close });
}
