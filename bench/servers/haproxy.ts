/**
 * Debian's HAProxy as a rate limiter that is NOT a token bucket (docs/aws-rules.md §7, docs/throttling.md):
 * a stick table tracks each client's `http_req_rate` over a sliding period, denied requests
 * included, and requests beyond `limit` in that period get 429. A client that keeps sending
 * stays blocked, which no token bucket does: `verify` must say so rather than invent a rate.
 * Started on a free 127.0.0.1 port in a process of its own, stopped by its PID.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { acceptsConnections, exited } from './nginx.ts';

export const HAPROXY = '/usr/sbin/haproxy';

export function haproxyInstalled(): boolean {
  return existsSync(HAPROXY);
}

export interface HaproxyWindow {
  /** Requests allowed per period (sc_http_req_rate above this is denied). */
  readonly limit: number;
  /** The sliding period, e.g. '1s', '10s'. */
  readonly period: string;
}

export interface RunningHaproxy {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startHaproxy(window: HaproxyWindow): Promise<RunningHaproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-haproxy-'));
  const port = await freePort();
  const config = `global
  maxconn 4000
defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
  timeout http-keep-alive 60s
frontend limited
  bind 127.0.0.1:${port}
  stick-table type ip size 1k expire 60s store http_req_rate(${window.period})
  http-request track-sc0 src
  http-request deny deny_status 429 if { sc_http_req_rate(0) gt ${window.limit} }
  http-request return status 200 content-type text/plain string "ok"
`;
  await writeFile(join(dir, 'haproxy.cfg'), config);
  const child = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  try {
    await acceptsConnections(port, child, dir);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`, pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
