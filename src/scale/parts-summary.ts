/**
 * What the merged report says about the parts themselves: how evenly the work was split (sent
 * per part), how each kept its schedule (send-lag p99), its latency p99, and how late each
 * started after the shared time 0 (start skew). parts.json holds the table; the notes (shown by
 * every report) hold the summary line and one line per part.
 */
import type { LoadedPart } from './merge.ts';
import { formatSegment } from '../load/segment.ts';

export interface PartSummary {
  readonly part: string;
  readonly dir: string;
  readonly sent: number;
  readonly dropped: number;
  readonly startSkewMs: number;
  readonly sendLagP99Ms: number;
  readonly latencyP99Ms: number;
  readonly cpuMs: number | null;
  readonly interrupted: boolean;
  readonly sendLogComplete: boolean;
}

export function partsSummary(parts: readonly LoadedPart[], missing: readonly number[]): { parts: PartSummary[]; missing: string[] } {
  const count = parts[0]?.manifest.segment.count ?? 0;
  return {
    parts: parts.map(({ dir, manifest, result, complete }) => ({
      part: formatSegment(manifest.segment), dir, sent: result.totals.sent, dropped: result.totals.dropped,
      startSkewMs: round(manifest.startSkewMs), sendLagP99Ms: result.schedule.sendLagMs.p99, latencyP99Ms: result.latencyMs.p99,
      cpuMs: result.schedule.cpuMs ?? null, interrupted: result.interrupted, sendLogComplete: complete,
    })),
    missing: missing.map((i) => `${i}/${count}`),
  };
}

export function partsNotes(parts: readonly LoadedPart[], missing: readonly number[]): string[] {
  const { parts: rows, missing: gone } = partsSummary(parts, missing);
  const range = (values: number[], unit: string) => `${round(Math.min(...values))}-${round(Math.max(...values))}${unit}`;
  const head = `merged from ${rows.length} of ${rows.length + gone.length} parts: sent per part ${range(rows.map((r) => r.sent), '')}, ` +
    `start skew ${range(rows.map((r) => r.startSkewMs), ' ms')}, send-lag p99 ${range(rows.map((r) => r.sendLagP99Ms), ' ms')}, latency p99 ${range(rows.map((r) => r.latencyP99Ms), ' ms')}`;
  const lines = rows.map((r) => `part ${r.part}: sent ${r.sent}, dropped ${r.dropped}, start skew ${r.startSkewMs} ms, send-lag p99 ${r.sendLagP99Ms} ms, latency p99 ${r.latencyP99Ms} ms${r.interrupted ? ', interrupted' : ''}${r.sendLogComplete ? '' : ', send log cut short'}`);
  const missingLine = gone.length ? [`missing part${gone.length > 1 ? 's' : ''} ${gone.join(', ')}: the merged record does not hold their requests (--allow-partial)`] : [];
  return [...missingLine, head, ...lines];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
