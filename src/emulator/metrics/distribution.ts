/**
 * The two kinds of per-minute aggregate the metric store keeps. Both answer CloudWatch's
 * statistics (Sum, SampleCount, Average, Minimum, Maximum, pNN) for one metric in one cell; both
 * merge, so coarser dimension sets and longer periods are built at query time from the finest
 * cells. Memory is per cell, never per request.
 */

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
      case 'percentile': return rankOf(stat.p, n) > n - this.ones ? 1 : 0;
    }
  }
}

/**
 * A sparse log-linear histogram of non-negative integers, 0.1 % relative precision:
 *
 *   v < 2048            bucket v                       (exact)
 *   v >= 2048           bucket 2048 + (shift - 1) * 1024 + (v >>> shift) - 1024,
 *                       shift = floor(log2 v) - 10     (1024 buckets per power of two)
 *
 * Only buckets that were hit are stored (a Map), so a minute of one steady route costs a few
 * hundred entries, and recording is a Map update: far cheaper than a packed HdrHistogram here,
 * whose add() of two histograms dominated every query (bench: 8 ms per add).
 */
export class SparseHistogram {
  readonly counts = new Map<number, number>();

  record(value: number): void {
    const i = bucketOf(value);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
  }

  merge(other: SparseHistogram): void {
    for (const [i, n] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + n);
  }

  /** The value at nearest rank ceil(p/100 * total), as its bucket's midpoint. */
  valueAtPercentile(p: number, total: number): number {
    const rank = rankOf(p, total);
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const i of buckets) {
      seen += this.counts.get(i)!;
      if (seen >= rank) return midpointOf(i);
    }
    return buckets.length > 0 ? midpointOf(buckets[buckets.length - 1]) : 0;
  }
}

/** Nearest rank ceil(p/100 * n), 1-based; the tiny nudge keeps p99.9 of 1000 at 999, not 1000. */
export function rankOf(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n * (1 - 1e-12))));
}

const EXACT_BELOW = 2048;
const SUB_BUCKETS = 1024;
const MAX_VALUE = 0xffff_ffff;

function bucketOf(value: number): number {
  const v = Math.min(MAX_VALUE, Math.max(0, Math.round(value)));
  if (v < EXACT_BELOW) return v;
  const shift = 31 - Math.clz32(v) - 10;
  return EXACT_BELOW + (shift - 1) * SUB_BUCKETS + (v >>> shift) - SUB_BUCKETS;
}

function midpointOf(bucket: number): number {
  if (bucket < EXACT_BELOW) return bucket;
  const shift = Math.floor((bucket - EXACT_BELOW) / SUB_BUCKETS) + 1;
  const sub = (bucket - EXACT_BELOW) % SUB_BUCKETS + SUB_BUCKETS;
  return sub * 2 ** shift + 2 ** (shift - 1);
}

/**
 * A metric with real values (Latency, IntegrationLatency in ms; DataProcessed in bytes).
 * Sum, SampleCount, Average, Minimum and Maximum are exact; pNN comes from a SparseHistogram
 * (0.1 % relative error), clamped to [min, max] so p0 and p100 are exact too.
 */
export class Values implements Aggregate {
  sampleCount = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private readonly hist = new SparseHistogram();

  /** @param scale integer units per value unit: 1000 stores ms as µs, 1 stores bytes as bytes */
  constructor(private readonly scale: number) {}

  add(value: number): void {
    const v = value > 0 ? value : 0;
    this.sampleCount += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.hist.record(v * this.scale);
  }

  merge(other: Values): void {
    if (other.sampleCount === 0) return;
    this.sampleCount += other.sampleCount;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    this.hist.merge(other.hist);
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

  private percentile(p: number): number {
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const raw = this.hist.valueAtPercentile(p, this.sampleCount) / this.scale;
    return Math.min(this.max, Math.max(this.min, raw));
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
