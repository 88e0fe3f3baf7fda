/**
 * End to end: real requests through the emulator (its own throttling and metric recording), then
 * pullCloudWatch reads its CloudWatch endpoint with the real SDK client and reconciles with what
 * this client saw.
 */
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { pullCloudWatch } from '../../src/aws/cloudwatch.ts';
import { clientMinutes } from '../../src/aws/reconcile.ts';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.ts';
import type { SendLog } from '../../src/record/send-log.ts';
import { sendLogOf } from '../helpers/send-log.ts';

let emulator: RunningEmulator | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  await emulator?.close();
  pool = undefined;
  emulator = undefined;
});

/** Sends `paths` all at once and logs each request as the recorder would. */
async function sendAll(base: string, paths: readonly string[]): Promise<{ log: SendLog; startWallMs: number; endWallMs: number }> {
  const url = new URL(base);
  pool = new Pool(url.origin, { connections: 16 });
  const startWallMs = Date.now();
  const t0 = performance.now();
  const rows = await Promise.all(paths.map(async (p) => {
    const sentMs = performance.now() - t0;
    const r = await pool!.request({ method: 'GET', path: `${url.pathname.replace(/\/$/, '')}${p}` });
    await r.body.text();
    return { sentMs, endMs: performance.now() - t0, status: r.statusCode };
  }));
  rows.sort((a, b) => a.sentMs - b.sentMs);
  const log = sendLogOf(rows);
  return { log, startWallMs, endWallMs: Date.now() };
}

describe('pullCloudWatch against a running emulator', () => {
  it.each([
    { type: 'rest', stage: 'prod', unknown: 403, e4Name: '4XXError' },
    { type: 'http', stage: '$default', unknown: 404, e4Name: '4xx' },
  ] as const)('$type API: Count and $e4Name match what the client saw, 429s included', async ({ type, stage, unknown }) => {
    emulator = await startEmulator(parseEmulatorConfig({
      api: { type, name: 'shop', id: 'shop1234' },
      stages: { [stage]: { throttle: { rateRps: 1, burst: 10 } } },
      routes: { 'GET /items': {} },
    }, 'e2e.json'));
    const paths = [...Array.from({ length: 30 }, () => '/items'), '/nothing', '/nothing'];
    const { log, startWallMs, endWallMs } = await sendAll(emulator.stages[stage], paths);
    const statuses = Array.from(log.status);
    expect(statuses.filter((s) => s === unknown)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(19);

    const cw = await pullCloudWatch({
      source: 'emulator', apiType: type, apiName: emulator.apiName, apiId: emulator.apiId, stage, endpoint: emulator.cloudwatchEndpoint,
    }, { startWallMs, endWallMs }, clientMinutes(log, startWallMs));
    expect(cw.status, cw.reason).toBe('ok');
    expect(cw.reconciliation).toMatchObject({ clientRequests: 32, gatewayCount: 32, difference: 0, matched: true });
    const sum = (f: (m: (typeof cw.minutes)[number]) => number | null) => cw.minutes.reduce((n, m) => n + (f(m) ?? 0), 0);
    expect(sum((m) => m.gateway.error4xx)).toBe(statuses.filter((s) => s >= 400 && s < 500).length);
    expect(sum((m) => m.client.status429)).toBe(statuses.filter((s) => s === 429).length);
    expect(cw.reconciliation?.gatewayOverheadMs).not.toBeNull();
  });
});
