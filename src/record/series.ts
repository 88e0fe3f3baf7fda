/**
 * Per-second rows of a run (TimelineRow in result/schema.ts). A row is keyed by send time
 * (dropped arrivals and `scheduled` by intended time). Each row has its own latency histogram;
 * once a second is over and none of its requests is still in flight, the histogram is encoded
 * and freed, so memory holds only the seconds with requests outstanding, however long the run.
 */
import type { TimelineRow } from '../result/schema.ts';
import { decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, percentilesMs, recordMs, type Histogram } from './histograms.ts';

/** How a settled request counts in its second. */
export type SecondOutcome = 'ok' | 'throttled' | 'status429Other' | 'clientErrors' | 'serverErrors' | 'errors';

class SecondRow {
  scheduled = 0;
  sent = 0;
  dropped = 0;
  ok = 0;
  throttled = 0;
  status429Other = 0;
  clientErrors = 0;
  serverErrors = 0;
  errors = 0;
  /** Sent in this second and not settled yet. */
  pending = 0;
  histogram: Histogram | undefined;
  encoded: { readonly text: string; readonly p50Ms: number; readonly p99Ms: number } | undefined;
}

let emptyEncoded: string | undefined;

/**
 * Histograms of closed seconds, reset for the next ones: each is ~120 KB of counts that would
 * otherwise be freed only at V8's next full GC, so RSS grew by a second's worth every second.
 */
const spareHistograms: Histogram[] = [];
const SPARE_HISTOGRAMS_MAX = 8;

function secondHistogram(): Histogram {
  return spareHistograms.pop() ?? newHistogram();
}

/** Second index of a time in ms since run start. */
export function secondOf(atMs: number): number {
  return atMs > 0 ? Math.floor(atMs / 1000) : 0;
}

/** The growing per-second series. */
export class Timeline {
  readonly #rows: SecondRow[] = [];

  #row(second: number): SecondRow {
    while (this.#rows.length <= second) this.#rows.push(new SecondRow());
    return this.#rows[second];
  }

  /** An arrival came due and was sent. */
  sent(intendedMs: number, sentMs: number): void {
    this.#row(secondOf(intendedMs)).scheduled++;
    const row = this.#row(secondOf(sentMs));
    row.sent++;
    row.pending++;
  }

  /** An arrival came due and was dropped. */
  dropped(intendedMs: number): void {
    const row = this.#row(secondOf(intendedMs));
    row.scheduled++;
    row.dropped++;
  }

  /** A request sent at `sentMs` settled; `latencyMs` is recorded for HTTP responses only. */
  settled(sentMs: number, outcome: SecondOutcome, latencyMs: number | undefined): void {
    const row = this.#row(secondOf(sentMs));
    row[outcome]++;
    row.pending--;
    if (latencyMs === undefined) return;
    if (!row.histogram) row.histogram = row.encoded ? decodeHistogram(row.encoded.text) : secondHistogram();
    row.encoded = undefined;
    recordMs(row.histogram, latencyMs);
  }

  /** Encodes and frees the histograms of seconds before `currentSecond` with nothing in flight. */
  closeSettled(currentSecond: number): void {
    while (this.closeOneSettled(currentSecond));
  }

  /** Encodes and frees the oldest such histogram; false when there is none. */
  closeOneSettled(currentSecond: number): boolean {
    const end = Math.min(currentSecond, this.#rows.length);
    for (let s = 0; s < end; s++) {
      const row = this.#rows[s];
      if (row.pending === 0 && row.histogram) {
        this.#close(row);
        return true;
      }
    }
    return false;
  }

  /** Seconds whose histogram is still held in memory (~120 KB each) rather than encoded. */
  get openHistograms(): number {
    let open = 0;
    for (const row of this.#rows) if (row.histogram) open++;
    return open;
  }

  #close(row: SecondRow): void {
    if (!row.histogram) {
      emptyEncoded ??= encodeHistogram(newHistogram());
      row.encoded = { text: emptyEncoded, p50Ms: 0, p99Ms: 0 };
      return;
    }
    const histogram = row.histogram;
    const p = percentilesMs(histogram);
    row.encoded = { text: encodeHistogram(histogram), p50Ms: p.p50, p99Ms: p.p99 };
    row.histogram = undefined;
    if (spareHistograms.length < SPARE_HISTOGRAMS_MAX) {
      histogram.reset();
      spareHistograms.push(histogram);
    }
  }

  /** Seconds before the returned one are settled: over, with every request sent in them answered. */
  settledBefore(currentSecond: number): number {
    const end = Math.min(currentSecond, this.#rows.length);
    for (let s = 0; s < end; s++) if (this.#rows[s].pending > 0) return s;
    return currentSecond;
  }

  /** The rows as result.json stores them, at least `minSeconds` of them (empty seconds included). */
  rows(minSeconds: number): TimelineRow[] {
    while (this.#rows.length < minSeconds) this.#rows.push(new SecondRow());
    return this.#rows.map((row, second) => {
      if (!row.encoded) this.#close(row);
      const { text, p50Ms, p99Ms } = row.encoded ?? { text: '', p50Ms: 0, p99Ms: 0 };
      const { scheduled, sent, dropped, ok, throttled, status429Other, clientErrors, serverErrors, errors } = row;
      return {
        second, scheduled, sent, dropped, ok, throttled, status429Other, clientErrors, serverErrors, errors,
        p50Ms, p99Ms, latencyHistogram: text,
      };
    });
  }
}

const COUNTS = ['scheduled', 'sent', 'dropped', 'ok', 'throttled', 'status429Other', 'clientErrors', 'serverErrors', 'errors'] as const;

/** Two series of the same run added second by second (two requests sharing a route name); histograms merged exactly. */
export function addTimelineRows(a: readonly TimelineRow[], b: readonly TimelineRow[]): TimelineRow[] {
  const out: TimelineRow[] = [];
  for (let second = 0; second < Math.max(a.length, b.length); second++) {
    const x = a[second];
    const y = b[second];
    if (!x || !y) {
      out.push((x ?? y)!);
      continue;
    }
    const counts = Object.fromEntries(COUNTS.map((k) => [k, x[k] + y[k]])) as Record<(typeof COUNTS)[number], number>;
    const merged = x.latencyHistogram && y.latencyHistogram ? mergeEncoded([x.latencyHistogram, y.latencyHistogram]) : undefined;
    const only = x.latencyHistogram ? x : y;
    const p = merged ? percentilesMs(merged) : { p50: only.p50Ms, p99: only.p99Ms };
    out.push({ second, ...counts, p50Ms: p.p50, p99Ms: p.p99, latencyHistogram: merged ? encodeHistogram(merged) : only.latencyHistogram });
  }
  return out;
}
