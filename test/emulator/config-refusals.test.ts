/**
 * Emulator configs API Gateway itself would refuse: malformed route keys and canned bodies over
 * the 10 MB payload cap. Each is one UsageError line naming file, field and value (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { UsageError } from '../../src/errors.ts';

const CLI = new URL('./fixtures/emulator-cli.ts', import.meta.url).pathname;

function refusal(raw: unknown): UsageError {
  try {
    parseEmulatorConfig(raw, 'emu.json');
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`accepted: ${JSON.stringify(raw).slice(0, 200)}`);
}

describe('route keys', () => {
  it.each([
    { why: 'unbalanced brace', key: 'GET /a/{id', expect: /each \{parameter\} as a whole segment, braces balanced/ },
    { why: 'closing brace only', key: 'GET /a/id}', expect: /braces balanced/ },
    { why: 'parameter inside a literal', key: 'GET /a/x{id}', expect: /as a whole segment/ },
    { why: 'empty parameter name', key: 'GET /a/{}', expect: /as a whole segment/ },
    { why: 'nested braces', key: 'GET /a/{{id}}', expect: /as a whole segment/ },
    { why: 'duplicate parameter name', key: 'GET /a/{id}/{id}', expect: /"id" appears twice/ },
    { why: 'duplicate across greedy', key: 'GET /a/{id}/b/{id+}', expect: /"id" appears twice/ },
    { why: 'greedy not last', key: 'GET /{proxy+}/a', expect: /only at the end/ },
    { why: 'empty segment', key: 'GET /a//b', expect: /without empty segments/ },
    { why: 'trailing slash', key: 'GET /a/', expect: /without empty segments/ },
    { why: 'query in a route', key: 'GET /a?b=1', expect: /the query string is not part of a route/ },
    { why: 'percent in a route', key: 'GET /a%20b', expect: /"%"/ },
    { why: 'unknown method', key: 'FETCH /a', expect: /a route key such as "GET \/items"/ },
    { why: 'no path', key: 'GET', expect: /a route key such as/ },
    { why: 'relative path', key: 'GET a/b', expect: /a route key such as/ },
  ])('$why: $key', ({ key, expect: reason }) => {
    const err = refusal({ routes: { [key]: {} } });
    expect(err.message).toMatch(reason);
    expect(err.message.startsWith(`emu.json: routes.${key}: ${JSON.stringify(key)} is invalid (expected `)).toBe(true);
    expect(err.message).not.toContain('\n');
  });

  it('the same keys are refused where limits name them (stage route overrides, usage plan methods)', () => {
    expect(refusal({ stages: { prod: { routes: { 'GET /a/{id': { throttle: { rateRps: 1, burst: 1 } } } } } }).message).toMatch(/stages\.prod\.routes\.GET \/a\/\{id: .*braces balanced/);
  });

  it.each(['GET /', 'ANY /{proxy+}', 'GET /users/{id}/orders/{orderId}', 'get /a.b/{x_y-z.w}', '$default'])('accepts %s', (key) => {
    const type = key === '$default' ? 'http' : 'rest';
    expect(() => parseEmulatorConfig({ api: { type }, routes: { [key]: {} } }, 'emu.json')).not.toThrow();
  });
});

describe('canned bodies over the 10 MB payload cap', () => {
  const cap = 10 * 1024 * 1024;
  it.each([
    { why: 'mock, string body', integration: { type: 'mock', body: 'a'.repeat(cap + 1) }, bytes: cap + 1 },
    { why: 'mock, JSON body', integration: { type: 'mock', body: { a: 'b'.repeat(cap) } }, bytes: cap + 8 },
    { why: 'lambda body', integration: { type: 'lambda', reservedConcurrency: 1, body: 'é'.repeat(cap / 2 + 1) }, bytes: cap + 2 },
  ])('$why: refused, naming the field and the size', ({ integration, bytes }) => {
    const err = refusal({ routes: { 'GET /big': { integration } } });
    expect(err.message).toBe(`emu.json: routes.GET /big.integration.body: a body of ${bytes} bytes is invalid (expected at most ${cap} bytes, API Gateway's payload cap)`);
  });

  it('a body of exactly 10 MB is served as configured', () => {
    const config = parseEmulatorConfig({ routes: { 'GET /big': { integration: { type: 'mock', body: 'a'.repeat(cap) } } } }, 'emu.json');
    const spec = config.routes['GET /big'].integration;
    expect(spec.type === 'mock' && spec.body.length).toBe(cap);
  });
});

describe('found by fuzzing', () => {
  it('a 1xx mock status is refused: HTTP/1.1 has no final 1xx answer, a client would hang', () => {
    expect(refusal({ routes: { 'GET /a': { integration: { type: 'mock', status: 100 } } } }).message).toBe('emu.json: routes.GET /a.integration.status: 100 is invalid (expected an integer >= 200 <= 599)');
  });

  it('a field name with a newline still gives one line', () => {
    const err = refusal({ routes: { 'GET /a': { integration: { type: 'mock', latencyMs: { lognormal: { 'media\n': 1 } } } } } });
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('lognormal.media\\n: unknown field');
  });
});

describe('canned headers that would frame the body', () => {
  // The emulator writes content-length from the body; a canned one that disagreed left the client waiting.
  it.each(['Content-Length', 'content-length', 'Transfer-Encoding'])('%s in a mock is refused, naming the field', (name) => {
    const err = refusal({ routes: { 'GET /a': { integration: { type: 'mock', body: 'ok', headers: { [name]: '5' } } } } });
    expect(err.message).toBe(`emu.json: routes.GET /a.integration.headers.${name}: "${name}" is invalid (expected a header other than content-length and transfer-encoding, which the emulator sets from the body)`);
  });

  it('other headers are kept, lower-cased', () => {
    const config = parseEmulatorConfig({ routes: { 'GET /a': { integration: { type: 'mock', headers: { 'Content-Type': 'text/plain', 'X-Length': '5' } } } } }, 'emu.json');
    const spec = config.routes['GET /a'].integration;
    expect(spec.type === 'mock' && spec.headers).toEqual({ 'content-type': 'text/plain', 'x-length': '5' });
  });
});

describe('through the CLI', () => {
  it('a malformed route key in a config file: exit 2, one line naming file, field and value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-routes-'));
    try {
      const file = join(dir, 'emu.json');
      writeFileSync(file, JSON.stringify({ routes: { 'GET /a/{id}/{id}': {} } }));
      const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'emulator', '--config', file, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`loadgate: ${file}: routes.GET /a/{id}/{id}: "GET /a/{id}/{id}" is invalid (expected each path parameter named once ("id" appears twice))\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
