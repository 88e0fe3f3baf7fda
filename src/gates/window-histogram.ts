/**
 * Exact latency figures over a window of seconds: each second's compressed histogram (µs) is
 * decoded and added with record/histograms.ts, which holds loadgate's one histogram
 * configuration (64-bit counters) and refuses to merge any other, as autocannon merges its
 * workers. A percentile of the merged histogram is exact, not an average of per-second p99s.
 */
import type { Histogram } from 'hdr-histogram-js';
import { decodeHistogram, mergeEncoded } from '../record/histograms.ts';
import type { TimelineRow } from '../result/schema.ts';

/** Which figure to read: a percentile (0..100), the max or the mean. */
export type HistogramFigure = number | 'max' | 'mean';

function figureMs(h: Histogram, figure: HistogramFigure): number | null {
  if (h.totalCount === 0) return null;
  const us = figure === 'max' ? h.maxValue : figure === 'mean' ? h.mean : h.getValueAtPercentile(figure);
  return us / 1000;
}

/** One figure, in ms, of a whole-run compressed histogram (µs); null when it is empty. */
export function histogramFigure(encoded: string, figure: HistogramFigure): number | null {
  return encoded ? figureMs(decodeHistogram(encoded, 'result.json histograms'), figure) : null;
}

/** One figure, in ms, of the rows' merged latency histograms; null when the window holds no response. */
export function mergeWindowHistogram(rows: readonly TimelineRow[], figure: HistogramFigure): number | null {
  return figureMs(mergeEncoded(rows.map((r) => r.latencyHistogram).filter((h) => h.length > 0)), figure);
}
