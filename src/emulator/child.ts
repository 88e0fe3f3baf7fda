/**
 * Entry of the emulator's own process (spawned by process.ts with `node --import tsx`).
 * IPC protocol, one message each way at a time:
 *
 *   parent -> child   { type: 'start', config | configFile, options }   then later { type: 'close' }
 *   child -> parent   { type: 'ready', emulator }  or  { type: 'error', message, usage }
 *
 * The child exits when told to close, on SIGTERM, and as soon as the IPC channel drops
 * (the parent died, however it died), so an emulator never outlives its caller.
 */
import { isLoadgateError } from '../errors.ts';
import { loadEmulatorConfig, type EmulatorConfig } from './config.ts';
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
  | { readonly type: 'ready'; readonly emulator: Omit<RunningEmulator, 'close'> }
  | { readonly type: 'error'; readonly message: string; readonly usage: boolean };

let running: RunningEmulator | undefined;
let closing = false;

async function shutdown(code: number): Promise<never> {
  if (!closing) {
    closing = true;
    await running?.close().catch(() => undefined);
  }
  process.exit(code);
}

function configOf(msg: StartMessage): Promise<EmulatorConfig> {
  return msg.config ? Promise.resolve(msg.config) : loadEmulatorConfig(msg.configFile as string);
}

async function start(msg: StartMessage): Promise<void> {
  try {
    running = await startEmulator(await configOf(msg), msg.options);
    const { close: _close, ...info } = running;
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
