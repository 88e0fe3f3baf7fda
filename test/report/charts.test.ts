/** Chart data of report.html, the size bound on long runs, and the JSON format. */
import { describe, expect, it } from 'vitest';
import { chartSpecs, MAX_POINTS, percentileXs } from '../../src/report/html/charts.ts';
import { renderHtml, scriptJson } from '../../src/report/html/page.ts';
import { renderJson } from '../../src/report/json.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { fixture } from './helpers.ts';

describe('chart data', () => {
  it('has every chart with data for a throttled run with CloudWatch', () => {
    const charts = chartSpecs(fixture('throttled'));
    for (const c of charts) {
      expect(c.empty, c.id).toBeUndefined();
      expect(c.data.length, c.id).toBe(c.series.length + 1);
      for (const col of c.data) expect(col.length, c.id).toBe(c.data[0].length);
    }
  });

  it('plots the whole-run percentiles that the tables print', () => {
    const r = fixture('throttled');
    const dist = chartSpecs(r).find((c) => c.id === 'chart-latency-distribution')!;
    const at = (x: number): number | null => dist.data[1][dist.data[0].findIndex((v) => Math.abs((v ?? 0) - x) < 1e-6)];
    expect(at(1)).toBeLessThanOrEqual(r.latencyMs.p50);
    // Within the histogram's resolution (3 significant digits): encoding keeps buckets, not values.
    const within = (a: number | null, b: number): void => expect(Math.abs((a ?? NaN) - b)).toBeLessThanOrEqual(b * 1e-3);
    within(dist.data[1][dist.data[1].length - 1], r.latencyMs.max);
    // x = 10 is the 90th percentile, x = 100 the 99th.
    within(at(10), r.latencyMs.p90);
    within(at(100), r.latencyMs.p99);
  });

  it('ends the percentile axis at the resolution the sample count supports', () => {
    expect(percentileXs(1000).at(-1)).toBeCloseTo(1000, 6);
    expect(percentileXs(1).at(-1)).toBeCloseTo(10, 6);
  });

  it('gives empty charts a reason instead of data', () => {
    const charts = chartSpecs(fixture('no-limits'));
    expect(charts.find((c) => c.id === 'chart-throttle')?.empty).toMatch(/No limits were declared/);
    expect(charts.find((c) => c.id === 'chart-cloudwatch')?.empty).toMatch(/^CloudWatch unavailable/);
  });

  it('bounds a two-hour run to MAX_POINTS per chart and a small page', () => {
    const base = fixture('no-limits');
    const row = base.timeline[1];
    const timeline = Array.from({ length: 7200 }, (_, s) => ({ ...row, second: s, sent: 20 + (s % 17), p99Ms: s === 4321 ? 999 : row.p99Ms }));
    const long: RunResult = { ...base, timeline, schedule: { ...base.schedule, durationS: 7200 } };
    const charts = chartSpecs(long);
    const latency = charts.find((c) => c.id === 'chart-latency-time')!;
    for (const c of charts.filter((x) => x.xKind === 'seconds' && x.empty === undefined)) expect(c.data[0].length, c.id).toBeLessThanOrEqual(MAX_POINTS);
    expect(Math.max(...(latency.data[2] as number[]))).toBe(999);
    expect(renderHtml(long).length).toBeLessThan(400_000);
  });
});

describe('inlining', () => {
  it('escapes JSON so that it cannot close its <script> element', () => {
    const text = scriptJson({ name: '</script><!-- \u2028' });
    expect(text).not.toMatch(/<\/script|<!--|\u2028/i);
    expect(JSON.parse(text)).toEqual({ name: '</script><!-- \u2028' });
  });

  it('inlines uPlot and forbids network fetches', () => {
    const html = renderHtml(fixture('no-limits'));
    expect(html).toContain('uPlot');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
  });
});

describe('json format', () => {
  it('is stable: sorted keys, same bytes for the same result, same data as the input', () => {
    const r = fixture('no-limits');
    const a = renderJson(r);
    expect(renderJson(JSON.parse(a) as RunResult)).toBe(a);
    expect(JSON.parse(a)).toEqual(r);
    const keys = Object.keys(JSON.parse(a) as object);
    expect(keys).toEqual([...keys].sort());
  });
});
