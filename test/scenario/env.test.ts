/** `${env:NAME}` in JSON scenarios: substituted everywhere a string or map key is, refused in one line when unset, never shown. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { knownSecrets, redactText } from '../../src/core/redact.ts';
import { substituteEnv, withoutEnvValues } from '../../src/scenario/env.ts';
import { displayPath, loadScenarioFile } from '../../src/scenario/load.ts';
import type { RunResult } from '../../src/result/schema.ts';

const env = { LG_KEY: 'k-gold-0001-secret', LG_TENANT: 'acme', LG_TOKEN: 'tok-"quoted"-0123456789' };

async function jsonScenario(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lg-env-'));
  const file = join(dir, 'env.json');
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe('substituteEnv', () => {
  it('fills headers, bodies at any depth, paths and map keys, whole or inside a string', () => {
    const { raw, secrets } = substituteEnv({
      requests: [{ path: '/t/${env:LG_TENANT}/orders', headers: { authorization: 'Bearer ${env:LG_TOKEN}' }, body: { nested: ['${env:LG_KEY}'] } }],
      limits: { apiKeys: { '${env:LG_KEY}': { usagePlan: 'gold' } } },
    }, 'x.json', env);
    expect(raw).toEqual({
      requests: [{ path: '/t/acme/orders', headers: { authorization: `Bearer ${env.LG_TOKEN}` }, body: { nested: [env.LG_KEY] } }],
      limits: { apiKeys: { [env.LG_KEY]: { usagePlan: 'gold' } } },
    });
    // "acme" is shorter than a secret can be: masking it would mask every word holding it.
    expect(secrets.map((s) => s.shownAs).sort()).toEqual(['${env:LG_KEY}', '${env:LG_TOKEN}']);
  });

  it('$${env:NAME} is the literal text, and numbers and booleans pass untouched', () => {
    expect(substituteEnv({ a: '$${env:LG_KEY}', n: 5, b: true, z: null }, 'x.json', env).raw).toEqual({ a: '${env:LG_KEY}', n: 5, b: true, z: null });
  });

  it.each([
    { why: 'an unset variable, named with its field', raw: { requests: [{ headers: { 'x-api-key': '${env:LG_MISSING}' } }] }, message: 'x.json: requests[0].headers.x-api-key: environment variable LG_MISSING is not set (the value of "${env:LG_MISSING}")' },
    { why: 'an unset variable in a map key', raw: { limits: { apiKeys: { '${env:LG_MISSING}': {} } } }, message: 'x.json: limits.apiKeys.${env:LG_MISSING}: environment variable LG_MISSING is not set (the value of "${env:LG_MISSING}")' },
    { why: 'a name that is no variable name', raw: { name: '${env:1BAD}' }, message: 'x.json: name: "${env:1BAD}" is invalid (expected ${env:NAME} with NAME of letters, digits and _, not starting with a digit)' },
  ])('refuses $why in one line', ({ raw, message }) => {
    let thrown: unknown;
    try {
      substituteEnv(raw, 'x.json', env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toBe(message);
  });
});

describe('loading a JSON scenario with environment values', () => {
  it('validates the filled values, and an invalid one is named by its ${env:} form, never its value', async () => {
    const secret = 'sk-live-0123456789abcdef';
    process.env.LG_TEST_BAD_HEADER = secret;
    try {
      const file = await jsonScenario({ name: 'env', requests: [{ path: '${env:LG_TEST_BAD_HEADER}' }], phases: [{ shape: 'pause', duration: '1s' }] });
      const error = await loadScenarioFile(file).then(() => undefined, (err: unknown) => err as UsageError);
      expect(error).toBeInstanceOf(UsageError);
      expect(error!.message).toBe(`${displayPath(file)}: requests[0].path: "\${env:LG_TEST_BAD_HEADER}" is invalid (expected a path starting with /)`);
      expect(error!.message).not.toContain('sk-live-0123');
      expect(error!.message).not.toMatch(/[\r\n]/);
    } finally {
      delete process.env.LG_TEST_BAD_HEADER;
    }
  });

  it('registers the values with the redaction point, so reports mask them', async () => {
    process.env.LG_TEST_NAME_SECRET = 'very-secret-tenant-name';
    try {
      const file = await jsonScenario({ name: 'run for ${env:LG_TEST_NAME_SECRET}', phases: [{ shape: 'pause', duration: '1s' }] });
      const scenario = await loadScenarioFile(file);
      expect(scenario.name).toBe('run for very-secret-tenant-name'); // sent as given
      // What every result writer and renderer masks (core/redact.ts), for any result of this process.
      const secrets = knownSecrets({} as RunResult);
      expect(secrets).toContain('very-secret-tenant-name');
      expect(redactText(`scenario ${scenario.name}`, secrets)).not.toContain('secret-tenant');
    } finally {
      delete process.env.LG_TEST_NAME_SECRET;
    }
  });

  it('a value cut short by the one-line limit is still not shown', () => {
    const value = 'p'.repeat(70) + 'SECRETTAIL';
    const err = UsageError.invalid('x.json', 'name', `prefix ${value}`, 'something');
    const clean = withoutEnvValues(err, [{ value, shownAs: '${env:LONG}' }]) as UsageError;
    expect(err.message).toContain('pppppppp');
    expect(clean.message).not.toContain('pppppppp');
  });
});
