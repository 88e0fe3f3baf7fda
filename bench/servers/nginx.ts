/**
 * Debian's nginx as a peer and as an independent rate limiter, started on a free 127.0.0.1 port
 * from a temporary prefix, in a process of its own, and stopped by its PID (SIGQUIT, then the
 * prefix is removed). One launcher for the benchmarks and the `verify` tests.
 *
 * Notes that every caller relies on:
 * - `return` runs before `limit_req`, so a rate-limited location must serve content: `files`
 *   puts files under the root for that (docs/architecture.md "Library pitfalls").
 * - nginx's limit_req bucket holds burst + 1: for an effective bucket of B pass `burst=B-1`.
 * - the worker drops root for `nobody`, which must be able to read the files it serves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.ts';

export const NGINX = '/usr/sbin/nginx';

export function nginxInstalled(): boolean {
  return existsSync(NGINX);
}

export interface NginxOptions {
  /** Directives at `http` level (e.g. a `limit_req_zone`). */
  readonly http?: string;
  /** The `server` block's locations. */
  readonly locations: string;
  /** Files to serve, by path under the root (`prod/items` -> `<root>/prod/items`). */
  readonly files?: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly workers?: number;
  /** Pin nginx (master and workers) to this CPU with taskset, so a benchmark can give it a core of its own. */
  readonly cpu?: number;
  /** Write `$msec` (arrival time, s with ms resolution) of every request to this file: the server's own arrival log. */
  readonly arrivalLog?: string;
}

export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly root: string;
  stop(): Promise<void>;
}

function config(prefix: string, port: number, opts: NginxOptions): string {
  return `daemon off;
worker_processes ${opts.workers ?? 1};
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
worker_rlimit_nofile 65535;
events { worker_connections 16384; }
http {
  ${opts.arrivalLog ? `log_format arrivals '$msec';
  access_log ${opts.arrivalLog} arrivals buffer=256k flush=1s;` : 'access_log off;'}
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 65s;
  ${opts.http ?? ''}
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${prefix}/www;
    ${opts.locations}
  }
}
`;
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once `port` accepts a TCP connection; rejects if nginx exits first or after 10 s. */
export async function acceptsConnections(port: number, child: ChildProcess, prefix: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited with code ${child.exitCode} before listening (see ${prefix})`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50)); // between connect attempts while nginx starts
  }
  throw new Error(`${child.spawnfile} did not listen on 127.0.0.1:${port} within 10 s`);
}

export async function startNginx(opts: NginxOptions): Promise<RunningNginx> {
  const prefix = await mkdtemp(join(tmpdir(), 'loadgate-nginx-'));
  const root = join(prefix, 'www');
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(opts.files ?? {})) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await openToWorkers(prefix, root, Object.keys(opts.files ?? {}));
  const port = await freePort();
  await writeFile(join(prefix, 'nginx.conf'), config(prefix, port, opts));
  const args = ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')];
  const child = opts.cpu === undefined ? spawn(NGINX, args, { stdio: 'ignore' }) : spawn('taskset', ['-c', String(opts.cpu), NGINX, ...args], { stdio: 'ignore' });
  try {
    await acceptsConnections(port, child, prefix);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`, port, pid: child.pid ?? -1, root,
    stop: async () => {
      child.kill('SIGQUIT');
      await exited(child);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

/** mkdtemp makes 0700 folders; nginx's worker (nobody) must traverse them and read the files. */
async function openToWorkers(prefix: string, root: string, files: readonly string[]): Promise<void> {
  const dirs = new Set<string>([prefix, root]);
  for (const f of files) for (let d = dirname(join(root, f)); d.startsWith(root); d = dirname(d)) dirs.add(d);
  for (const d of dirs) await chmod(d, 0o755);
  for (const f of files) await chmod(join(root, f), 0o644);
}
