/**
 * Fuzzing emulator configs (issue 12 item 8, emulator half): documents built from parts that are
 * each usually valid and sometimes junk (route keys, integrations, throttles, keys and plans,
 * top-level settings), and JSON text with random damage. Property: either the config is refused
 * with one UsageError line naming the file, or a valid emulator starts and answers in the
 * gateway's shape; never another error, never a stack trace. Seeded: FUZZ_SEED=<n> replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadEmulatorConfig, parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator } from '../../src/emulator/server.ts';
import { UsageError } from '../../src/errors.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CLI = new URL('./fixtures/emulator-cli.ts', import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lg-fuzzcfg-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Config documents; with `junk`, every part is sometimes anything at all and the route keys,
 * numbers and names stray outside what API Gateway accepts.
 */
function documents(junk: boolean): fc.Arbitrary<unknown> {
  /** Mostly `good`, sometimes (with junk) anything at all. */
  const usually = <T,>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => (junk ? fc.oneof({ weight: 20, arbitrary: good }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) }) : good);
  const pick = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> => (junk ? fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: bad }) : good);
  const count = usually(pick(fc.integer({ min: 1, max: 5000 }), fc.oneof(fc.double({ min: -10, max: 1e6 }), fc.constantFrom(-1, 0, 1e400, Number.NaN))));
  const throttle = usually(pick(fc.record({ rateRps: count, burst: count }), fc.record({ rateRps: count, burst: count }, { requiredKeys: [] })));
  const segment = pick(
    fc.oneof(fc.constantFrom('items', 'users', '{id}', '{x}'), fc.stringMatching(/^[a-z0-9._-]{1,8}$/)),
    fc.constantFrom('{id', 'id}', '{}', '', 'a b', '%41', '?q', '{x+}', 'é', '{id}'),
  );
  const routeKey = pick(
    fc.oneof(
      fc.constantFrom('GET /', 'ANY /{proxy+}', 'GET /items', 'POST /users/{id}'),
      fc.tuple(fc.constantFrom('GET', 'POST', 'ANY', 'get'), fc.array(segment, { maxLength: 4 })).map(([m, segs]) => `${m} /${segs.join('/')}`),
    ),
    fc.oneof(
      fc.tuple(fc.constantFrom('GET', 'FETCH', ''), fc.constantFrom(' ', '\t', ''), fc.array(segment, { maxLength: 4 })).map(([m, sp, segs]) => `${m}${sp}/${segs.join('/')}`),
      fc.string({ maxLength: 20 }),
      fc.constant('$default'),
    ),
  );
  // Latencies stay small so that every started emulator answers at once.
  const ms = usually(pick(fc.integer({ min: 0, max: 20 }), fc.oneof(fc.double({ min: -10, max: 1e6 }), fc.constantFrom(-1, 1e400, Number.NaN))));
  const latency = usually(fc.oneof(ms, fc.record({ fixed: ms }), fc.record({ uniform: fc.record({ min: ms, max: ms }) }), fc.record({ lognormal: fc.record({ median: ms, sigma: fc.constantFrom(0, 0.1) }) }), pick(fc.record({ normal: fc.record({ mean: ms, stdDev: ms }) }), fc.record({ normal: fc.record({ mean: ms, stdDev: ms }), fixed: ms }))));
  const answer = {
    status: usually(fc.integer({ min: 100, max: 599 })),
    body: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 })),
    headers: usually(fc.dictionary(pick(fc.stringMatching(/^[a-z-]{1,10}$/), fc.string({ maxLength: 6 })), fc.string({ maxLength: 10 }), { maxKeys: 3 })),
    latencyMs: latency,
  };
  const lambda = { reservedConcurrency: count, queueLimit: count, throttledStatus: usually(pick(fc.constantFrom(500, 502), fc.constantFrom(503, 0))) };
  const url = usually(pick(fc.constantFrom('http://127.0.0.1:9/{id}', 'https://127.0.0.1:9/x'), fc.constantFrom('ftp://x', 'not a url', 'http://[::1/{proxy}')));
  const integration = usually(
    pick(
      fc.oneof(
        fc.record({ type: fc.constant('mock'), ...answer }, { requiredKeys: ['type'] }),
        fc.record({ type: fc.constant('lambda'), ...answer, ...lambda }, { requiredKeys: ['type', 'reservedConcurrency'] }),
        fc.record({ type: fc.constant('http'), url }),
      ),
      fc.record({ type: fc.constantFrom('grpc', 'MOCK', '', 'mock', 'http', 'lambda'), ...answer, ...lambda, url }, { requiredKeys: [] }),
    ),
  );
  const document = fc.record(
    {
      api: usually(fc.record({ type: pick(fc.constantFrom('rest', 'http'), fc.constantFrom('ws', 'REST')), name: pick(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 4 })) }, { requiredKeys: [] })),
      account: throttle,
      stages: usually(fc.dictionary(pick(fc.constantFrom('prod', 'dev'), fc.constantFrom('$default', 'bad name', '')), fc.record({ throttle, routes: usually(fc.dictionary(routeKey, fc.record({ throttle }), { maxKeys: 2 })) }, { requiredKeys: [] }), { maxKeys: 2 })),
      routes: usually(fc.dictionary(routeKey, fc.record({ integration, apiKeyRequired: usually(fc.boolean()) }, { requiredKeys: [] }), { maxKeys: 4 })),
      apiKeys: usually(fc.dictionary(fc.constantFrom('k-1', 'k-2'), fc.record({ usagePlan: pick(fc.constant('gold'), fc.constant('none')) }), { maxKeys: 2 })),
      usagePlans: usually(fc.dictionary(fc.constantFrom('gold'), fc.record({ throttle, quota: usually(fc.record({ limit: count, period: pick(fc.constantFrom('DAY', 'WEEK', 'MONTH'), fc.constant('YEAR')) })) }, { requiredKeys: [] }), { maxKeys: 1 })),
      integrationTimeoutMs: count,
      payloadLimitBytes: count,
      detailedMetrics: usually(fc.boolean()),
    },
    { requiredKeys: [] },
  ).chain((doc) => fc.oneof({ weight: 15, arbitrary: fc.constant(doc) }, { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }).map((surprise) => ({ ...doc, surprise })) }));
  if (junk) return document;
  // A valid document keeps keys and plans together, and off HTTP APIs (which have none).
  return document.map((doc) => {
    const d = { ...(doc as Record<string, unknown>) };
    const api = d.api as { type?: string } | undefined;
    if (api?.type === 'http' || !Object.hasOwn((d.usagePlans as object | undefined) ?? {}, 'gold')) delete d.apiKeys;
    if (api?.type === 'http') delete d.usagePlans;
    if (api?.type !== 'http' && d.routes !== undefined) d.routes = Object.fromEntries(Object.entries(d.routes as object).filter(([k]) => k !== '$default'));
    return d;
  });
}

const document = fc.oneof(documents(false), documents(true));

/** The refusal must be our one-line UsageError, naming the file first. */
function checkRefusal(err: unknown, file: string): void {
  if (!(err instanceof UsageError)) throw new Error(`not a UsageError: ${err instanceof Error ? err.stack : String(err)}`);
  if (!err.message.startsWith(`${file}: `) || err.message.includes('\n') || err.message.length > 400) {
    throw new Error(`not one line naming the file: ${JSON.stringify(err.message)}`);
  }
}

describe(`emulator configs under fuzzing (seed ${SEED})`, () => {
  it('a random document is refused in one line, or a valid emulator starts and answers', async () => {
    const seen = { refused: 0, started: 0 };
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        let config;
        try {
          config = parseEmulatorConfig(doc, 'fuzz.json');
        } catch (err) {
          checkRefusal(err, 'fuzz.json');
          if (process.env.FUZZ_VERBOSE) console.log((err as Error).message.slice(0, 160));
          seen.refused++;
          return;
        }
        seen.started++;
        if (process.env.FUZZ_VERBOSE) console.log('started', JSON.stringify(doc).slice(0, 200));
        const emulator = await startEmulator(config);
        try {
          const r = await request(`${Object.values(emulator.stages)[0]}/items`, { headers: { connection: 'close' } });
          expect(r.statusCode).toBeGreaterThanOrEqual(100);
          await r.body.dump();
        } finally {
          await emulator.close();
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
    // The generator must exercise both sides of the property to mean anything.
    expect(seen.refused).toBeGreaterThan(25);
    expect(seen.started).toBeGreaterThan(25);
  }, 60_000);

  it('damaged JSON text is refused in one line naming the file', async () => {
    const damaged = fc.tuple(document, fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '{', '}', '"', ',', ':', '\\', '\u0000', 'é', ']')), { minLength: 1, maxLength: 3 })).map(([doc, edits]) => {
      let text = JSON.stringify(doc) ?? '';
      for (const [at, insert] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        text = text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
      }
      return text;
    });
    const file = join(dir, 'damaged.json');
    await fc.assert(
      fc.asyncProperty(damaged, async (text) => {
        writeFileSync(file, text);
        try {
          await loadEmulatorConfig(file);
        } catch (err) {
          checkRefusal(err, file);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('through the CLI: exit 2 with one line on stderr, or it serves until SIGTERM (a few sampled configs)', async () => {
    const samples = fc.sample(document, { seed: SEED, numRuns: 3 });
    for (const [i, doc] of samples.entries()) {
      const file = join(dir, `cli-${i}.json`);
      writeFileSync(file, JSON.stringify(doc) ?? 'null');
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'emulator', '--config', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c;
        // A valid config serves: stop it as a user would.
        if (stdout.includes('endpoint: ')) child.kill('SIGTERM');
      });
      child.stderr.on('data', (c: Buffer) => (stderr += c));
      const exited = once(child, 'exit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      if (code === 2) expect(stderr).toMatch(new RegExp(`^loadgate: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [^\\n]+\\n$`));
      else {
        expect({ code, stdout }).toMatchObject({ code: 0, stdout: expect.stringMatching(/endpoint: http:\/\/127\.0\.0\.1:\d+/) });
        expect(stderr).not.toMatch(/\n\s+at /);
      }
    }
  }, 60_000);
});
