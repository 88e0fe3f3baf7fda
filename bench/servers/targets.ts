/**
 * Benchmark targets in a process of their own, so they never share the load generator's event
 * loop: nginx (one worker, `return 200`) when /usr/sbin/nginx exists, else a node:http server.
 * Both listen on a free 127.0.0.1 port and are stopped by the caller (by PID, never by name).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { nginxInstalled, startNginx } from './nginx.ts';

/** A running target. */
export interface BenchTarget {
  /** 'nginx' or 'node:http'. */
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** nginx answering `return 200 'ok'` on every path: a target faster than anything we measure. */
async function startNginxTarget(cpu: number | undefined): Promise<BenchTarget> {
  const nginx = await startNginx({ locations: "location / { default_type text/plain; return 200 'ok'; }", cpu });
  return { name: 'nginx', url: nginx.url, pid: nginx.pid, stop: () => nginx.stop() };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startNodeHttp(cpu: number | undefined): Promise<BenchTarget> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./node-http-server.ts', import.meta.url));
  const args = [process.execPath, '--import', 'tsx', script, String(port)];
  const child = cpu === undefined
    ? spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('taskset', ['-c', String(cpu), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`node:http target exited with code ${code}`)));
  });
  return {
    name: 'node:http', url: `http://127.0.0.1:${port}`, pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** Starts the benchmark target: nginx if installed, else node:http, in another process (pinned to `cpu` if given). */
export function startTarget(cpu?: number): Promise<BenchTarget> {
  return nginxInstalled() ? startNginxTarget(cpu) : startNodeHttp(cpu);
}
