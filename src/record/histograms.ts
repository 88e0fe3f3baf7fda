/**
 * The one histogram configuration of loadgate, and its encode / decode / exact merge.
 *
 * hdr-histogram-js records integers, so every histogram holds MICROSECONDS (values in ms are
 * converted at the edges: recordMs, percentilesMs). One configuration everywhere: lowest 1 µs,
 * 3 significant digits, 64-bit counters (the 8/16/32-bit ones overflow silently), auto-resize.
 * Decoding takes the bucket size from the caller, not from the encoding, and add() of
 * mismatched settings falls back to the coarser one: so decode and merge check the settings
 * and throw instead of losing precision silently (autocannon histUtil.js, with fixed units).
 */
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { LoadgateError } from '../errors.ts';
import type { Percentiles } from '../result/schema.ts';

export type { Histogram } from 'hdr-histogram-js';

/** The settings every loadgate histogram has. */
export const HISTOGRAM_SETTINGS = Object.freeze({
  lowestDiscernibleValue: 1,
  /** Initial range (10 s in µs), kept small because per-second histograms are many; auto-resize grows it. */
  highestTrackableValue: 10_000_000,
  numberOfSignificantValueDigits: 3 as const,
  bitBucketSize: 64 as const,
  autoResize: true,
});

/** An empty histogram in the one configuration (µs). */
export function newHistogram(): Histogram {
  return hdr.build({ ...HISTOGRAM_SETTINGS, useWebAssembly: false });
}

/** Records a duration given in ms (negative clamps to 0), as whole µs. */
export function recordMs(histogram: Histogram, valueMs: number): void {
  histogram.recordValue(valueMs > 0 ? Math.round(valueMs * 1000) : 0);
}

/** hdr-histogram-js compressed base64 (the encoding result.json stores). */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

function assertSettings(histogram: Histogram, what: string): void {
  const ok =
    histogram.numberOfSignificantValueDigits === HISTOGRAM_SETTINGS.numberOfSignificantValueDigits &&
    histogram instanceof hdr.Float64Histogram &&
    (histogram as hdr.JsHistogram).lowestDiscernibleValue === HISTOGRAM_SETTINGS.lowestDiscernibleValue;
  if (!ok) {
    throw new LoadgateError(
      'CONFIG',
      `${what}: histogram settings differ from loadgate's (expected 1 µs lowest value, 3 significant digits, 64-bit counts; got ${String(histogram.numberOfSignificantValueDigits)} digits)`,
    );
  }
}

/** Decodes compressed base64 into the one configuration; throws when it was encoded with other settings. */
export function decodeHistogram(encoded: string, what = 'histogram'): Histogram {
  let histogram: Histogram;
  try {
    histogram = hdr.decodeFromCompressedBase64(encoded, HISTOGRAM_SETTINGS.bitBucketSize, false);
  } catch (err) {
    throw new LoadgateError('CONFIG', `${what}: not a valid compressed hdr histogram (${(err as Error).message})`);
  }
  assertSettings(histogram, what);
  histogram.autoResize = true;
  return histogram;
}

/** Adds `from` into `into` exactly; throws when either is not in the one configuration. */
export function addHistogram(into: Histogram, from: Histogram): void {
  assertSettings(into, 'merge target');
  assertSettings(from, 'merged histogram');
  into.add(from);
}

/** Decodes and adds several encoded histograms into a fresh one. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const total = newHistogram();
  for (const [i, text] of encoded.entries()) addHistogram(total, decodeHistogram(text, `histogram ${i}`));
  return total;
}

const US_PER_MS = 1000;

/** The schema's Percentiles (ms) of a µs histogram; all zero when empty. */
export function percentilesMs(histogram: Histogram): Percentiles {
  const count = histogram.totalCount;
  if (count === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  const at = (p: number): number => histogram.getValueAtPercentile(p) / US_PER_MS;
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    // Not maxValue: it is exact when live but a bucket bound once decoded; this agrees both ways.
    max: at(100),
    mean: meanUs(histogram as hdr.JsHistogram) / US_PER_MS,
    count,
  };
}

/**
 * hdr's `mean`, in one pass over the counts: the library's getter walks an iterator that does a
 * page of work per bucket, and a run's progress tick, which takes the percentiles of several
 * histograms, held the loop 10-20 ms at each second (docs/engine.md "Send lag on a quiet machine").
 * The same products summed in the same order, so the same value (test/record/histograms.test.ts).
 */
function meanUs(histogram: hdr.JsHistogram): number {
  const total = histogram.totalCount;
  if (total === 0) return 0;
  let sum = 0;
  for (let i = 0, n = histogram.countsArrayLength; i < n; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count !== 0) sum += histogram.medianEquivalentValue(histogram.valueFromIndex(i)) * count;
  }
  return sum / total;
}
