import { describe, expect, it } from 'vitest';
import { abortCheck, supportsEarlyAbort, type LiveProgress } from '../../src/gates/abort.ts';
import { parseGate } from '../../src/gates/parse.ts';
import { row } from './fixtures.ts';

const abortable = (expr: string) => parseGate(expr, {}, true);
const fast = Array.from({ length: 100 }, () => 20);
const slow = Array.from({ length: 100 }, () => 500);
const progress = (rows: LiveProgress['rows'], over: Partial<LiveProgress> = {}): LiveProgress => ({
  rows, settledBeforeS: rows.length, plannedRequests: 10_000, limitsDeclared: false, ...over,
});

describe('abortCheck', () => {
  it('stops when a count budget is spent: errors.count < 10 after 10 errors', () => {
    const rows = [row(0, fast), row(1, fast.slice(0, 94), { errors: 6 }), row(2, fast.slice(0, 96), { errors: 4 })];
    expect(abortCheck([abortable('errors.count < 10')], progress(rows.slice(0, 2))).abort).toBe(false);
    const d = abortCheck([abortable('errors.count < 10')], progress(rows));
    expect(d.abort).toBe(true);
    if (d.abort) expect(d.verdict).toMatchObject({ passed: false, actual: 10, expr: 'errors.count < 10' });
  });

  it('stops a rate gate once count so far / planned passes the threshold', () => {
    // 1% of 10,000 planned = 100 errors: at 100 the final rate is >= 1% whatever happens next.
    const rows99 = [row(0, fast.slice(0, 1), { sent: 100, errors: 99 })];
    const rows100 = [row(0, [], { sent: 100, errors: 100 })];
    expect(abortCheck([abortable('errors.rate < 1%')], progress(rows99)).abort).toBe(false);
    expect(abortCheck([abortable('errors.rate < 1%')], progress(rows100)).abort).toBe(true);
    expect(abortCheck([abortable('errors.rate <= 1%')], progress(rows100)).abort).toBe(false);
  });

  it('stops on a settled window that failed, never on an unsettled or partial one', () => {
    const rows = [row(0, fast), row(1, slow), row(2, fast), row(3, fast)];
    const g = abortable('latency.p99 < 300ms in every 2s');
    expect(abortCheck([g], progress(rows, { settledBeforeS: 1 })).abort).toBe(false); // second 1 not settled
    expect(abortCheck([g], progress(rows.slice(0, 2), { settledBeforeS: 1 })).abort).toBe(false);
    const d = abortCheck([g], progress(rows, { settledBeforeS: 2 }));
    expect(d.abort).toBe(true);
    if (d.abort) expect(d.verdict.reason).toContain('0-2 s');
  });

  it('looks only at what settled since the previous call (checkedBeforeS), as the live loop calls it', () => {
    const rows = [row(0, fast), row(1, slow), row(2, fast), row(3, fast), row(4, fast), row(5, fast)];
    const g = abortable('latency.p99 < 300ms in every 2s');
    // The window 0-2 s was judged by the call that settled it; later calls skip it.
    expect(abortCheck([g], progress(rows, { settledBeforeS: 6, checkedBeforeS: 2 })).abort).toBe(false);
    expect(abortCheck([g], progress(rows, { settledBeforeS: 2, checkedBeforeS: 1 })).abort).toBe(true);
    const late = [...rows.slice(0, 4), row(4, slow), row(5, fast)];
    const d = abortCheck([g], progress(late, { settledBeforeS: 6, checkedBeforeS: 5 }));
    expect(d.abort && d.verdict.reason).toContain('4-6 s');
    expect(abortCheck([abortable('latency.max < 300ms')], progress(rows, { checkedBeforeS: 2 })).abort).toBe(false);
    expect(abortCheck([abortable('latency.max < 300ms')], progress(late, { checkedBeforeS: 2 })).abort).toBe(true);
  });

  it('stops on latency.max once it is past the threshold', () => {
    expect(abortCheck([abortable('latency.max < 300ms')], progress([row(0, fast), row(1, slow)])).abort).toBe(true);
  });

  it('ignores gates without abortOnFail, and gates only the end can decide', () => {
    const rows = [row(0, [], { sent: 100, errors: 100 }), row(1, slow)];
    expect(abortCheck([parseGate('errors.count < 10')], progress(rows)).abort).toBe(false);
    expect(abortCheck([abortable('latency.p99 < 300ms')], progress(rows)).abort).toBe(false); // a percentile can recover
    expect(abortCheck([abortable('errors.count > 1000')], progress(rows)).abort).toBe(false); // can still be reached
  });

  it('counts 429s as unexpected early only when no limits are declared', () => {
    const rows = [row(0, fast, { throttled: 50 })];
    const g = abortable('status429.unexpected.count < 10');
    expect(abortCheck([g], progress(rows)).abort).toBe(true);
    expect(abortCheck([g], progress(rows, { limitsDeclared: true })).abort).toBe(false);
  });
});

describe('supportsEarlyAbort (the list in docs/gates.md)', () => {
  it.each([
    ['errors.count < 5', true],
    ['dropped.rate == 0', true],
    ['status5xx.rate < 1%', true],
    ['latency.max < 1s', true],
    ['latency.p99 < 250ms in every 10s', true],
    ['errors.rate < 1% in every 5s', true],
    ['latency.p99 < 250ms', false],
    ['throttle.verdict == pass', false],
    ['schedule.achieved >= 99%', false],
    ['errors.count > 5', false],
  ])('%s -> %s', (expr, supported) => {
    expect(supportsEarlyAbort(parseGate(expr), false)).toBe(supported);
  });
});
