import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/record/histograms.ts';
import { Timeline, secondOf } from '../../src/record/series.ts';

describe('Timeline', () => {
  it('keys rows by send second, frees settled seconds, and reopens one that gets a late answer', () => {
    const t = new Timeline();
    t.sent(100, 100);
    t.sent(900, 1200); // late send: scheduled in second 0, sent in second 1
    t.settled(100, 'ok', 5);
    t.closeSettled(2); // second 0 is over with nothing pending: encoded; second 1 still pending
    t.settled(1200, 'serverErrors', 40);
    t.closeSettled(2);
    const rows = t.rows(3);
    expect(rows.map((r) => [r.second, r.scheduled, r.sent, r.ok, r.serverErrors])).toEqual([
      [0, 2, 1, 1, 0], [1, 0, 1, 0, 1], [2, 0, 0, 0, 0],
    ]);
    expect(rows[1].p99Ms).toBeCloseTo(40, 0);
    expect(decodeHistogram(rows[0].latencyHistogram).totalCount).toBe(1);
    expect(decodeHistogram(rows[2].latencyHistogram).totalCount).toBe(0);
  });

  it('merges a late record into a second that was already encoded', () => {
    const t = new Timeline();
    t.sent(10, 10);
    t.sent(20, 20);
    t.settled(10, 'ok', 1);
    t.closeSettled(1); // no-op: second 0 still has a request in flight
    t.settled(20, 'ok', 3);
    t.closeSettled(1);
    t.sent(30, 30);
    t.settled(30, 'ok', 7); // reopens the encoded histogram of second 0
    const [row] = t.rows(1);
    expect(row.ok).toBe(3);
    expect(decodeHistogram(row.latencyHistogram).totalCount).toBe(3);
  });

  it('puts negative and fractional times in the right second', () => {
    expect([secondOf(-0.5), secondOf(0), secondOf(999.999), secondOf(1000)]).toEqual([0, 0, 0, 1]);
  });
});
