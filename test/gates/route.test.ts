/**
 * Per-route gates: the selector grammar, the run as one route saw it (built by the real Recorder,
 * in process), and the refusal of a route the scenario does not have.
 */
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/record/recorder.ts';
import { ORIGIN } from '../../src/record/send-log.ts';
import { answerClassOf } from '../../src/load/http-sender.ts';
import { decodeHistogram, newHistogram, percentilesMs, recordMs } from '../../src/record/histograms.ts';
import { parseGate, parseGates } from '../../src/gates/parse.ts';
import { evaluateGates } from '../../src/gates/evaluate.ts';
import { checkGateRoutes } from '../../src/gates/route-metrics.ts';
import { supportsEarlyAbort } from '../../src/gates/abort.ts';
import { UsageError } from '../../src/errors.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { makeResult } from './fixtures.ts';

const httpAnswer = (code: number) => ({ code, origin: ORIGIN.NONE, answerClass: answerClassOf(code, ORIGIN.NONE) });

function parseError(expr: string): string {
  try {
    parseGate(expr, { field: '--gate' });
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${expr} parsed`);
}

describe('the route selector', () => {
  it.each([
    ['latency.p99{route:"GET /orders"} < 300ms', 'GET /orders', 'double quotes, as k6 writes tags'],
    ["latency.p99{route:'GET /orders'} < 300ms", 'GET /orders', 'single quotes (easier inside a shell)'],
    ['latency.p99{route:GET /orders} < 300ms', 'GET /orders', 'bare: up to the closing brace, trimmed'],
    ['latency.p99 { route : "GET /a}b" } < 300ms', 'GET /a}b', 'spaces around, a brace inside quotes'],
    ['ok.count{route:"say \\"hi\\""} > 0', 'say "hi"', 'an escaped quote'],
  ])('%s selects %j (%s)', (expr, route) => {
    expect(parseGate(expr).route).toBe(route);
  });

  it('keeps the columns of what follows it, so errors still point at the right token', () => {
    expect(parseError('latency.p99{route:"GET /x"} <> 3')).toContain("at column 30: '>'");
  });

  it.each([
    ['latency.p99{name:"GET /x"} < 3', "'name': unknown selector"],
    ['latency.p99{route:"GET /x" < 3', 'with its closing }'],
    ['latency.p99{route:} < 3', 'expected a route name'],
    ['serviceTime.p99{route:"GET /x"} < 3', 'serviceTime.p99 is not recorded per route'],
    ['dropped.count{route:"GET /x"} == 0', 'dropped.count is not recorded per route'],
    ['requests.failed{route:"GET /x"} < 0.01', 'write requests.failed.rate (a share: 1%) or requests.failed.count'],
  ])('refuses %s', (expr, why) => {
    expect(parseError(expr)).toContain(why);
  });

  it('reads requests.failed with a percentage as requests.failed.rate (k6 http_req_failed)', () => {
    const gate = parseGate('requests.failed{route:"POST /pay"} < 1%');
    expect([gate.metric, gate.value, gate.route]).toEqual(['requests.failed.rate', 0.01, 'POST /pay']);
  });

  it('per-route gates never stop a run early: the live timeline is the whole run', () => {
    expect(supportsEarlyAbort(parseGate('errors.count < 5'), false)).toBe(true);
    expect(supportsEarlyAbort(parseGate('errors.count{route:"GET /x"} < 5', {}, true), false)).toBe(false);
  });
});

const FAST = 'GET /fast';
const SLOW = 'GET /slow';

/**
 * 3 s at 100 rps through the real Recorder: request 0 (fast, 5 ms) 97 times a second, request
 * 1 (slow, 400 ms and more, slower each second) 3 times, a 503 on the slow route in second 2, and request 2 named like 1.
 */
function recordedRun(): RunResult {
  const recorder = new Recorder();
  let arrival = 0;
  const slowMs: number[] = [];
  for (let s = 0; s < 3; s++) {
    for (let k = 0; k < 100; k++) {
      const atMs = s * 1000 + k * 10;
      const requestIndex = k % 50 === 7 ? 1 : k === 90 ? 2 : 0;
      const row = recorder.sent(arrival++, requestIndex, atMs, atMs);
      const latencyMs = requestIndex === 0 ? 5 : 400 + k + 100 * s;
      if (requestIndex !== 0) slowMs.push(latencyMs);
      recorder.answered({ row, requestIndex, intendedMs: atMs, sentMs: atMs }, atMs + latencyMs, httpAnswer(s === 2 && k === 90 ? 503 : 200));
    }
  }
  const m = recorder.measurement([FAST, SLOW, SLOW], 3);
  const exact = newHistogram();
  for (const v of slowMs) recordMs(exact, v);
  expect(m.routes.find((r) => r.route === SLOW)?.latencyMs).toEqual(percentilesMs(exact));
  return makeResult({ overrides: { ...m } });
}

function verdicts(result: RunResult, ...exprs: string[]) {
  return evaluateGates(result, parseGates([], exprs)).map((v) => [v.expr, v.passed, v.actual]);
}

describe('per-route gates on a run where a slow route hides behind a fast one', () => {
  const result = recordedRun();

  it('the slow route fails its gate while the whole run passes the same one', () => {
    const [whole, slow, fast] = verdicts(result, 'latency.p95 < 100ms', `latency.p95{route:"${SLOW}"} < 100ms`, `latency.p95{route:"${FAST}"} < 100ms`);
    expect(whole[1]).toBe(true);
    expect(slow[1]).toBe(false);
    expect(slow[2]).toBeGreaterThanOrEqual(400);
    expect(fast[1]).toBe(true);
    expect(fast[2]).toBeCloseTo(5, 1);
  });

  it('reads any percentile exactly from the route histogram, merged over requests sharing the name', () => {
    const slow = result.routes.find((r) => r.route === SLOW)!;
    expect(slow.sent).toBe(9);
    const [[, , p95]] = verdicts(result, `latency.p95{route:"${SLOW}"} < 1s`);
    expect(p95).toBeCloseTo(decodeHistogram(slow.latencyUs!).getValueAtPercentile(95) / 1000, 6);
  });

  it('counts statuses and failures of the route only', () => {
    expect(verdicts(result, `status.5xx.count{route:"${SLOW}"} == 0`, `status.5xx.count{route:"${FAST}"} == 0`, `requests.failed{route:"${SLOW}"} < 10%`, `status.503.rate{route:"${SLOW}"} > 0.1`))
      .toEqual([
        [`status.5xx.count{route:"${SLOW}"} == 0`, false, 1],
        [`status.5xx.count{route:"${FAST}"} == 0`, true, 0],
        [`requests.failed{route:"${SLOW}"} < 10%`, false, 1 / 9],
        [`status.503.rate{route:"${SLOW}"} > 0.1`, true, 1 / 9],
      ]);
  });

  it("per window: the slow route's last second fails, and the worst window is named", () => {
    const [v] = evaluateGates(result, parseGates([], [`latency.max{route:"${SLOW}"} < 650ms in every 1s`]));
    expect(v.passed).toBe(false);
    expect(v.actual).toBeCloseTo(690, -1);
    expect(v.reason).toMatch(/^1 of 3 windows fail < 650ms; worst: latency\.max\{route:"GET \/slow"\} = 69\d(\.\d+)? ms in 2-3 s$/);
    const [fastWindows] = evaluateGates(result, parseGates([], [`latency.p99{route:"${FAST}"} < 10ms in every 1s`]));
    expect(fastWindows.passed).toBe(true);
    expect(fastWindows.reason).toContain('all 3 windows meet');
  });

  it('a route that sent nothing fails (never a silent pass)', () => {
    const [v] = evaluateGates(result, parseGates([], ['errors.count{route:"GET /idle"} == 0']));
    expect(v.passed).toBe(false);
    expect(v.reason).toContain('no request was sent on route "GET /idle"');
  });
});

describe('a gate naming a route the scenario does not have', () => {
  it('is a usage error naming the route and the file, with the routes there are', () => {
    const gates = parseGates([{ expr: 'latency.p99{route:"GET /order"} < 3', abortOnFail: false }], ['ok.count{route:"get /fast"} > 0'], 'x.json');
    expect(() => checkGateRoutes(gates.slice(1), [FAST, SLOW])).toThrow('--gate: gate "ok.count{route:\\"get /fast\\"} > 0": route "get /fast" is not a request of this scenario (did you mean "GET /fast"? its routes: "GET /fast", "GET /slow")');
    expect(() => checkGateRoutes(gates, [FAST, 'GET /orders'])).toThrow(/^x\.json: gates\[0\]: gate .*route "GET \/order" is not a request of this scenario/);
    expect(() => checkGateRoutes(parseGates([], [`ok.count{route:"${SLOW}"} > 0`, 'ok.count > 0']), [FAST, SLOW])).not.toThrow();
  });
});
