/**
 * Bounding the size of chart data: min/max envelope buckets over columns that share one x axis.
 *
 *   input  x: 0 1 2 3 4 5 6 7        bucket of b = 4 columns
 *          y: 3 9 1 4 | 2 2 8 5
 *   output x: 0     3 | 4     7      each bucket emits two columns: its first x with every
 *          y: 1     9 | 2     8      series' minimum, its last x with every series' maximum
 *
 * A spike of one second in a one-hour run therefore survives into the chart (an average would
 * hide it, which is the one thing a load-test chart must not do), and the output never exceeds
 * `maxPoints` columns. The envelope of each series is kept exactly: global min and max survive.
 */

/** Chart columns: `x` ascending, each series the same length as x; null = no value. */
export interface Columns {
  readonly x: readonly number[];
  readonly series: readonly (readonly (number | null)[])[];
}

function extreme(values: readonly (number | null)[], from: number, to: number, pick: (a: number, b: number) => number): number | null {
  let out: number | null = null;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) out = out === null ? v : pick(out, v);
  }
  return out;
}

/** Downsamples to at most `maxPoints` columns (>= 2) by min/max buckets; shorter input is returned as is. */
export function minMaxBuckets(columns: Columns, maxPoints: number): Columns {
  const n = columns.x.length;
  if (n <= maxPoints) return columns;
  const size = Math.ceil(n / Math.floor(Math.max(2, maxPoints) / 2));
  const x: number[] = [];
  const series: (number | null)[][] = columns.series.map(() => []);
  for (let from = 0; from < n; from += size) {
    const to = Math.min(n, from + size);
    x.push(columns.x[from]);
    columns.series.forEach((s, i) => series[i].push(extreme(s, from, to, Math.min)));
    if (to - 1 > from) {
      x.push(columns.x[to - 1]);
      columns.series.forEach((s, i) => series[i].push(extreme(s, from, to, Math.max)));
    }
  }
  return { x, series };
}
