/**
 * summary.md: golden files (refresh with UPDATE_GOLDEN=1 and read the diff), plus the properties
 * a GitHub job summary relies on: verdicts first, tables that stay tables, one line for a
 * section with no data.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.ts';
import { fixture } from './helpers.ts';

const golden = (name: string): URL => new URL(`./golden/${name}.md`, import.meta.url);

describe('summary.md', () => {
  it.each(['throttled', 'no-limits', 'capacity', 'verify'] as const)('matches the golden file for %s.json', (name) => {
    const md = renderMarkdown(fixture(name));
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden(name))) writeFileSync(golden(name), md);
    expect(md).toBe(readFileSync(golden(name), 'utf8'));
  });

  it('says what the warm-up sent and that none of it went to the target, or that it was off', () => {
    const base = fixture('no-limits');
    const on = renderMarkdown({ ...base, schedule: { ...base.schedule, warmUp: { sinkRequests: 4000, durationMs: 812 } } });
    expect(on).toContain("Warm-up: 4,000 requests to loadgate's own in-process server in 0.8 s before time 0; none to the target (--no-warm-up skips it).");
    const off = renderMarkdown({ ...base, schedule: { ...base.schedule, warmUp: null } });
    expect(off).toContain('Warm-up: off (--no-warm-up or options.warmUp: false): the first second ran on cold code.');
    // A result.json from before warm-ups were recorded says nothing about one.
    expect(renderMarkdown({ ...base, schedule: { ...base.schedule, warmUp: undefined } })).not.toContain('Warm-up');
  });

  it('opens with the verdicts, failures marked ❌', () => {
    const md = renderMarkdown(fixture('throttled'));
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ loadgate run: shop-ramp');
    expect(lines.slice(2, 7)).toEqual([
      '- ❌ **Run**: FAILED',
      expect.stringMatching(/^- ❌ \*\*Gates\*\*: 1 of 3 failed: /),
      expect.stringMatching(/^- ✅ \*\*Throttle\*\*: pass: stage prod default, GET \/items: 100 rps \/ burst 50 as declared/),
      '- ✅ **CloudWatch**: totals match (5,999 requests)',
      expect.stringMatching(/^- ✅ \*\*Schedule\*\*: kept/),
    ]);
    expect(md.indexOf('### Gates')).toBeGreaterThan(md.indexOf('**Run**'));
  });

  it('keeps every table row at the column count of its header, with blank lines around tables', () => {
    const base = fixture('throttled');
    const routes = [{ ...base.routes[0], route: 'GET /a|b\nc' }, ...base.routes.slice(1)];
    const md = renderMarkdown({ ...base, routes });
    const lines = md.split('\n');
    const unescapedPipes = (line: string): number => line.replace(/\\\|/g, '').split('|').length - 1;
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('|')) continue;
      const first = i === 0 || !lines[i - 1].startsWith('|');
      if (first) expect(lines[i - 1], `blank line before the table at line ${i + 1}`).toBe('');
      let j = i;
      while (j > 0 && lines[j - 1].startsWith('|')) j--;
      expect(unescapedPipes(lines[i]), `line ${i + 1}: ${lines[i]}`).toBe(unescapedPipes(lines[j]));
      if (i + 1 < lines.length && !lines[i + 1].startsWith('|')) expect(lines[i + 1]).toBe('');
    }
    expect(md).toContain('GET /a\\|b c');
  });

  it('says in one line why a section has no data, instead of an empty table', () => {
    const md = renderMarkdown(fixture('no-limits'));
    const section = (title: string): string => md.split(`### ${title}\n\n`)[1].split('\n### ')[0].trim();
    expect(section('Throttling')).toBe('_No limits were declared, so there is no model prediction to compare with (declare limits in the scenario or pass a limits file)._');
    expect(section('CloudWatch')).toBe('_CloudWatch unavailable: GetMetricData failed: connect ECONNREFUSED 127.0.0.1:4566_');
    expect(section('Gates')).toBe('_No gates were evaluated for this run._');
    expect(md).not.toMatch(/<[a-z]/i);
  });

  it.each([
    ['a|b', 'a\\|b', 'a pipe would split the cell'],
    ['*x* _y_', '\\*x\\* \\_y\\_', 'emphasis from a route name'],
    ['<img src=x>', '\\<img src=x\\>', 'raw HTML in a job summary'],
    ['line\nbreak', 'line break', 'a newline would end the table row'],
  ])('escapes %j as %j (%s)', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});
