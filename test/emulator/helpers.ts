/** Shared helpers of the emulator tests: start an emulator on 127.0.0.1, send with undici. */
import { Pool } from 'undici';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator, type RunningEmulator, type StartOptions } from '../../src/emulator/server.ts';
import type { RequestMetric } from '../../src/emulator/metrics/store.ts';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface Harness {
  readonly emulator: RunningEmulator;
  readonly pool: Pool;
  readonly metrics: RequestMetric[];
  /** One request to `path` (absolute, from the origin). */
  send(method: string, path: string, opts?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer>;
  /** `count` requests at once; answers in send order. */
  burst(count: number, path: string, headers?: Record<string, string>): Promise<Answer[]>;
  close(): Promise<void>;
}

/** Starts an emulator from a raw config and a pool on its origin. */
export async function harness(raw: unknown, opts: StartOptions = {}): Promise<Harness> {
  const metrics: RequestMetric[] = [];
  const emulator = await startEmulator(parseEmulatorConfig(raw, 'test.json'), { ...opts, observe: (m) => metrics.push(m) });
  const origin = new URL(Object.values(emulator.stages)[0]).origin;
  const pool = new Pool(origin, { connections: 64 });
  const send = async (method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> => {
    const r = await pool.request({ method: method as 'GET', path, headers: o.headers, body: o.body });
    return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
  };
  return {
    emulator,
    pool,
    metrics,
    send,
    burst: (count, path, headers) => Promise.all(Array.from({ length: count }, () => send('GET', path, { headers }))),
    close: async () => {
      await pool.close();
      await emulator.close();
    },
  };
}

/** How many answers had each status. */
export function countByStatus(answers: readonly Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const APIGW_ID = /^[A-Za-z0-9+/]{15}=$/;
