import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS, metricByName } from '../../src/gates/metrics.ts';

const docs = readFileSync(new URL('../../docs/gates.md', import.meta.url), 'utf8');

describe('the metric table', () => {
  it('docs/gates.md names every gate metric', () => {
    const missing = [...METRICS.keys()].filter((name) => !docs.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('docs/gates.md lists per-window support as the code has it', () => {
    for (const m of METRICS.values()) {
      const line = docs.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${m.name}\``));
      expect(line, m.name).toBeDefined();
      expect(line!.trim().endsWith(m.window ? '| yes |' : '| – |'), m.name).toBe(true);
    }
  });

  it.each([
    ['latency.p95', 'histograms.latencyUs (exact)'],
    ['serviceTime.p9999', 'histograms.serviceTimeUs (exact)'],
    ['status.404.rate', "totals.byStatus['404'] / totals.sent"],
  ])('resolves %s beyond the listed names', (name, reads) => {
    expect(metricByName(name)?.reads).toBe(reads);
  });

  it.each(['latency.p0', 'latency.p100', 'status.999.count', 'latency'])('has no metric %s', (name) => {
    expect(metricByName(name)).toBeUndefined();
  });
});
