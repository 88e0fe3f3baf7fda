/**
 * `loadgate capacity` stops through the same paths as `run`: Ctrl-C during a step (exit 130,
 * result.json written) and a param function that throws (exit 2, one line, result.json written).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

const capacityArgs = (file: string, out: string) => ['capacity', file, '--start', '20', '--factor', '2', '--max-rate', '80', '--step-duration', '2s', '--rest', '0s', '-q', '--out', out];

describe('capacity stops', () => {
  it('on Ctrl-C during a step: exit 130 within 3 s, result.json interrupted', async () => {
    const server = await countingServer();
    const dir = mkdtempSync(join(tmpdir(), 'lg-capstop-'));
    const file = join(dir, 'steady.json');
    writeFileSync(file, JSON.stringify({ name: 'steady', target: server.url, phases: [{ shape: 'constant', rateRps: 1, duration: '1s' }], aws: { cloudwatch: false } }));
    try {
      let sentAt = 0;
      const run = await runCli(capacityArgs(file, dir), {
        onStart: (child) => void server.firstRequest.then(() => ((sentAt = performance.now()), child.kill('SIGINT'))),
      });
      expect(performance.now() - sentAt).toBeLessThan(3000);
      expect(run.code).toBe(130);
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
      expect(result.kind).toBe('capacity');
      expect(result.interrupted).toBe(true);
      expect(result.capacity.steps).toEqual([]); // the step cut short is not judged
      expect(result.totals.sent).toBe(server.count()); // but what it sent is kept
      expect(result.totals.sent).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('when a param function throws: exit 2 naming the file and param, what was measured written', async () => {
    const server = await countingServer();
    const dir = mkdtempSync(join(tmpdir(), 'lg-capstop-'));
    const file = join(dir, 'throws.mjs');
    writeFileSync(file, `export default { name: 'throws', target: ${JSON.stringify(server.url)},
  requests: [{ path: '/items/{id}', params: { id: ({ index }) => { if (index === 25) throw new Error('bad id'); return index; } } }],
  phases: [{ shape: 'constant', rateRps: 1, duration: '1s' }], aws: { cloudwatch: false } };\n`);
    try {
      const run = await runCli(capacityArgs(file, dir));
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toBe(`loadgate: ${file}: requests[0] ("GET /items/{id}") param "id": the function threw for arrival 25: bad id; sending stopped, the 25 requests sent before it are measured in ${join(dir, 'result.json')}`);
      expect(existsSync(join(dir, 'result.json'))).toBe(true);
      expect(server.count()).toBe(25);
    } finally {
      await server.close();
    }
  });
});
