/**
 * Entry of the emulator's own process (spawned by process.ts with `node --import tsx`).
 * IPC protocol, one message each way at a time:
 *
 *   parent -> child   { type: 'start', config | configFile, options }   then later { type: 'close' }
 *   child -> parent   { type: 'ready', emulator }  or  { type: 'error', message, usage }
 *                     then { type: 'health', internalErrors, firstError } after faults (at most
 *                     one message per 200 ms, the last one always sent)
 *
 * The child exits when told to close, on SIGTERM, and as soon as the IPC channel drops
 * (the parent died, however it died), so an emulator never outlives its caller.
 */
import { isLoadgateError } from '../errors.ts';
import { loadEmulatorConfig, type EmulatorConfig } from './config.ts';
import { EmulatorHealth, keepServingOnFault, type EmulatorHealthSnapshot } from './health.ts';
import { startEmulator, type RunningEmulator } from './server.ts';

/** What the parent sends to start the emulator. */
export interface StartMessage {
  readonly type: 'start';
  readonly config?: EmulatorConfig;
  readonly configFile?: string;
  readonly options: { readonly port?: number; readonly host?: string; readonly cloudwatchPort?: number };
}

/** What the child answers. */
export type ChildMessage =
  | { readonly type: 'ready'; readonly emulator: Omit<RunningEmulator, 'close' | 'health'> }
  | { readonly type: 'error'; readonly message: string; readonly usage: boolean }
  | ({ readonly type: 'health' } & Omit<EmulatorHealthSnapshot, 'exitedEarly'>);

const HEALTH_INTERVAL_MS = 200;
let healthTimer: NodeJS.Timeout | undefined;

function sendHealth(): Promise<void> {
  healthTimer = undefined;
  const { internalErrors, firstError } = health.snapshot();
  if (!process.connected || process.send === undefined) return Promise.resolve();
  const message: ChildMessage = { type: 'health', internalErrors, firstError };
  return new Promise((done) => process.send?.(message, undefined, {}, () => done()));
}

// A fault storm must not flood the channel: relay the count at most every HEALTH_INTERVAL_MS.
const health = new EmulatorHealth(() => {
  healthTimer ??= setTimeout(() => void sendHealth(), HEALTH_INTERVAL_MS);
});
keepServingOnFault(health, (line) => process.stderr.write(`${line}\n`));

let running: RunningEmulator | undefined;
let closing = false;

async function shutdown(code: number): Promise<never> {
  if (!closing) {
    closing = true;
    await running?.close().catch(() => undefined);
    if (healthTimer !== undefined) {
      clearTimeout(healthTimer);
      await sendHealth();
    }
  }
  process.exit(code);
}

function configOf(msg: StartMessage): Promise<EmulatorConfig> {
  return msg.config ? Promise.resolve(msg.config) : loadEmulatorConfig(msg.configFile as string);
}

async function start(msg: StartMessage): Promise<void> {
  try {
    running = await startEmulator(await configOf(msg), { ...msg.options, health });
    const { close: _close, health: _health, ...info } = running;
    process.send?.({ type: 'ready', emulator: info } satisfies ChildMessage);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    process.send?.({ type: 'error', message, usage: isLoadgateError(err) && err.exitCode === 2 } satisfies ChildMessage);
    await shutdown(2);
  }
}

process.on('message', (msg: StartMessage | { type: 'close' }) => {
  if (msg.type === 'start') void start(msg);
  else if (msg.type === 'close') void shutdown(0);
});
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// Ctrl-C reaches the whole process group: the parent decides when its emulator stops (after
// draining and the CloudWatch pull), so the child leaves SIGINT to it.
process.on('SIGINT', () => undefined);
if (!process.connected) process.exit(1);
