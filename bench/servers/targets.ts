/**
 * Benchmark targets in a process of their own, so they never share the load generator's event
 * loop: nginx (one worker, `return 200`) when /usr/sbin/nginx exists, else a node:http server.
 * Both listen on a free 127.0.0.1 port and are stopped by the caller (by PID, never by name).
 */
import { nginxInstalled, startNginx } from './nginx.ts';
import { startScriptServer } from './script-server.ts';

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

async function startNodeHttp(cpu: number | undefined): Promise<BenchTarget> {
  const server = await startScriptServer('node-http-server.ts', cpu);
  return { name: 'node:http', url: `http://127.0.0.1:${server.port}`, pid: server.pid, stop: () => server.stop() };
}

/** Starts the benchmark target: nginx if installed, else node:http, in another process (pinned to `cpu` if given). */
export function startTarget(cpu?: number): Promise<BenchTarget> {
  return nginxInstalled() ? startNginxTarget(cpu) : startNodeHttp(cpu);
}
