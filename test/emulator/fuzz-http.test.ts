/**
 * Fuzzing the running emulator over raw sockets (issue 12 item 8, emulator half): random
 * methods, paths of random bytes and percent-encodings, header junk, bodies of every framing,
 * pipelined and truncated requests on the API port; gzip junk and random members on the
 * CloudWatch port. Properties: every answer is a well-formed HTTP/1.1 response whose body has
 * the endpoint's shape (API Gateway `{"message"}` or CloudWatch `{"__type","message"}`, or what
 * an integration was configured to answer), and a known-good request is still served after
 * every case. Bounded by run counts (a few seconds each here; the timeouts only guard a loaded
 * machine). Seeded: FUZZ_SEED=<n> replays a run; the seed is in the test name and in
 * fast-check's failure message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.ts';
import { exchangeRaw, parseResponses, type RawResponse } from './raw-http.ts';
import { rawRequest, cloudWatchCall } from './fuzz-arbitraries.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const MOCK_BODY = '{"ok":true}';
const LAMBDA_BODY = '{"fn":1}';

let target: Server;
const emulators: Record<'rest' | 'http', RunningEmulator> = {} as Record<'rest' | 'http', RunningEmulator>;

beforeAll(async () => {
  target = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ echo: req.url }));
  });
  await new Promise<void>((done) => target.listen(0, '127.0.0.1', () => done()));
  const origin = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  for (const type of ['rest', 'http'] as const) {
    const config = parseEmulatorConfig({
      api: { type },
      payloadLimitBytes: 4096,
      stages: { [type === 'rest' ? 'prod' : '$default']: { throttle: { rateRps: 5000, burst: 200 } } },
      routes: {
        'GET /items': { integration: { type: 'mock', body: { ok: true } } },
        'ANY /users/{id}': { integration: { type: 'http', url: `${origin}/{id}` } },
        'ANY /files/{proxy+}': { integration: { type: 'http', url: `${origin}/f/{proxy}` } },
        'POST /fn': { integration: { type: 'lambda', reservedConcurrency: 4, body: { fn: 1 } } },
      },
    }, `fuzz-${type}.json`);
    // The CloudWatch-only listener (--cloudwatch-port) is fuzzed below on its own: its malformed requests get CloudWatch's shape.
    emulators[type] = await startEmulator(config, { cloudwatchPort: 0 });
  }
});
afterAll(async () => {
  await Promise.all(Object.values(emulators).map((e) => e.close()));
  await new Promise<void>((done) => target.close(() => done()));
});

const portOf = (url: string): number => Number(new URL(url).port);

/** What a body may be: the gateway's `{"message"}`, REST's 413 text, or a configured answer. */
function gatewayShaped(r: RawResponse, head: boolean): boolean {
  const text = r.body.toString('utf8');
  if (head && text === '') return true;
  if (text === MOCK_BODY || text === LAMBDA_BODY) return r.status === 200;
  if (text === 'HTTP content length exceeded 10485760 bytes.') return r.status === 413;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed.echo === 'string') return r.status === 200;
    return typeof parsed.message === 'string' && Object.keys(parsed).length === 1;
  } catch {
    return false;
  }
}

async function knownGood(type: 'rest' | 'http'): Promise<void> {
  const base = type === 'rest' ? emulators.rest.stages.prod : emulators.http.stages.$default;
  const r = await request(`${base}/items`, { headers: { connection: 'close' } });
  expect(r.statusCode).toBe(200);
  expect(await r.body.text()).toBe(MOCK_BODY);
}

describe(`the emulator under raw-socket fuzzing (seed ${SEED})`, () => {
  it.each(['rest', 'http'] as const)('%s API port: well-formed, gateway-shaped answers; a good request is served after each case', async (type) => {
    const emulator = emulators[type];
    const port = portOf(Object.values(emulator.stages)[0]);
    const idHeader = type === 'rest' ? 'x-amzn-requestid' : 'apigw-requestid';
    await fc.assert(
      fc.asyncProperty(rawRequest(type === 'rest' ? '/prod' : ''), async (c) => {
        const bytes = await exchangeRaw(port, c.chunks, { endAfter: c.endAfter, quietMs: 120 });
        const responses = parseResponses(bytes, (i) => c.heads[i] === true);
        for (const [i, r] of responses.entries()) {
          if (!r.headers[idHeader]) throw new Error(`no ${idHeader} on ${r.status}: ${JSON.stringify(r.headers)}`);
          if (!gatewayShaped(r, c.heads[i] === true)) throw new Error(`not gateway-shaped: ${r.status} ${JSON.stringify(r.body.toString('utf8').slice(0, 200))}`);
        }
        if (c.complete && responses.length === 0) throw new Error('a complete request got no answer');
        await knownGood(type);
      }),
      { seed: SEED, numRuns: type === 'rest' ? 100 : 60 },
    );
    expect(emulator.health().internalErrors).toBe(0);
  }, 60_000);

  it('CloudWatch port: every answer is CloudWatch-shaped, and ListMetrics still answers after each case', async () => {
    const port = portOf(emulators.rest.cloudwatchEndpoint);
    await fc.assert(
      fc.asyncProperty(cloudWatchCall(), async (c) => {
        const bytes = await exchangeRaw(port, c.chunks, { endAfter: true, quietMs: 120 });
        for (const r of parseResponses(bytes)) {
          if (!r.headers['x-amzn-requestid']) throw new Error(`no x-amzn-requestid on ${r.status}`);
          const body = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
          if (r.status === 200) {
            if (!('Metrics' in body) && !('MetricDataResults' in body)) throw new Error(`200 without a result: ${JSON.stringify(body).slice(0, 200)}`);
          } else if (typeof body.__type !== 'string' || typeof body.message !== 'string' || !r.headers['x-amzn-query-error']) {
            throw new Error(`not CloudWatch-shaped: ${r.status} ${JSON.stringify(body).slice(0, 200)}`);
          }
        }
        const ok = await request(emulators.rest.cloudwatchEndpoint, {
          method: 'POST',
          headers: { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics', 'content-encoding': 'gzip', connection: 'close' },
          body: gzipSync('{}'),
        });
        expect(ok.statusCode).toBe(200);
        await ok.body.dump();
      }),
      { seed: SEED, numRuns: 80 },
    );
  }, 60_000);
});
