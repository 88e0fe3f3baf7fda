/**
 * Exact latency figures over a window of seconds: decode each second's compressed histogram
 * (hdr-histogram-js, µs) and add them, as autocannon merges its workers. Counters are 64-bit,
 * since 8/16/32-bit ones overflow silently, and histograms with different precision are refused
 * rather than quietly merged at the coarser one (design.md "Pitfalls").
 */
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { LoadgateError } from '../errors.ts';
import type { TimelineRow } from '../result/schema.ts';

/** Which figure to read from the merged histogram: a percentile (0..100), the max or the mean. */
export type HistogramFigure = number | 'max' | 'mean';

/** The rows' latency histograms added into one (µs), or null when no row recorded anything. */
export function mergeRowHistograms(rows: readonly TimelineRow[]): Histogram | null {
  let acc: Histogram | null = null;
  for (const row of rows) {
    if (!row.latencyHistogram) continue;
    const h = decodeFromCompressedBase64(row.latencyHistogram, 64);
    if (h.totalCount === 0) continue;
    if (acc === null) {
      acc = build({
        bitBucketSize: 64,
        autoResize: true,
        lowestDiscernibleValue: 1,
        highestTrackableValue: Math.max(h.highestTrackableValue, 2),
        numberOfSignificantValueDigits: h.numberOfSignificantValueDigits as 1 | 2 | 3 | 4 | 5,
      });
    } else if (h.numberOfSignificantValueDigits !== acc.numberOfSignificantValueDigits) {
      throw new LoadgateError('CONFIG', `result.json: timeline second ${row.second}: latency histogram settings differ from the other seconds' (cannot merge exactly)`);
    }
    acc.add(h);
  }
  return acc;
}

function figureUs(h: Histogram, figure: HistogramFigure): number {
  return figure === 'max' ? h.maxValue : figure === 'mean' ? h.mean : h.getValueAtPercentile(figure);
}

/** One figure, in ms, of a whole-run compressed histogram (µs); null when it is empty. */
export function histogramFigure(encoded: string, figure: HistogramFigure): number | null {
  if (!encoded) return null;
  const h = decodeFromCompressedBase64(encoded, 64);
  return h.totalCount === 0 ? null : figureUs(h, figure) / 1000;
}

/** One figure, in ms, of the rows' merged latency histogram; null when the window holds no response. */
export function mergeWindowHistogram(rows: readonly TimelineRow[], figure: HistogramFigure): number | null {
  const h = mergeRowHistograms(rows);
  if (h === null) return null;
  return figureUs(h, figure) / 1000;
}
