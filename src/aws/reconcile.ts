/**
 * Client vs gateway, minute by minute (docs/architecture.md "When CloudWatch is pulled"). The client bins
 * its requests by SEND time; the gateway bins them by RECEIVE time. A request in flight across a
 * minute boundary may land on either side of it, so a per-minute difference no larger than what
 * was in flight across that minute's two boundaries is a shift, not a loss. Totals over the
 * window must match exactly.
 *
 *   client  |--- minute m ---|--- minute m+1 ---|
 *                      s====|====e        a request sent in m, answered in m+1: the gateway
 *                           B             may count it in m or in m+1 (inFlightAtStart of m+1)
 */
import type { CloudWatchMinute, CloudWatchSection } from '../result/schema.ts';
import type { SendLog } from '../record/send-log.ts';

const MINUTE_MS = 60_000;

/** One wall-clock minute of what the client sent, by send time. */
export interface ClientMinute {
  /** Start of the minute, epoch ms. */
  readonly minuteStartWallMs: number;
  /** Requests sent in this minute that got an HTTP response (what a gateway can count). */
  readonly requests: number;
  /** 4xx responses, 429 included (as in 4XXError / 4xx). */
  readonly status4xx: number;
  readonly status429: number;
  readonly status5xx: number;
  /** Sum of service times (send to response) of those responses. */
  readonly latencySumMs: number;
  /** Requests sent before this minute's start and not yet answered at it. */
  readonly inFlightAtStart: number;
}

/** What reconciliation needs from the client side of a run: contiguous minutes, oldest first. */
export interface ClientSideMinutes {
  readonly minutes: readonly ClientMinute[];
  /** Requests sent that never got an HTTP response (network errors, timeouts, unfinished). */
  readonly noResponse: number;
}

/** Options of clientMinutes. */
export interface ClientMinutesOptions {
  /** Widens each request's flight by this much on both sides, for the gap between the client's
   *  wall clock and the gateway's (Date.now has 1 ms steps). @default 2 */
  readonly clockSkewMs?: number;
}

type MutableMinute = { -readonly [K in keyof ClientMinute]: ClientMinute[K] };

/** Bins a run's send log into wall-clock minutes; `startWallMs` is the wall time of run time 0. */
export function clientMinutes(log: SendLog, startWallMs: number, opts: ClientMinutesOptions = {}): ClientSideMinutes {
  const skewMs = opts.clockSkewMs ?? 2;
  if (log.count === 0) return { minutes: [], noResponse: 0 };
  const firstMs = floorMinute(startWallMs + log.sentMs[0]);
  const lastMs = floorMinute(startWallMs + log.sentMs[log.count - 1]);
  const minutes: MutableMinute[] = [];
  const at = (minuteMs: number): MutableMinute => {
    const i = (minuteMs - firstMs) / MINUTE_MS;
    while (minutes.length <= i) {
      minutes.push({ minuteStartWallMs: firstMs + minutes.length * MINUTE_MS, requests: 0, status4xx: 0, status429: 0, status5xx: 0, latencySumMs: 0, inFlightAtStart: 0 });
    }
    return minutes[i];
  };
  at(lastMs);
  let noResponse = 0;
  for (let i = 0; i < log.count; i++) {
    const sentWallMs = startWallMs + log.sentMs[i];
    const endMs = log.endMs[i];
    const status = log.status[i];
    const row = at(floorMinute(sentWallMs));
    if (status === 0) noResponse += 1;
    else {
      row.requests += 1;
      if (status >= 400 && status < 500) row.status4xx += 1;
      if (status === 429) row.status429 += 1;
      if (status >= 500 && status < 600) row.status5xx += 1;
      row.latencySumMs += endMs - log.sentMs[i];
    }
    // Unfinished requests stay in flight up to the end of the last minute of the run.
    const endWallMs = Number.isNaN(endMs) ? lastMs + MINUTE_MS : startWallMs + endMs;
    const firstBoundaryMs = Math.max(firstMs, floorMinute(sentWallMs - skewMs) + MINUTE_MS);
    for (let b = firstBoundaryMs; b <= endWallMs + skewMs; b += MINUTE_MS) at(b).inFlightAtStart += 1;
  }
  return { minutes, noResponse };
}

type GatewayFigures = CloudWatchMinute['gateway'];

/** One minute as CloudWatch reported it (null where it had no datapoint), with what reconciling needs. */
export interface GatewayMinute extends GatewayFigures {
  readonly minuteStartWallMs: number;
  /** SampleCount of IntegrationLatency (throttled requests have none). */
  readonly integrationLatencyCount: number | null;
}

/** The reconciled minutes and totals of a CloudWatch section. */
export interface Reconciled {
  readonly minutes: readonly CloudWatchMinute[];
  readonly reconciliation: NonNullable<CloudWatchSection['reconciliation']>;
}

/**
 * Puts client and gateway minutes side by side over [fromMs, toMs) (whole minutes) and adds them
 * up. `matched` = totals equal and every minute's difference within its in-flight bound.
 */
export function reconcile(client: ClientSideMinutes, gateway: readonly GatewayMinute[], fromMs: number, toMs: number): Reconciled {
  const clientBy = new Map(client.minutes.map((m) => [m.minuteStartWallMs, m]));
  const gatewayBy = new Map(gateway.map((g) => [g.minuteStartWallMs, g]));
  const minutes: CloudWatchMinute[] = [];
  let clientRequests = 0;
  let gatewayCount = 0;
  let explained = 0;
  let allWithin = true;
  for (let m = floorMinute(fromMs); m < toMs; m += MINUTE_MS) {
    const c = clientBy.get(m);
    const g = gatewayBy.get(m);
    if (!c && !g) continue;
    const inFlight = (c?.inFlightAtStart ?? 0) + (clientBy.get(m + MINUTE_MS)?.inFlightAtStart ?? 0);
    const requests = c?.requests ?? 0;
    const diff = (g?.count ?? 0) - requests;
    if (Math.abs(diff) <= inFlight) explained += Math.abs(diff);
    else allWithin = false;
    clientRequests += requests;
    gatewayCount += g?.count ?? 0;
    minutes.push(minuteRow(m, c, g, inFlight));
  }
  const difference = gatewayCount - clientRequests;
  return {
    minutes,
    reconciliation: {
      clientRequests, gatewayCount, difference,
      explainedByInFlight: explained,
      matched: difference === 0 && allWithin,
      gatewayOverheadMs: overheadMs(gateway.filter((g) => g.minuteStartWallMs >= floorMinute(fromMs) && g.minuteStartWallMs < toMs)),
    },
  };
}

function minuteRow(m: number, c: ClientMinute | undefined, g: GatewayMinute | undefined, inFlight: number): CloudWatchMinute {
  const requests = c?.requests ?? 0;
  return {
    minuteIso: new Date(m).toISOString(),
    client: {
      requests,
      status4xx: c?.status4xx ?? 0,
      status429: c?.status429 ?? 0,
      status5xx: c?.status5xx ?? 0,
      latencyAvgMs: c && requests > 0 ? c.latencySumMs / requests : null,
    },
    gateway: {
      count: g?.count ?? null,
      error4xx: g?.error4xx ?? null,
      error5xx: g?.error5xx ?? null,
      latencyAvgMs: g?.latencyAvgMs ?? null,
      latencyP50Ms: g?.latencyP50Ms ?? null,
      latencyP90Ms: g?.latencyP90Ms ?? null,
      latencyP99Ms: g?.latencyP99Ms ?? null,
      integrationLatencyAvgMs: g?.integrationLatencyAvgMs ?? null,
    },
    countDiff: g?.count == null ? null : g.count - requests,
    inFlightAtBoundary: inFlight,
  };
}

/**
 * Window-wide Latency average (weighted by Count) minus IntegrationLatency average (weighted by
 * its SampleCount): the time the gateway itself added. Throttled and rejected requests have a
 * Latency but no IntegrationLatency, so with many of them this understates the overhead of
 * requests that did reach the integration.
 */
function overheadMs(gateway: readonly GatewayMinute[]): number | null {
  let latSum = 0, latN = 0, intSum = 0, intN = 0;
  for (const g of gateway) {
    if (g.latencyAvgMs !== null && g.count) { latSum += g.latencyAvgMs * g.count; latN += g.count; }
    if (g.integrationLatencyAvgMs !== null && g.integrationLatencyCount) {
      intSum += g.integrationLatencyAvgMs * g.integrationLatencyCount;
      intN += g.integrationLatencyCount;
    }
  }
  return latN > 0 && intN > 0 ? latSum / latN - intSum / intN : null;
}

function floorMinute(wallMs: number): number {
  return Math.floor(wallMs / MINUTE_MS) * MINUTE_MS;
}
