import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  addHistogram, decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, percentilesMs, recordMs,
} from '../../src/record/histograms.ts';

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('histograms', () => {
  it('encode -> decode -> add of parts equals recording everything in one', () => {
    const random = seeded(7);
    const all = newHistogram();
    const parts = [newHistogram(), newHistogram(), newHistogram()];
    for (let i = 0; i < 30_000; i++) {
      // Latencies from 0.01 ms to ~60 s, heavy-tailed, so several magnitudes are exercised.
      const ms = 0.01 * Math.exp(random() * 15.6);
      recordMs(all, ms);
      recordMs(parts[i % 3], ms);
    }
    const merged = mergeEncoded(parts.map(encodeHistogram));
    expect(merged.totalCount).toBe(all.totalCount);
    expect(percentilesMs(merged)).toEqual(percentilesMs(all));
    const a = all as hdr.JsHistogram;
    const b = merged as hdr.JsHistogram;
    const counts = (h: hdr.JsHistogram) => Array.from({ length: h.countsArrayLength }, (_, i) => h.getCountAtIndex(i));
    expect(counts(b).slice(0, a.countsArrayLength)).toEqual(counts(a));
  });

  it('keeps counts above 2^32 exact (64-bit counters, not 32-bit)', () => {
    const h = newHistogram();
    h.recordValueWithCount(1000, 2 ** 32 + 5);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(2 ** 32 + 5);
  });

  it('rejects a histogram encoded with other settings instead of merging it coarsely', () => {
    const other = hdr.build({ numberOfSignificantValueDigits: 2, bitBucketSize: 64 });
    other.recordValue(1234);
    expect(() => decodeHistogram(encodeHistogram(other), 'timeline[3].latencyHistogram')).toThrow(
      /timeline\[3\]\.latencyHistogram: histogram settings differ/,
    );
    const packed = hdr.build({ bitBucketSize: 'packed', numberOfSignificantValueDigits: 3 });
    expect(() => addHistogram(newHistogram(), packed)).toThrow(/settings differ/);
    expect(() => decodeHistogram('not base64 at all')).toThrow(/not a valid compressed hdr histogram/);
  });

  it('reports percentiles in ms from µs counts, zeros when empty', () => {
    expect(percentilesMs(newHistogram())).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
    const h = newHistogram();
    for (let i = 1; i <= 100; i++) recordMs(h, i);
    const p = percentilesMs(h);
    expect(p.count).toBe(100);
    expect(p.p50).toBeCloseTo(50, 1);
    expect(p.p99).toBeCloseTo(99, 1);
    expect(p.max).toBeCloseTo(100, 1);
  });

  it('gives exactly the library\'s mean, computed in one pass, for every shape of data', () => {
    const random = seeded(7);
    const shapes: Record<string, () => number> = {
      'fast and uniform': () => 0.2 + random() * 3,
      'a tail to 20 s (auto-resized)': () => (random() < 0.01 ? random() * 20_000 : 0.5 + random()),
      'all zero': () => 0,
      'one slow outlier': () => 1000,
    };
    for (const [shape, draw] of Object.entries(shapes)) {
      for (const n of [1, 17, 5000]) {
        const h = newHistogram();
        for (let i = 0; i < n; i++) recordMs(h, draw());
        expect(percentilesMs(h).mean, `${shape}, ${n} values`).toBe(h.mean / 1000);
        const decoded = decodeHistogram(encodeHistogram(h));
        expect(percentilesMs(decoded).mean, `${shape}, ${n} values, decoded`).toBe(decoded.mean / 1000);
      }
    }
  });
});
