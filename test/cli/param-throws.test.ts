/**
 * A scenario's param function that throws on arrival 499: sending stops there, the 499 requests
 * already sent are measured and written, and one line names the scenario file, the request and
 * the parameter (exit 2: the scenario is configuration).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardRequests } from '../../src/load/param-guard.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

describe('a param function that throws', () => {
  it('stops sending, keeps the 499 measured requests and names file, request and param (exit 2)', async () => {
    const server = await countingServer();
    const dir = mkdtempSync(join(tmpdir(), 'lg-param-'));
    const file = join(dir, 'throws.mjs');
    writeFileSync(file, `export default {
  name: 'throws', target: ${JSON.stringify(server.url)},
  requests: [{ name: 'user', path: '/users/{id}', params: { id: ({ index }) => { if (index === 499) throw new Error('no user for 499'); return index; } } }],
  phases: [{ shape: 'constant', rateRps: 1000, duration: '1s' }],
  aws: { cloudwatch: false },
};\n`);
    try {
      const run = await runCli(['run', file, '-q', '--out', join(dir, 'out')]);
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(`loadgate: ${file}: requests[0] ("user") param "id": the function threw for arrival 499: no user for 499; sending stopped, the 499 requests sent before it are measured in ${join(dir, 'out', 'result.json')}`);
      const result = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8'));
      expect(result.totals.sent).toBe(499);
      expect(server.count()).toBe(499);
      expect(result.totals.completed).toBe(499);
      expect(result.interrupted).toBe(true);
      expect(result.interruptReason).toBe('stopped early: the scenario threw preparing arrival 499');
    } finally {
      await server.close();
    }
  });
});

describe('guardRequests', () => {
  const cursor = (times: number[]) => ({ next: () => times.shift() ?? Infinity });

  it('hands the open loop the request it prepared, and prepares any other index afresh', () => {
    const calls: number[] = [];
    const factory = { prepare: (i: number) => (calls.push(i), { requestIndex: 0, method: 'GET', path: `/${i}`, headers: {}, body: undefined }) };
    const guarded = guardRequests(cursor([1, 2]), factory, () => undefined);
    expect(guarded.arrivals.next()).toBe(1);
    expect(guarded.factory.prepare(0).path).toBe('/0');
    expect(guarded.factory.prepare(0).path).toBe('/0'); // a second ask is prepared again, not stale
    expect(calls).toEqual([0, 0]);
  });

  it('ends the schedule at the arrival whose request throws, once', () => {
    const failures: number[] = [];
    const factory = { prepare: (i: number) => { if (i === 1) throw new Error('x'); return { requestIndex: 0, method: 'GET', path: '/', headers: {}, body: undefined }; } };
    const guarded = guardRequests(cursor([1, 2, 3]), factory, (_err, i) => failures.push(i));
    expect([guarded.arrivals.next(), guarded.arrivals.next(), guarded.arrivals.next()]).toEqual([1, Infinity, Infinity]);
    expect(failures).toEqual([1]);
  });
});
