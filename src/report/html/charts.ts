/**
 * The charts of report.html as plain data (ChartSpec), computed in Node from the result: series
 * per second from the timeline, the model's prediction, percentile distributions decoded from
 * the whole-run HDR histograms, CloudWatch minutes. The page inlines these as JSON and a small
 * script draws them with uPlot. A chart without data carries `empty`: one line saying why.
 */
import * as hdr from 'hdr-histogram-js';
import type { RunResult } from '../../result/schema.ts';
import type { SectionId } from '../model.ts';
import { minMaxBuckets, type Columns } from './downsample.ts';

/** One plotted series. */
export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** Draw as bars, left (-1) or right (1) of the x value: two bar series side by side. */
  readonly bars?: -1 | 1;
}

/** One chart: x kind decides the axis (seconds since start, wall time, or percentile on a log scale). */
export interface ChartSpec {
  readonly id: string;
  readonly section: SectionId;
  readonly title: string;
  readonly xKind: 'seconds' | 'time' | 'percentile';
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly SeriesSpec[];
  /** [x, ...series], uPlot's column layout. */
  readonly data: readonly (readonly (number | null)[])[];
  readonly empty?: string;
}

/** Columns per chart; enough for a 20-minute run at one point a second. */
export const MAX_POINTS = 1200;

const C = { grey: '#64748b', blue: '#2563eb', red: '#dc2626', green: '#16a34a', purple: '#9333ea', amber: '#d97706', ink: '#111827' };

function round(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000;
}

function chart(base: Omit<ChartSpec, 'data'>, columns: Columns): ChartSpec {
  const down = minMaxBuckets(columns, MAX_POINTS);
  return { ...base, data: [down.x.map((v) => round(v) ?? 0), ...down.series.map((s) => s.map(round))] };
}

function emptyChart(base: Omit<ChartSpec, 'data' | 'empty'>, why: string): ChartSpec {
  return { ...base, data: [], empty: why };
}

function rateChart(r: RunResult): ChartSpec {
  const base = { id: 'chart-rate', section: 'schedule', title: 'Offered (scheduled) vs achieved rate', xKind: 'seconds', xLabel: 'time since start (s)', yLabel: 'requests per second',
    // Scheduled last, dashed: drawn on top, so it stays visible where sent equals it.
    series: [{ label: 'sent (achieved)', color: C.blue }, { label: 'dropped', color: C.red }, { label: 'scheduled (offered)', color: C.ink, dashed: true }] } as const;
  if (r.timeline.length === 0) return emptyChart(base, 'The timeline is empty: no arrival was scheduled.');
  const t = r.timeline;
  return chart(base, { x: t.map((row) => row.second), series: [t.map((row) => row.sent), t.map((row) => row.dropped), t.map((row) => row.scheduled)] });
}

function throttleChart(r: RunResult): ChartSpec {
  const base = { id: 'chart-throttle', section: 'throttle', title: 'Accepted vs throttled per second, against the model', xKind: 'seconds', xLabel: 'time since start (s)', yLabel: 'requests per second',
    series: [{ label: 'observed accepted', color: C.green }, { label: 'observed throttled (429)', color: C.red }, { label: 'predicted accepted (model)', color: C.ink, dashed: true }] } as const;
  const t = r.throttle;
  if (t === undefined) return emptyChart(base, 'No limits were declared: there is no prediction to chart.');
  if (t.perSecond.length === 0) return emptyChart(base, 'The throttle comparison has no per-second data.');
  const p = t.perSecond;
  return chart(base, { x: p.map((s) => s.second), series: [p.map((s) => s.observedAccepted), p.map((s) => s.observedThrottled), p.map((s) => s.predictedAccepted)] });
}

function latencyOverTimeChart(r: RunResult): ChartSpec {
  const base = { id: 'chart-latency-time', section: 'latency', title: 'Latency percentiles per second', xKind: 'seconds', xLabel: 'time since start (s)', yLabel: 'latency (ms)',
    series: [{ label: 'p50', color: C.blue }, { label: 'p99', color: C.purple }] } as const;
  const rows = r.timeline.filter((row) => row.ok + row.throttled + row.status429Other + row.clientErrors + row.serverErrors > 0);
  if (rows.length === 0) return emptyChart(base, 'No response was received, so there is no latency to chart.');
  const answered = new Set(rows.map((row) => row.second));
  const t = r.timeline;
  const value = (v: number, second: number): number | null => (answered.has(second) ? v : null);
  return chart(base, { x: t.map((row) => row.second), series: [t.map((row) => value(row.p50Ms, row.second)), t.map((row) => value(row.p99Ms, row.second))] });
}

/** Decodes an encoded histogram; undefined when absent, empty or unreadable. */
function decode(encoded: string): hdr.Histogram | undefined {
  if (encoded === '') return undefined;
  try {
    const h = hdr.decodeFromCompressedBase64(encoded, 64);
    return h.totalCount > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The x of a percentile distribution: x = 1 / (1 - q) on a log axis (so 90%, 99%, 99.9% are
 * evenly spaced, as HdrHistogram's own plots do), in steps of 0.05 decades up to the resolution
 * `count` samples support (q = 1 - 1/count), where the curve ends at the maximum.
 */
export function percentileXs(count: number): number[] {
  const decades = Math.log10(Math.max(10, count));
  const x: number[] = [];
  for (let d = 0; d < decades; d += 0.05) x.push(10 ** d);
  x.push(10 ** decades);
  return x;
}

/** The histogram's value (µs -> ms) at each x of percentileXs; the last x is the maximum. */
export function valuesAtMs(h: hdr.Histogram, xs: readonly number[]): number[] {
  return xs.map((x, i) => (i === xs.length - 1 ? h.maxValue : h.getValueAtPercentile(100 * (1 - 1 / x))) / 1000);
}

function distributionChart(r: RunResult): ChartSpec {
  const base = { id: 'chart-latency-distribution', section: 'latency', title: 'Latency distribution (whole run)', xKind: 'percentile', xLabel: 'percentile', yLabel: 'latency (ms)',
    series: [{ label: 'latency (from intended send)', color: C.purple }, { label: 'service time (from actual send)', color: C.blue }] } as const;
  const latency = decode(r.histograms.latencyUs);
  if (latency === undefined) return emptyChart(base, 'The latency histogram is empty: no response was recorded.');
  const service = decode(r.histograms.serviceTimeUs);
  const x = percentileXs(latency.totalCount);
  return chart(base, { x, series: [valuesAtMs(latency, x), service === undefined ? x.map(() => null) : valuesAtMs(service, x)] });
}

function sendLagChart(r: RunResult): ChartSpec {
  const base = { id: 'chart-send-lag', section: 'schedule', title: 'Send lag distribution (actual − intended send time)', xKind: 'percentile', xLabel: 'percentile', yLabel: 'send lag (ms)',
    series: [{ label: 'send lag', color: C.amber }] } as const;
  const lag = decode(r.histograms.sendLagUs);
  if (lag === undefined) return emptyChart(base, 'The send-lag histogram is empty: no request was sent.');
  const x = percentileXs(lag.totalCount);
  return chart(base, { x, series: [valuesAtMs(lag, x)] });
}

function cloudwatchChart(r: RunResult): ChartSpec {
  const base = { id: 'chart-cloudwatch', section: 'cloudwatch', title: 'Requests per minute: CloudWatch vs client', xKind: 'time', xLabel: 'minute (UTC)', yLabel: 'requests per minute',
    // Bars, because a short run has one or two minutes; 4xx/5xx per minute are in the tables.
    series: [{ label: 'client requests (by send time)', color: C.blue, bars: -1 }, { label: 'gateway Count', color: C.ink, bars: 1 }] } as const;
  const cw = r.cloudwatch;
  if (cw.status !== 'ok') return emptyChart(base, `CloudWatch ${cw.status}: ${cw.reason}`);
  if (cw.minutes.length === 0) return emptyChart(base, 'CloudWatch returned no datapoints for the run window.');
  const m = cw.minutes;
  return chart(base, { x: m.map((row) => Date.parse(row.minuteIso) / 1000), series: [m.map((row) => row.client.requests), m.map((row) => row.gateway.count)] });
}

/** Every chart of the report, in page order. */
export function chartSpecs(result: RunResult): ChartSpec[] {
  return [rateChart(result), sendLagChart(result), latencyOverTimeChart(result), distributionChart(result), throttleChart(result), cloudwatchChart(result)];
}
