/** The terminal summary: verdicts first, every section present, colour only when asked. */
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/report/terminal.ts';
import { fixture } from './helpers.ts';

const ANSI = /\u001b\[/;

describe('terminal summary', () => {
  it('prints the verdicts before any table', () => {
    const text = renderTerminal(fixture('throttled'));
    const firstTable = text.indexOf('┌');
    for (const line of ['FAIL  Run         FAILED', 'FAIL  Gates       1 of 3 failed', 'PASS  Throttle', 'PASS  CloudWatch  totals match', 'PASS  Schedule']) {
      expect(text.indexOf(line), line).toBeGreaterThan(-1);
      expect(text.indexOf(line), line).toBeLessThan(firstTable);
    }
  });

  it('has every section of a throttled run, in reading order', () => {
    const text = renderTerminal(fixture('throttled'));
    const order = ['== Gates ==', '== Requests ==', '== Schedule (open loop) ==', '== Latency ==', '== Routes ==', '== Throttling ==', '== CloudWatch =='].map((t) => text.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(/Throttled \(429\)\s+│\s+89 │\s+81 │\s+-8 │/);
    expect(text).toMatch(/stage prod default, GET \/items \(stage\)\s+│\s+100\.0 rps \/ 50 │\s+100\.6 rps \/ 49 │/);
    expect(text).toMatch(/-1 \(in flight\)/);
  });

  it('renders capacity steps and verify sections when present', () => {
    expect(renderTerminal(fixture('capacity'))).toMatch(/800\.0 rps │ broke\s+│/);
    expect(renderTerminal(fixture('verify'))).toMatch(/== Verify: declared vs measured ==[\s\S]*Burst\s+│\s+50 │\s+49 │/);
  });

  it('says why a section is empty', () => {
    const text = renderTerminal(fixture('no-limits'));
    expect(text).toContain('== Throttling ==\nNo limits were declared');
    expect(text).toContain('== CloudWatch ==\nCloudWatch unavailable: GetMetricData failed');
  });

  it('uses ANSI colour only with { color: true }', () => {
    expect(renderTerminal(fixture('throttled'), { color: false })).not.toMatch(ANSI);
    const coloured = renderTerminal(fixture('throttled'), { color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain('\u001b[1;31mFAIL\u001b[0m');
  });
});
