import { describe, expect, it } from 'vitest';
import { clientMinutes, reconcile, type GatewayMinute } from '../../src/aws/reconcile.ts';
import { ORIGIN, type SendLog } from '../../src/record/send-log.ts';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const MIN = 60_000;

/** A send log from [sentMs, endMs, status] rows (ms since run start). */
function logOf(rows: readonly (readonly [number, number, number])[]): SendLog {
  return {
    count: rows.length,
    arrivalIndex: Uint32Array.from(rows.map((_, i) => i)),
    intendedMs: Float64Array.from(rows.map((r) => r[0])),
    sentMs: Float64Array.from(rows.map((r) => r[0])),
    endMs: Float64Array.from(rows.map((r) => r[1])),
    status: Uint16Array.from(rows.map((r) => r[2])),
    origin: Uint8Array.from(rows.map((r) => (r[2] === 429 ? ORIGIN.THROTTLE : ORIGIN.NONE))),
    requestIndex: new Uint16Array(rows.length),
  };
}

function gw(minute: number, count: number, extra: Partial<GatewayMinute> = {}): GatewayMinute {
  return {
    minuteStartWallMs: T0 + minute * MIN, count, error4xx: 0, error5xx: 0, latencyAvgMs: 10, latencyP50Ms: 9,
    latencyP90Ms: 12, latencyP99Ms: 20, integrationLatencyAvgMs: 7, integrationLatencyCount: count, ...extra,
  };
}

describe('clientMinutes', () => {
  it('bins by send time and splits 4xx, 429 and 5xx; errors are counted apart', () => {
    // run starts 30 s into minute 0
    const log = logOf([
      [0, 10, 200], [1_000, 1_020, 429], [2_000, 2_005, 404], [29_000, 29_030, 503],
      [31_000, 31_010, 200], [40_000, NaN, 0], [45_000, 45_100, 0],
    ]);
    const c = clientMinutes(log, T0 + 30_000);
    expect(c.noResponse).toBe(2);
    expect(c.minutes.map((m) => [m.minuteStartWallMs - T0, m.requests, m.status4xx, m.status429, m.status5xx])).toEqual([
      [0, 4, 2, 1, 1],
      [MIN, 1, 0, 0, 0],
      [2 * MIN, 0, 0, 0, 0], // only the unfinished request's flight reaches it
    ]);
    expect(c.minutes[0].latencySumMs).toBe(10 + 20 + 5 + 30);
  });

  it('counts what was in flight across each minute boundary', () => {
    const log = logOf([
      [59_990, 60_010, 200], // crosses 12:01
      [59_995, 60_020, 200], // crosses 12:01
      [59_000, 59_500, 200], // does not
      [60_500, 60_700, 200],
      [61_000, 185_000, 504], // crosses 12:02 and 12:03
    ]);
    const c = clientMinutes(log, T0, { clockSkewMs: 0 });
    expect(c.minutes.map((m) => m.inFlightAtStart)).toEqual([0, 2, 1, 1]);
  });
});

describe('reconcile', () => {
  it('matches when every total agrees, and reports gateway overhead', () => {
    const c = clientMinutes(logOf([[0, 10, 200], [10, 20, 429], [MIN + 5, MIN + 9, 200]]), T0);
    const r = reconcile(c, [gw(0, 2, { integrationLatencyCount: 1, latencyAvgMs: 6, integrationLatencyAvgMs: 5 }), gw(1, 1, { latencyAvgMs: 9, integrationLatencyAvgMs: 5 })], T0, T0 + 2 * MIN);
    expect(r.reconciliation).toEqual({ clientRequests: 3, gatewayCount: 3, difference: 0, explainedByInFlight: 0, matched: true, gatewayOverheadMs: 2 });
    expect(r.minutes.map((m) => [m.client.requests, m.client.status429, m.gateway.count, m.countDiff])).toEqual([[2, 1, 2, 0], [1, 0, 1, 0]]);
    expect(r.minutes[0].minuteIso).toBe('2025-01-15T12:00:00.000Z');
    expect(r.minutes[0].client.latencyAvgMs).toBe(10);
  });

  it('shows a per-minute shift within the in-flight bound as such, not as a loss', () => {
    // 3 requests sent just before 12:01 and answered after it: the gateway received one after 12:01
    const c = clientMinutes(logOf([[59_990, 60_010, 200], [59_991, 60_011, 200], [59_992, 60_012, 200], [70_000, 70_010, 200]]), T0);
    const r = reconcile(c, [gw(0, 2), gw(1, 2)], T0, T0 + 2 * MIN);
    expect(r.minutes.map((m) => [m.countDiff, m.inFlightAtBoundary])).toEqual([[-1, 3], [1, 3]]);
    expect(r.reconciliation).toMatchObject({ difference: 0, explainedByInFlight: 2, matched: true });
  });

  it('does not explain a shift larger than what was in flight', () => {
    const c = clientMinutes(logOf([[59_990, 60_010, 200], [30_000, 30_010, 200], [30_001, 30_010, 200], [70_000, 70_010, 200]]), T0);
    const r = reconcile(c, [gw(0, 1), gw(1, 3)], T0, T0 + 2 * MIN);
    expect(r.minutes.map((m) => [m.countDiff, m.inFlightAtBoundary])).toEqual([[-2, 1], [2, 1]]);
    expect(r.reconciliation).toMatchObject({ difference: 0, explainedByInFlight: 0, matched: false });
  });

  it('reports a lost request as a total difference, and a minute CloudWatch never reported as null', () => {
    const c = clientMinutes(logOf([[0, 5, 200], [1, 6, 200], [MIN + 1, MIN + 4, 500]]), T0);
    const r = reconcile(c, [gw(0, 1)], T0, T0 + 2 * MIN);
    expect(r.reconciliation).toMatchObject({ clientRequests: 3, gatewayCount: 1, difference: -2, matched: false });
    expect(r.minutes[1]).toMatchObject({ countDiff: null, gateway: { count: null, latencyAvgMs: null }, client: { requests: 1, status5xx: 1 } });
  });

  it('gives no overhead when the gateway reported no IntegrationLatency', () => {
    const c = clientMinutes(logOf([[0, 5, 429]]), T0);
    const r = reconcile(c, [gw(0, 1, { integrationLatencyAvgMs: null, integrationLatencyCount: null })], T0, T0 + MIN);
    expect(r.reconciliation.gatewayOverheadMs).toBeNull();
    expect(r.reconciliation.matched).toBe(true);
  });
});
