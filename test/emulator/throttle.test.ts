import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ManualEmulatorClock } from '../../src/emulator/clock.ts';
import { APIGW_ID, countByStatus, harness, UUID, type Answer, type Harness } from './helpers.ts';

const SHOP = JSON.parse(readFileSync(new URL('../../scenarios/emulator/shop.json', import.meta.url), 'utf8'));
/** 2026-03-10 23:59:00 UTC: one minute before a UTC day boundary. */
const NEAR_MIDNIGHT = Date.UTC(2026, 2, 10, 23, 59, 0);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function expectThrottled(a: Answer): void {
  expect(a.body).toBe('{"message":"Too Many Requests"}');
  expect(a.headers['x-amzn-errortype']).toBe('TooManyRequestsException');
  expect(a.headers['content-type']).toBe('application/json');
  expect(a.headers['x-amzn-requestid']).toMatch(UUID);
  expect(a.headers['x-amz-apigw-id']).toMatch(APIGW_ID);
  expect(a.headers['retry-after']).toBeUndefined();
}

describe('stage throttle: rate 100 / burst 50 (the shop config as written)', () => {
  it('admits the burst of 50 out of 300 sent at one instant, then the rate', async () => {
    const clock = new ManualEmulatorClock(NEAR_MIDNIGHT - 3_600_000);
    h = await harness(SHOP, { clock });
    const first = await h.burst(300, '/prod/items');
    expect(countByStatus(first)).toEqual({ 200: 50, 429: 250 });
    for (const a of first.filter((x) => x.status === 429)) expectThrottled(a);
    const ok = first.find((x) => x.status === 200) as Answer;
    expect(ok.headers['x-amzn-requestid']).toMatch(UUID);
    expect(new Set(first.map((a) => a.headers['x-amzn-requestid'])).size).toBe(300);

    // The next second, 200 requests spread evenly (one every 5 ms = half a token each): 100 pass.
    let admitted = 0;
    for (let i = 0; i < 200; i++) {
      clock.advance(5);
      if ((await h.send('GET', '/prod/items')).status === 200) admitted++;
    }
    expect(admitted).toBe(100);
    // A second of silence refills the bucket to its burst, not beyond.
    clock.advance(1_000);
    expect(countByStatus(await h.burst(300, '/prod/items'))).toEqual({ 200: 50, 429: 250 });
  });

  it('on the real clock, a burst of 300 gets the burst and at most what the rate refilled meanwhile', async () => {
    h = await harness(SHOP);
    const t0 = performance.now();
    const answers = await h.burst(300, '/prod/items');
    const elapsedS = (performance.now() - t0) / 1000;
    const ok = countByStatus(answers)[200] ?? 0;
    expect(ok).toBeGreaterThanOrEqual(50);
    expect(ok).toBeLessThanOrEqual(50 + Math.ceil(100 * elapsedS) + 1);
    expect(ok + (countByStatus(answers)[429] ?? 0)).toBe(300);
  });
});

describe('the tighter limit wins across levels', () => {
  it('a per-route override (20/10) limits its route below the stage default (100/50)', async () => {
    h = await harness(SHOP, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    expect(countByStatus(await h.burst(60, '/prod/slow'))).toEqual({ 200: 10, 429: 50 });
    // Each method has its own stage bucket: /items still has its full burst.
    expect(countByStatus(await h.burst(60, '/prod/items'))).toEqual({ 200: 50, 429: 10 });
  });

  it('an override replaces the stage default even when looser (docs/architecture.md "Throttle model")', async () => {
    const looser = structuredClone(SHOP);
    looser.stages.prod.routes['GET /slow'].throttle = { rateRps: 500, burst: 120 };
    h = await harness(looser, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    expect(countByStatus(await h.burst(150, '/prod/slow'))).toEqual({ 200: 120, 429: 30 });
  });

  it('the usage plan (5/5) limits a keyed method below the stage; other keys share nothing', async () => {
    h = await harness(SHOP, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    expect(countByStatus(await h.burst(20, '/prod/keyed', { 'x-api-key': 'k-gold-0001' }))).toEqual({ 200: 5, 429: 15 });
  });

  it('the account limit applies across stages and routes', async () => {
    const raw = {
      account: { rateRps: 10, burst: 8 },
      stages: { a: {}, b: {} },
      routes: { 'GET /x': {}, 'GET /y': {} },
    };
    h = await harness(raw, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    const answers = [...(await h.burst(5, '/a/x')), ...(await h.burst(5, '/b/y'))];
    expect(countByStatus(answers)).toEqual({ 200: 8, 429: 2 });
  });

  it('a usage plan per-method throttle is tighter still', async () => {
    const raw = structuredClone(SHOP);
    raw.usagePlans.gold.methods = { '/keyed/GET': { rateRps: 2, burst: 2 } };
    h = await harness(raw, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    expect(countByStatus(await h.burst(10, '/prod/keyed', { 'x-api-key': 'k-gold-0001' }))).toEqual({ 200: 2, 429: 8 });
  });
});

describe('usage-plan quota', () => {
  const quotaConfig = (period: string) => ({
    stages: { prod: {} },
    routes: { 'GET /keyed': { apiKeyRequired: true } },
    apiKeys: { 'k-silver-01': { usagePlan: 'silver' } },
    usagePlans: { silver: { throttle: { rateRps: 1000, burst: 1000 }, quota: { limit: 3, period } } },
  });
  const key = { 'x-api-key': 'k-silver-01' };

  it('answers "Limit Exceeded" once the day is used up, until the UTC day rolls over', async () => {
    const clock = new ManualEmulatorClock(NEAR_MIDNIGHT);
    h = await harness(quotaConfig('DAY'), { clock });
    const answers = await h.burst(5, '/prod/keyed', key);
    expect(countByStatus(answers)).toEqual({ 200: 3, 429: 2 });
    const exceeded = answers.find((a) => a.status === 429) as Answer;
    expect(exceeded.body).toBe('{"message":"Limit Exceeded"}');
    expect(exceeded.headers['x-amzn-errortype']).toBe('LimitExceededException');
    clock.advance(30_000); // 23:59:30, same day
    expect((await h.send('GET', '/prod/keyed', { headers: key })).status).toBe(429);
    clock.advance(30_000); // 00:00:00 the next day
    expect(countByStatus(await h.burst(4, '/prod/keyed', key))).toEqual({ 200: 3, 429: 1 });
  });

  it('a MONTH quota lasts until the 1st of the next month', async () => {
    const clock = new ManualEmulatorClock(NEAR_MIDNIGHT);
    h = await harness(quotaConfig('MONTH'), { clock });
    expect(countByStatus(await h.burst(4, '/prod/keyed', key))).toEqual({ 200: 3, 429: 1 });
    clock.advance(86_400_000 * 10); // March 20th
    expect((await h.send('GET', '/prod/keyed', { headers: key })).status).toBe(429);
    clock.advance(86_400_000 * 12); // April 1st
    expect((await h.send('GET', '/prod/keyed', { headers: key })).status).toBe(200);
  });
});

describe('API keys', () => {
  it.each([
    { why: 'no x-api-key header', headers: undefined },
    { why: 'a key no usage plan knows', headers: { 'x-api-key': 'k-unknown-99' } },
  ])('403 Forbidden with $why on a method that requires a key', async ({ headers }) => {
    h = await harness(SHOP, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    const a = await h.send('GET', '/prod/keyed', { headers });
    expect(a.status).toBe(403);
    expect(a.body).toBe('{"message":"Forbidden"}');
    expect(a.headers['x-amzn-errortype']).toBe('ForbiddenException');
  });

  it('a method that requires no key ignores the plan', async () => {
    h = await harness(SHOP, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    expect(countByStatus(await h.burst(20, '/prod/items', { 'x-api-key': 'k-gold-0001' }))).toEqual({ 200: 20 });
  });
});

describe('metrics the emulator records', () => {
  it('records every answered request; throttled ones without integration latency', async () => {
    h = await harness(SHOP, { clock: new ManualEmulatorClock(NEAR_MIDNIGHT) });
    await h.burst(60, '/prod/items');
    await h.send('GET', '/prod/users/7');
    expect(h.metrics).toHaveLength(61);
    const throttled = h.metrics.filter((m) => m.status === 429);
    expect(throttled).toHaveLength(10);
    expect(throttled.every((m) => m.integrationLatencyMs === null)).toBe(true);
    const ok = h.metrics.filter((m) => m.status === 200);
    expect(ok.every((m) => m.integrationLatencyMs !== null && m.resource === '/items' && m.stage === 'prod' && m.method === 'GET')).toBe(true);
    expect(ok.every((m) => m.atWallMs === NEAR_MIDNIGHT && m.bytes === 2)).toBe(true);
    const unmatched = h.metrics.find((m) => m.status === 403);
    expect(unmatched?.resource).toBe('/users/7');
  });
});
