import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { parseGate, parseGates } from '../../src/gates/parse.ts';

type Case = [expr: string, metric: string, op: string, value: number | string, window: { everyS: number; afterS: number } | undefined, why: string];

describe('parseGate: the examples of docs/gates.md', () => {
  it.each<Case>([
    // expr, metric, op, value (in the metric's unit), window, why
    ['latency.p99 < 250ms', 'latency.p99', '<', 250, undefined, 'ms is the latency unit'],
    ['serviceTime.p95 <= 0.3s', 'serviceTime.p95', '<=', 300, undefined, 'any percentile; seconds become ms'],
    ['latency.p999 < 1500us', 'latency.p999', '<', 1.5, undefined, 'microseconds become ms'],
    ['latency.p50 < 20', 'latency.p50', '<', 20, undefined, 'a bare number is ms (as k6)'],
    ['errors.rate < 1%', 'errors.rate', '<', 0.01, undefined, 'a percentage is a share'],
    ['errors.rate < 0.01', 'errors.rate', '<', 0.01, undefined, 'a share 0..1 as is'],
    ['status429.rate < 0.5%', 'status429.rate', '<', 0.005, undefined, 'fractional percentage'],
    ['status429.throttle.rate < 1%', 'status429.throttle.rate', '<', 0.01, undefined, 'by origin'],
    ['dropped.rate == 0', 'dropped.rate', '==', 0, undefined, 'equality'],
    ['schedule.achieved >= 99%', 'schedule.achieved', '>=', 0.99, undefined, 'achieved of target'],
    ['throttle.verdict == pass', 'throttle.verdict', '==', 'pass', undefined, 'enum word'],
    ['throttle.agreement >= 0.99', 'throttle.agreement', '>=', 0.99, undefined, 'share'],
    ['cloudwatch.count.diff == 0', 'cloudwatch.count.diff', '==', 0, undefined, 'count'],
    ['status.503.count <= 3', 'status.503.count', '<=', 3, undefined, 'any status code'],
    ['errors.rate<1%', 'errors.rate', '<', 0.01, undefined, 'no spaces needed'],
    ['latency.p99 < 300ms in every 10s after 30s', 'latency.p99', '<', 300, { everyS: 10, afterS: 30 }, 'per-window with offset'],
    ['errors.rate < 1% in every 1m', 'errors.rate', '<', 0.01, { everyS: 60, afterS: 0 }, 'minutes become seconds'],
  ])('%s', (expr, metric, op, value, window) => {
    const g = parseGate(expr);
    expect(g).toMatchObject({ source: expr, metric, op, value, window });
  });

  it('keeps the threshold as written, for verdicts', () => {
    expect(parseGate('  latency.p99 < 0.25s ').threshold).toBe('< 0.25s');
  });
});

describe('parseGate: malformed expressions point at the bad token', () => {
  it.each([
    // expr, column, token text in the message, why
    ['latency.p99 <> 250ms', 14, "'>'", 'two operators'],
    ['latency.p99 = 250ms', 13, "'='", 'single ='],
    ['latncy.p99 < 250ms', 1, 'did you mean latency.p99', 'typo gets a suggestion'],
    ['errors.rate < 5', 15, "'5'", 'a share above 1 without %'],
    ['errors.rate < 5ms', 15, "'5ms'", 'time unit on a rate'],
    ['latency.p99 < 5%', 15, "'5%'", 'percentage on a latency'],
    ['throttle.verdict < pass', 18, "'<'", 'enums take == or != only'],
    ['throttle.verdict == maybe', 21, "'maybe'", 'unknown enum word'],
    ['latency.p99 < 250 ms', 19, 'right after the number', 'unit separated by a space'],
    ['latency.p99 < 250ms in every 1.5s', 30, "'1.5s'", 'windows are whole seconds'],
    ['serviceTime.p99 < 3ms in every 10s', 23, 'no per-second data', 'metric without a timeline'],
    ['latency.p99 < 250ms in each 10s', 24, "'each'", 'misspelt keyword'],
    ['latency.p99 < 250ms junk', 21, "'junk'", 'trailing text'],
  ])('%s', (expr, column, text) => {
    let err: unknown;
    try {
      parseGate(expr, { file: 'scenarios/x.ts', field: 'gates[2]' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as UsageError).message;
    expect(message).toContain(`scenarios/x.ts: gates[2]: gate ${JSON.stringify(expr)}: at column ${column}`);
    expect(message).toContain(text);
    expect(message).not.toContain('\n');
    expect((err as UsageError).exitCode).toBe(2);
  });

  it('says "at the end" when the expression stops short', () => {
    expect(() => parseGate('latency.p99 <')).toThrow(/at the end: expected a number/);
    expect(() => parseGate('')).toThrow(/at the end: expected a metric name/);
  });
});

describe('parseGates', () => {
  it('reads scenario gates (with abortOnFail) then --gate flags, naming where each came from', () => {
    const gates = parseGates([{ expr: 'errors.count < 10', abortOnFail: true }, { expr: 'latency.p99 < 1s', abortOnFail: false }], ['dropped.rate == 0']);
    expect(gates.map((g) => [g.metric, g.abortOnFail])).toEqual([['errors.count', true], ['latency.p99', false], ['dropped.rate', false]]);
    expect(() => parseGates([], ['nope < 1'])).toThrow(/^--gate: gate "nope < 1": at column 1/);
    expect(() => parseGates([{ expr: 'ok', abortOnFail: false }], [], 's.ts')).toThrow(/^s\.ts: gates\[0\]: /);
  });
});
