/**
 * The two kinds of per-minute aggregate the metric store keeps. Both answer CloudWatch's
 * statistics (Sum, SampleCount, Average, Minimum, Maximum, pNN) for one metric in one cell; both
 * merge, so coarser dimension sets and longer periods are built at query time from the finest
 * cells. Memory is per cell, never per request.
 */
import { build, type Histogram } from 'hdr-histogram-js';

/** The statistics CloudWatch can ask for, already parsed: a named one or a percentile (0..100). */
export type Statistic =
  | { readonly kind: 'Sum' | 'SampleCount' | 'Average' | 'Minimum' | 'Maximum' }
  | { readonly kind: 'percentile'; readonly p: number };

/** What every aggregate offers: record elsewhere, merge and read here. */
export interface Aggregate {
  readonly sampleCount: number;
  /** The statistic's value, or null when there is no sample. */
  statistic(stat: Statistic): number | null;
}

/**
 * A metric whose every datapoint is 0 or 1 (Count, 4XXError, 5XXError, CacheHitCount, ...).
 * Exact for every statistic, percentiles included: with n samples of which `ones` are 1, the
 * value at rank ceil(p/100 * n) is 1 exactly when that rank is past the n - ones zeros.
 */
export class Flags implements Aggregate {
  sampleCount = 0;
  ones = 0;

  add(isOne: boolean): void {
    this.sampleCount += 1;
    if (isOne) this.ones += 1;
  }

  merge(other: Flags): void {
    this.sampleCount += other.sampleCount;
    this.ones += other.ones;
  }

  statistic(stat: Statistic): number | null {
    const n = this.sampleCount;
    if (n === 0) return null;
    switch (stat.kind) {
      case 'Sum': return this.ones;
      case 'SampleCount': return n;
      case 'Average': return this.ones / n;
      case 'Minimum': return this.ones === n ? 1 : 0;
      case 'Maximum': return this.ones > 0 ? 1 : 0;
      case 'percentile': return Math.max(1, Math.ceil((stat.p / 100) * n)) > n - this.ones ? 1 : 0;
    }
  }
}

/** Histogram resolution: integers in `scale`ths of the unit, 3 significant digits. */
const SIGNIFICANT_DIGITS = 3;

/**
 * A metric with real values (Latency, IntegrationLatency in ms; DataProcessed in bytes).
 * Sum, SampleCount, Average, Minimum and Maximum are exact; pNN comes from a packed
 * HdrHistogram (0.1 % relative error), clamped to [min, max] so p0 and p100 are exact too.
 * The histogram is created on the first sample, so empty cells cost almost nothing.
 */
export class Values implements Aggregate {
  sampleCount = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private hist: Histogram | null = null;

  /** @param scale integer units per value unit: 1000 stores ms as µs, 1 stores bytes as bytes */
  constructor(private readonly scale: number) {}

  add(value: number): void {
    const v = value > 0 ? value : 0;
    this.sampleCount += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.histogram().recordValue(Math.round(v * this.scale));
  }

  merge(other: Values): void {
    if (other.sampleCount === 0) return;
    this.sampleCount += other.sampleCount;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    if (other.hist) this.histogram().add(other.hist);
  }

  statistic(stat: Statistic): number | null {
    const n = this.sampleCount;
    if (n === 0) return null;
    switch (stat.kind) {
      case 'Sum': return this.sum;
      case 'SampleCount': return n;
      case 'Average': return this.sum / n;
      case 'Minimum': return this.min;
      case 'Maximum': return this.max;
      case 'percentile': return this.percentile(stat.p);
    }
  }

  /** Frees the histogram's memory once the cell is dropped from the store. */
  destroy(): void {
    this.hist?.destroy();
    this.hist = null;
  }

  private percentile(p: number): number {
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const raw = (this.hist?.getValueAtPercentile(p) ?? 0) / this.scale;
    return Math.min(this.max, Math.max(this.min, raw));
  }

  private histogram(): Histogram {
    this.hist ??= build({ bitBucketSize: 'packed', numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
    return this.hist;
  }
}

const PERCENTILE = /^p(\d{1,3}(?:\.\d+)?)$/;

/** Parses a CloudWatch `Stat` string; undefined when it is not one the store serves. */
export function parseStatistic(text: string): Statistic | undefined {
  if (text === 'Sum' || text === 'SampleCount' || text === 'Average' || text === 'Minimum' || text === 'Maximum') {
    return { kind: text };
  }
  const m = PERCENTILE.exec(text);
  if (!m) return undefined;
  const p = Number(m[1]);
  return p >= 0 && p <= 100 ? { kind: 'percentile', p } : undefined;
}
