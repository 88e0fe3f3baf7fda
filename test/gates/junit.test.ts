import { describe, expect, it } from 'vitest';
import { evaluateGates, withGates } from '../../src/gates/evaluate.ts';
import { parseGate } from '../../src/gates/parse.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { makeResult, throttleSection } from './fixtures.ts';

/** A small well-formedness check: every tag closes in order, attributes are quoted, no raw & or <. */
function assertWellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = tag.exec(body)) !== null) {
    consumed = tag.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    if (m[4]) continue;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else stack.push(m[2]);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}

function junitOf(exprs: readonly string[], result = makeResult()): string {
  return renderJunit(withGates(result, evaluateGates(result, exprs.map((e) => parseGate(e)))));
}

describe('renderJunit', () => {
  it('has one testcase per gate and counts the failures', () => {
    const xml = junitOf(['latency.p99 < 1s', 'latency.p99 < 5ms', 'errors.rate == 0']);
    assertWellFormed(xml);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testsuites name="loadgate" tests="3" failures="1"');
    expect(xml).toContain('name="latency.p99 &lt; 5ms"');
  });

  it('a failed gate carries the actual value and the threshold', () => {
    const xml = junitOf(['latency.p99 < 5ms']);
    const failure = /<failure message="([^"]*)" type="GateFailed">([^<]*)<\/failure>/.exec(xml);
    expect(failure).not.toBeNull();
    expect(failure![1]).toMatch(/^latency\.p99 was 19\.\d+ ms, threshold &lt; 5ms$/);
    expect(failure![2]).toContain('actual: 19.');
    expect(failure![2]).toContain('threshold: &lt; 5ms');
  });

  it("a failed per-route gate's message names its route, so the CI panel tells routes apart", () => {
    const xml = junitOf(['latency.p99{route:"GET /orders"} < 5ms', 'latency.p99 < 5ms']);
    const messages = [...xml.matchAll(/<failure message="([^"]*)"/g)].map((m) => m[1]);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^latency\.p99\{route:&quot;GET \/orders&quot;\} was /);
    expect(messages[1]).toMatch(/^latency\.p99 was /);
  });

  it('a passing gate has no failure element', () => {
    const xml = junitOf(['latency.p99 < 1s']);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('failures="0"');
  });

  it('escapes names and drops characters XML cannot hold', () => {
    const result = makeResult({ overrides: { scenario: { name: 'a<b> & "c" \u0001', file: null, target: 'http://user:pw@127.0.0.1:1/prod', apiType: 'rest' } } });
    const xml = junitOf(['latency.p99 < 5ms in every 5s'], result);
    assertWellFormed(xml);
    expect(xml).toContain('a&lt;b&gt; &amp; &quot;c&quot;');
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toContain('user:pw');
    expect(xml).toContain('window: every 5s');
  });

  it('never prints a declared API key', () => {
    const throttle = throttleSection(0, 0, 1000);
    const limits = { ...throttle.limits, apiKeys: { 'k-gold-0001-secret': { usagePlan: 'gold' } } };
    const result = { ...makeResult({ overrides: { notes: ['key k-gold-0001-secret was throttled'] } }), throttle: { ...throttle, limits } };
    const xml = renderJunit(withGates(result, [{ expr: 'x', passed: false, actual: null, threshold: '== 0', reason: 'k-gold-0001-secret leaked?' }]));
    expect(xml).not.toContain('k-gold-0001-secret');
  });

  it('with no gates is still a valid, empty suite', () => {
    const xml = renderJunit(makeResult());
    assertWellFormed(xml);
    expect(xml).toContain('tests="0" failures="0"');
  });
});
