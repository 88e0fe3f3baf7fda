/**
 * Request flags given with a scenario file apply or are refused, never ignored: `--header` sets
 * its header on every request over the file's own; `--method`, `--path`, `--body`, `--rps` and
 * `--duration` describe a one-liner and are refused in one line (exit 2) before any traffic.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { withOverrides, type RunFlags } from '../../src/cli/scenario-flags.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { runCli } from '../helpers/cli.ts';

const none: RunFlags = { header: [], gate: [], maxRegression: [] };
const fromFile = validateScenario({
  name: 'two requests',
  requests: [{ path: '/a', headers: { 'X-Api-Key': 'from-file', accept: 'text/plain' } }, { method: 'POST', path: '/b', body: { a: 1 } }],
  phases: [{ shape: 'constant', rateRps: 5, duration: '1s' }],
}, 'scenarios/two.json');

describe('request flags with a scenario file', () => {
  it.each([
    ['method', '--method', 'POST', 'requests[].method'],
    ['path', '--path', '/x', 'requests[].path'],
    ['body', '--body', '{}', 'requests[].body'],
    ['rps', '--rps', '10', 'phases'],
    ['duration', '--duration', '5s', 'phases'],
  ] as const)('%s is refused in one line naming the flag, the file and its field', async (key, flag, value, field) => {
    const attempt = withOverrides(fromFile, { ...none, [key]: value });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(`${flag} is for one-liners and cannot apply to scenarios/two.json, whose ${field} already say it`);
  });

  it('--header sets the header on every request, over the file\'s own of the same name in any case', async () => {
    const s = await withOverrides(fromFile, { ...none, header: ['x-api-key: from-flag', 'X-Trace: 1'] });
    expect(s.requests.map((r) => r.headers)).toEqual([
      { 'x-api-key': 'from-flag', accept: 'text/plain', 'x-trace': '1' },
      { 'content-type': 'application/json', 'x-api-key': 'from-flag', 'x-trace': '1' },
    ]);
    expect(fromFile.requests[0]!.headers['x-api-key']).toBe('from-file'); // the loaded scenario is not changed
  });

  it('a bad --header is refused as for a one-liner', async () => {
    await expect(withOverrides(fromFile, { ...none, header: ['x-bad header: 1'] })).rejects.toThrow(/^--header: /);
  });
});

describe('as users run it: a JSON scenario with ${env:} values and --header, against the emulator', () => {
  it('sends the environment\'s key, lets --header win over the file, and writes neither secret anywhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lg-env-cli-'));
    const key = 'k-gold-env-0123456789';
    const tenant = 'tenant-secret-4242';
    await writeFile(join(dir, 'env.json'), JSON.stringify({
      name: 'env for ${env:LG_E2E_TENANT}',
      requests: [
        { name: 'keyed', path: '/keyed?tenant=${env:LG_E2E_TENANT}', headers: { 'x-api-key': '${env:LG_E2E_KEY}' } },
        { name: 'flagged', path: '/flagged', headers: { 'x-trace': 'file' } },
      ],
      phases: [{ shape: 'constant', rateRps: 20, duration: '1s' }],
      emulator: {
        routes: {
          'GET /keyed': { apiKeyRequired: true, integration: { type: 'mock', status: 200 } },
          'GET /flagged': { apiKeyRequired: true, integration: { type: 'mock', status: 200 } },
        },
        apiKeys: { '${env:LG_E2E_KEY}': { usagePlan: 'gold' } },
        usagePlans: { gold: { throttle: { rateRps: 1000, burst: 1000 } } },
      },
    }));
    const out = join(dir, 'out');
    const env = { LG_E2E_KEY: key, LG_E2E_TENANT: tenant };
    // The second request has no key in the file: only --header gives it one (else 403).
    const run = await runCli(['run', join(dir, 'env.json'), '--header', `x-api-key: ${key}`, '--no-cloudwatch', '--allow-unkept-schedule', '-q', '--out', out], { env, timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    expect(result.totals.byStatus).toEqual({ 200: 20 });

    const refused = await runCli(['run', join(dir, 'env.json'), '--path', '/other', '--out', join(dir, 'never')], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('--path is for one-liners');

    const written = [run.stdout, run.stderr, refused.stderr];
    for (const name of await readdir(out)) written.push((await readFile(join(out, name))).toString('latin1'));
    for (const text of written) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(tenant);
    }
    expect(result.scenario.name).toMatch(/^env for tena\*\*\*\*$/);
  }, 120_000);
});
