/**
 * Non-local targets for run and capacity (as verify already did): the plan and its cost first,
 * then a refusal without --yes, and the --max-requests / --max-cost caps, all before any traffic.
 * The CLI processes preload test/helpers/no-remote.cjs, which logs every connect and refuses any
 * off this machine: the tests never pass --yes with a non-local target.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trafficPlanOf } from '../../src/cli/consent.ts';
import { isLocalTarget } from '../../src/core/local-target.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

const GUARD = fileURLToPath(new URL('../helpers/no-remote.cjs', import.meta.url));
const REMOTE = 'http://192.0.2.1/prod'; // TEST-NET-1 (RFC 5737): never routed

function guarded() {
  const dir = mkdtempSync(join(tmpdir(), 'lg-consent-'));
  const log = join(dir, 'connects.log');
  return { dir, log, env: { NODE_OPTIONS: `--require ${GUARD}`, LG_CONNECT_LOG: log }, connects: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter((l) => !/^(127\.|localhost|::1)/.test(l)) : []) };
}

describe('run and capacity against a non-local target', () => {
  it('run prints requests, duration, peak rate and cost, then refuses without --yes (exit 2, no connection)', async () => {
    const g = guarded();
    const run = await runCli(['run', '--target', REMOTE, '--rps', '10', '--duration', '2s', '-q', '--out', g.dir], { env: g.env });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      `run ${REMOTE}: 20 requests over 2.0 s, peak 10 rps; cost at API Gateway prices: REST API $0.00007, HTTP API $0.00002`,
      `loadgate: run: --target ${REMOTE} is not local: the run sends real traffic that may be billed; add --yes to go ahead`,
    ]);
    expect(g.connects()).toEqual([]);
  });

  it('capacity prints its budget as the plan and refuses without --yes', async () => {
    const g = guarded();
    const file = join(g.dir, 'remote.json');
    writeFileSync(file, JSON.stringify({ name: 'remote', target: REMOTE, phases: [{ shape: 'constant', rateRps: 1, duration: '1s' }] }));
    const run = await runCli(['capacity', file, '--max-total-requests', '5000', '--max-rate', '200', '--max-duration', '1m', '--out', g.dir], { env: g.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`capacity ${REMOTE}: 5,000 requests over 60.0 s, peak 200 rps; cost at API Gateway prices: REST API $0.02, HTTP API $0.005 (the budget: at most)`);
    expect(run.stderr).toContain('capacity: --target http://192.0.2.1/prod is not local');
    expect(g.connects()).toEqual([]);
  });
});

describe('caps, for any target', () => {
  it.each([
    { why: '--max-requests below the plan', args: ['--max-requests', '19'], line: 'loadgate: run: the plan sends 20 requests, over --max-requests 19; nothing was sent' },
    { why: '--max-cost below the plan at REST prices', args: ['--max-cost', '0.00005'], line: 'loadgate: run: the plan costs up to $0.00007 at REST API prices, over --max-cost $0.00005; nothing was sent' },
    { why: 'a cost that is not a number', args: ['--max-cost', '1e400'], line: 'loadgate: --max-cost: "1e400" is invalid (expected a number >= 0)' },
  ])('$why: exit 2 and not one request', async ({ args, line }) => {
    const server = await countingServer();
    try {
      const run = await runCli(['run', '--target', server.url, '--rps', '10', '--duration', '2s', '-q', '--no-cloudwatch', '--out', mkdtempSync(join(tmpdir(), 'lg-cap-')), ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toBe(line);
      expect(server.count()).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('the plan and what counts as local', () => {
  it.each([
    ['http://127.0.0.1:8080', true], ['http://127.9.9.9', true], ['http://localhost:3000/prod', true], ['http://[::1]:80', true],
    ['http://192.0.2.1', false], ['https://abc.execute-api.eu-west-1.amazonaws.com/prod', false], ['http://127.0.0.1.nip.io', false], ['http://0.0.0.0', false],
  ])('%s local: %s', (url, local) => {
    expect(isLocalTarget(url)).toBe(local);
  });

  it('peak rate across shapes; instant bursts apart', () => {
    const plan = trafficPlanOf([
      { shape: 'ramp', fromRps: 10, toRps: 200, durationMs: 60_000, arrivals: 'uniform' },
      { shape: 'burst', count: 300, spreadMs: 0, durationMs: 2000 },
      { shape: 'sine', meanRps: 100, amplitudeRps: 150, periodMs: 1000, durationMs: 1000, arrivals: 'uniform' },
      { shape: 'burst', count: 100, spreadMs: 250, durationMs: 250 },
    ], 6600);
    expect(plan).toEqual({ requests: 6600, durationMs: 63_250, peakRps: 400, largestBurst: 300 });
  });
});
