/**
 * A bench server that is a script of bench/servers/ (node-http-server.ts, node-net-floor.ts) run
 * with tsx in a process of its own, optionally pinned with taskset, on a free 127.0.0.1 port.
 * The script takes the port as its argument and prints a line once it accepts connections.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { exited } from './nginx.ts';

export interface ScriptServer {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `script` (a file name in this folder) and resolves once it printed its first line. */
export async function startScriptServer(script: string, cpu?: number): Promise<ScriptServer> {
  const port = await freePort();
  const args = [process.execPath, '--import', 'tsx', fileURLToPath(new URL(`./${script}`, import.meta.url)), String(port)];
  const child = cpu === undefined
    ? spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('taskset', ['-c', String(cpu), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
  });
  return {
    port,
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
