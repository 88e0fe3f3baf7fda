/**
 * The exact merge of the parts of a split run into one record (docs/scale-out.md): counts are
 * summed, HDR histograms added at the one configuration (record/histograms.ts), per-second rows
 * added second by second, and the send logs interleaved in send order on the shared time axis.
 * Nothing here is rounded or sampled: the merged counts are the parts' counts, to the request.
 *
 *   part 0 log:  ●   ●     ●        each part's times are ms since ITS run time 0, which fell
 *   part 1 log:    ●    ●     ●     startSkewMs after the shared T. Sent and end times move by
 *   merged:      ● ● ●  ● ●   ● ●   that skew onto T's axis (the replay needs one clock);
 *                                   intended times stay as the schedule gave them.
 */
import type { SendLogHeader } from '../record/send-log-file.ts';
import { emptySendLog } from '../record/send-log-builder.ts';
import type { SendLog } from '../record/send-log.ts';
import { addHistogram, decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, percentilesMs, recordMs, type Histogram } from '../record/histograms.ts';
import { allRequestsLatency } from '../record/all-requests.ts';
import type { Measurement } from '../record/recorder.ts';
import type { RouteStats, RunResult, TimelineRow, Totals } from '../result/schema.ts';
import type { PartManifest } from './part-file.ts';
import { globalArrivalIndex } from '../load/segment.ts';

/** One part as read back from its folder. */
export interface LoadedPart {
  readonly dir: string;
  readonly manifest: PartManifest;
  readonly result: RunResult;
  readonly log: SendLog;
  readonly header: SendLogHeader;
  /** False when the part's send log lacks its end mark (the part was killed). */
  readonly complete: boolean;
}

export interface MergedRecord extends Measurement {
  /** Every part's rows, global arrival indices, on the shared time axis, in send order. */
  readonly sendLog: SendLog;
}

/** The whole merged measurement. `requestNames` by requestIndex, as the scenario lists them. */
export function mergeParts(parts: readonly LoadedPart[], requestNames: readonly string[]): MergedRecord {
  const results = parts.map((p) => p.result);
  const totals = sumTotals(results.map((r) => r.totals));
  const latency = mergeEncoded(results.map((r) => r.histograms.latencyUs));
  const service = mergeEncoded(results.map((r) => r.histograms.serviceTimeUs));
  const sendLag = mergeEncoded(results.map((r) => r.histograms.sendLagUs));
  const latencyAll = mergeEncoded(results.map((r) => r.histograms.latencyAllUs ?? r.histograms.latencyUs));
  return {
    totals,
    latencyMs: percentilesMs(latency),
    serviceTimeMs: percentilesMs(service),
    latencyAllMs: allRequestsLatency(latencyAll, totals.dropped + totals.unfinished),
    histograms: { latencyUs: encodeHistogram(latency), serviceTimeUs: encodeHistogram(service), sendLagUs: encodeHistogram(sendLag), latencyAllUs: encodeHistogram(latencyAll) },
    timeline: mergeTimelines(results.map((r) => r.timeline)),
    routes: mergeRoutes(parts, requestNames),
    sendLog: mergeSendLogs(parts),
  };
}

export function sumTotals(all: readonly Totals[]): Totals {
  const sum = (pick: (t: Totals) => number) => all.reduce((s, t) => s + pick(t), 0);
  const byStatus: Record<string, number> = {};
  for (const t of all) for (const [status, n] of Object.entries(t.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
  const sorted = Object.fromEntries(Object.entries(byStatus).sort((a, b) => Number(a[0]) - Number(b[0])));
  return {
    scheduled: sum((t) => t.scheduled), sent: sum((t) => t.sent), dropped: sum((t) => t.dropped), completed: sum((t) => t.completed),
    errors: sum((t) => t.errors), unfinished: sum((t) => t.unfinished), byStatus: sorted,
    errorsByKind: {
      refused: sum((t) => t.errorsByKind.refused), reset: sum((t) => t.errorsByKind.reset), timeout: sum((t) => t.errorsByKind.timeout),
      dns: sum((t) => t.errorsByKind.dns), tls: sum((t) => t.errorsByKind.tls), other: sum((t) => t.errorsByKind.other),
    },
    status429ByOrigin: { throttle: sum((t) => t.status429ByOrigin.throttle), quota: sum((t) => t.status429ByOrigin.quota), other: sum((t) => t.status429ByOrigin.other) },
  };
}

const ROW_COUNTS = ['scheduled', 'sent', 'dropped', 'ok', 'throttled', 'status429Other', 'clientErrors', 'serverErrors', 'errors'] as const;

/** Second k of every part added into second k (each part's second k starts at T + k s + its skew). */
export function mergeTimelines(timelines: readonly (readonly TimelineRow[])[]): TimelineRow[] {
  const seconds = Math.max(0, ...timelines.map((t) => t.length));
  const rows: TimelineRow[] = [];
  for (let s = 0; s < seconds; s++) {
    const counts = Object.fromEntries(ROW_COUNTS.map((k) => [k, 0])) as Record<(typeof ROW_COUNTS)[number], number>;
    const histogram = newHistogram();
    for (const timeline of timelines) {
      const row = timeline[s];
      if (!row) continue;
      for (const k of ROW_COUNTS) counts[k] += row[k];
      addHistogram(histogram, decodeHistogram(row.latencyHistogram, `timeline second ${s}`));
    }
    const p = percentilesMs(histogram);
    rows.push({ second: s, ...counts, p50Ms: p.p50, p99Ms: p.p99, latencyHistogram: encodeHistogram(histogram) });
  }
  return rows;
}

/**
 * Per-route stats rebuilt from each part's own send log (its latency from the intended time,
 * as the part's recorder took it, on the part's own clock), then added by route name.
 */
function mergeRoutes(parts: readonly LoadedPart[], requestNames: readonly string[]): RouteStats[] {
  const byName = new Map<string, { sent: number; errors: number; byStatus: Map<number, number>; latency: Histogram }>();
  for (const { log } of parts) {
    for (let i = 0; i < log.count; i++) {
      const r = log.requestIndex[i]!;
      const name = requestNames[r] ?? `request ${r}`;
      let into = byName.get(name);
      if (!into) byName.set(name, (into = { sent: 0, errors: 0, byStatus: new Map(), latency: newHistogram() }));
      into.sent++;
      const endMs = log.endMs[i]!;
      if (Number.isNaN(endMs)) continue;
      const status = log.status[i]!;
      if (status === 0) {
        into.errors++;
        continue;
      }
      into.byStatus.set(status, (into.byStatus.get(status) ?? 0) + 1);
      recordMs(into.latency, endMs - log.intendedMs[i]!);
    }
  }
  return [...byName].map(([route, r]) => ({
    route, sent: r.sent, errors: r.errors, latencyMs: percentilesMs(r.latency),
    byStatus: Object.fromEntries([...r.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n])),
  }));
}

/** The parts' send logs as one, in send order on the shared axis (a k-way merge: each log is in send order). */
export function mergeSendLogs(parts: readonly LoadedPart[]): SendLog {
  const total = parts.reduce((s, p) => s + p.log.count, 0);
  const out = emptySendLog(total);
  const next = parts.map(() => 0);
  const shiftMs = parts.map((p) => p.manifest.startSkewMs);
  for (let row = 0; row < total; row++) {
    let best = -1;
    let bestMs = Infinity;
    for (let k = 0; k < parts.length; k++) {
      const i = next[k]!;
      if (i >= parts[k]!.log.count) continue;
      const atMs = parts[k]!.log.sentMs[i]! + shiftMs[k]!;
      if (best < 0 || atMs < bestMs) [best, bestMs] = [k, atMs];
    }
    const { log, manifest } = parts[best]!;
    const i = next[best]!++;
    out.arrivalIndex[row] = globalArrivalIndex(log.arrivalIndex[i]!, manifest.segment);
    out.intendedMs[row] = log.intendedMs[i]!;
    out.sentMs[row] = bestMs;
    out.endMs[row] = log.endMs[i]! + shiftMs[best]!;
    out.status[row] = log.status[i]!;
    out.origin[row] = log.origin[i]!;
    out.requestIndex[row] = log.requestIndex[i]!;
  }
  out.count = total;
  return out;
}
