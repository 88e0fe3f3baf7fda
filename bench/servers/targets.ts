/**
 * Benchmark targets in a process of their own, so they never share the load generator's event
 * loop: nginx (one worker, `return 200`) when /usr/sbin/nginx exists, else a node:http server.
 * Both listen on a free 127.0.0.1 port and are stopped by the caller (by PID, never by name).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';

/** A running target. */
export interface BenchTarget {
  /** 'nginx' or 'node:http'. */
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const NGINX = '/usr/sbin/nginx';

/** nginx.conf for a `return 200` target on `port`, everything under `dir`. */
export function nginxConfig(dir: string, port: number, workers = 1): string {
  return `daemon off;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 65535;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 65s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { default_type text/plain; return 200 'ok'; }
  }
}
`;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once `port` accepts a TCP connection; rejects if the process exits first. */
async function acceptsConnections(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50)); // between connect attempts while nginx starts
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within 10 s`);
}

async function startNginx(): Promise<BenchTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-nginx-'));
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir, port));
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  await acceptsConnections(port, child, 'nginx');
  return {
    name: 'nginx', url: `http://127.0.0.1:${port}`, pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGQUIT');
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startNodeHttp(): Promise<BenchTarget> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./node-http-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/** Starts the benchmark target: nginx if installed, else node:http, in another process. */
export function startTarget(): Promise<BenchTarget> {
  return existsSync(NGINX) ? startNginx() : startNodeHttp();
}
