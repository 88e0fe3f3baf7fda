/**
 * Input checked before traffic (issue 12): header names and values, target URLs, non-finite
 * numbers and the stated caps, in flags and in scenario files alike. Each is one UsageError line
 * naming the flag or field; the CLI cases prove not one request reaches the target.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioFromFlags, type RunFlags } from '../../src/cli/scenario-flags.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { runCli } from '../helpers/cli.ts';
import { countingServer } from '../helpers/counting-server.ts';

const base: RunFlags = { method: 'GET', path: '/', header: [], gate: [], maxRegression: [], rps: '10', duration: '2s', target: 'http://127.0.0.1:9' };
const scenario = (extra: Record<string, unknown>, phase: Record<string, unknown> = { shape: 'constant', rateRps: 10, duration: '1s' }) =>
  ({ name: 's', target: 'http://127.0.0.1:9', phases: [phase], ...extra });

describe('flags', () => {
  it.each([
    { why: 'a header name with a space', flags: { header: ['bad name: v'] }, message: '--header: header name "bad name" is invalid (expected a token: letters, digits and !#$%&\'*+-.^_`|~, no spaces)' },
    { why: 'a CR/LF in a value (request splitting)', flags: { header: ['x-a: v\r\nx-injected: 1'] }, message: '--header.x-a: the header value contains CR at position 1 (a value is one line of printable characters)' },
    { why: 'a NUL in a value', flags: { header: ['x-a: v\u0000'] }, message: '--header.x-a: the header value contains NUL at position 1 (a value is one line of printable characters)' },
    { why: 'an empty host (WHATWG reads it as host "path")', flags: { target: 'http:///path' }, message: '--target: "http:///path" is invalid (expected a URL with a host, such as http://127.0.0.1:8080/prod)' },
    { why: 'a non-http scheme', flags: { target: 'ftp://127.0.0.1/x' }, message: '--target: "ftp://127.0.0.1/x" is invalid (expected an http:// or https:// URL)' },
    { why: 'credentials in the URL (masked in the message)', flags: { target: 'http://user:s3cret@127.0.0.1:9' }, message: '--target: "http://****@127.0.0.1:9" is invalid (expected a URL without user:password@ (send credentials as a header: --header \'authorization: ...\'))' },
    { why: 'a rate of 1e400 (Infinity)', flags: { rps: '1e400' }, message: '--rps: "1e400" is invalid (expected a number > 0 <= 1000000)' },
    { why: 'a rate over the cap', flags: { rps: '2e6' }, message: '--rps: 2000000 is invalid (expected a number > 0 <= 1000000)' },
    { why: 'a duration over 24 h', flags: { duration: '25h' }, message: '--duration: "25h" is invalid (expected a duration > 0 and <= 24 h)' },
  ])('refuse $why', ({ flags, message }) => {
    expect(() => scenarioFromFlags({ ...base, ...flags })).toThrow(message);
  });
});

describe('scenario files', () => {
  it.each([
    { why: 'a header name with a colon', raw: scenario({ requests: [{ headers: { 'x:y': 'v' } }] }), message: 'x.json: requests[0].headers: header name "x:y" is invalid' },
    { why: 'a LF in a header value', raw: scenario({ requests: [{ headers: { 'x-a': 'a\nb' } }] }), message: 'x.json: requests[0].headers.x-a: the header value contains LF at position 1' },
    { why: 'an empty-host target', raw: scenario({ target: 'https:///prod' }), message: 'x.json: target: "https:///prod" is invalid (expected a URL with a host' },
    { why: 'a rate of 1e400 (JSON reads Infinity)', raw: JSON.parse('{"name":"s","phases":[{"shape":"constant","rateRps":1e400,"duration":"1s"}]}'), message: 'x.json: phases[0].rateRps: Infinity is invalid (expected a number >= 0 <= 1000000)' },
    { why: 'a burst over the cap', raw: scenario({}, { shape: 'burst', count: 2_000_000 }), message: 'x.json: phases[0].count: 2000000 is invalid (expected an integer >= 1 <= 1000000)' },
    { why: 'a phase over 24 h', raw: scenario({}, { shape: 'constant', rateRps: 1, duration: '48h' }), message: 'x.json: phases[0].duration: "48h" is invalid (expected a duration <= 24 h)' },
    { why: 'phases adding up to more than 24 h', raw: { name: 's', phases: [{ shape: 'pause', duration: '20h' }, { shape: 'pause', duration: '20h' }] }, message: 'x.json: phases: 144000 s in all is invalid (expected at most 24 h)' },
    { why: 'a timeout over an hour', raw: scenario({ options: { timeout: '2h' } }), message: 'x.json: options.timeout: "2h" is invalid (expected a duration > 0 and <= 1 h)' },
  ])('refuse $why', ({ raw, message }) => {
    expect(() => validateScenario(raw, 'x.json')).toThrow(message);
  });
});

describe('through the CLI, before any traffic', () => {
  it.each([
    { why: 'a bad header name', args: ['--header', 'bad name: v'], line: /--header: header name "bad name" is invalid/ },
    { why: 'a CR/LF header value', args: ['--header', 'x-a: v\r\nx-b: 1'], line: /--header\.x-a: the header value contains CR/ },
  ])('$why: exit 2, one line, nothing sent', async ({ args, line }) => {
    const server = await countingServer();
    try {
      const run = await runCli(['run', '--target', server.url, '--rps', '20', '--duration', '2s', '-q', '--no-cloudwatch', '--out', mkdtempSync(join(tmpdir(), 'lg-in-')), ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(line);
      expect(server.count()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('a scenario file with a header value split by CRLF: exit 2 naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-in-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(scenario({ requests: [{ headers: { 'x-a': 'v\r\nHost: evil' } }] })));
    const run = await runCli(['run', file, '-q', '--out', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/bad\.json: requests\[0\]\.headers\.x-a: the header value contains CR at position 1/);
  });
});
