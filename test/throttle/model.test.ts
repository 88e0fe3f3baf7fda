import { describe, expect, it } from 'vitest';
import { ApiGatewayModel, type Verdict } from '../../src/throttle/model.ts';
import { parseLimits } from '../../src/core/limits.ts';
import { quotaPeriodEndMs } from '../../src/throttle/quota.ts';

const ORIGIN = Date.UTC(2026, 0, 5, 12); // a Monday noon: far from every quota boundary

function model(raw: unknown, originWallMs = ORIGIN): ApiGatewayModel {
  return new ApiGatewayModel(parseLimits(raw, 'test'), { originWallMs });
}

/** Sends `n` requests of `method path` at `atMs` and returns the verdicts. */
function send(m: ApiGatewayModel, method: string, path: string, atMs: number, n = 1, apiKey?: string): Verdict[] {
  const routeKey = m.routeFor(method, path)?.key;
  return Array.from({ length: n }, () => m.admit({ routeKey, method, apiKey }, atMs));
}
const admitted = (vs: Verdict[]) => vs.filter((v) => v.admitted).length;
const blockers = (vs: Verdict[]) => vs.filter((v) => !v.admitted).map((v) => (v.admitted ? '' : `${v.kind}:${v.by}`));

describe('one stage bucket, hand-computed', () => {
  const stage = { stages: { prod: { throttle: { rateRps: 10, burst: 5 } } } };
  it('starts full: 5 of 7 simultaneous requests pass, the rest are throttled by the stage', () => {
    const vs = send(model(stage), 'GET', '/x', 0, 7);
    expect(admitted(vs)).toBe(5);
    expect(blockers(vs)).toEqual(['throttle:stage', 'throttle:stage']);
  });
  it('refills r × elapsed between requests: 100 ms at 10 rps is one token', () => {
    const m = model(stage);
    send(m, 'GET', '/x', 0, 5);
    expect(admitted(send(m, 'GET', '/x', 99))).toBe(0); // 0.99 token
    expect(admitted(send(m, 'GET', '/x', 100, 2))).toBe(1); // 1.0 token
    expect(admitted(send(m, 'GET', '/x', 350, 3))).toBe(2); // 2.5 tokens: only whole ones are spent
    expect(admitted(send(m, 'GET', '/x', 10_000, 9))).toBe(5); // capped at burst after a long rest
  });
  it('keeps fractional tokens: at 3 rps a token takes 333.3 ms', () => {
    const m = model({ stages: { s: { throttle: { rateRps: 3, burst: 2 } } } });
    send(m, 'GET', '/x', 0, 2);
    expect(admitted(send(m, 'GET', '/x', 333))).toBe(0); // 0.999 token
    expect(admitted(send(m, 'GET', '/x', 334))).toBe(1); // 1.002 tokens
    expect(admitted(send(m, 'GET', '/x', 667))).toBe(1); // 0.002 left + 0.999 = 1.001
    expect(admitted(send(m, 'GET', '/x', 668))).toBe(0); // 0.004
  });
  it('caps at burst before taking: a bucket of 1 drops the refill that overflows', () => {
    const m = model({ stages: { s: { throttle: { rateRps: 3, burst: 1 } } } });
    send(m, 'GET', '/x', 0);
    send(m, 'GET', '/x', 333); // rejected at 0.999 token
    expect(admitted(send(m, 'GET', '/x', 334))).toBe(1); // min(1, 1.002) = 1, then 0 left
    expect(admitted(send(m, 'GET', '/x', 667))).toBe(0); // 0.999, not 1.001
  });
});

describe('each level of the hierarchy can be the binding one', () => {
  const keyed = (plan: object, stage: object = { throttle: { rateRps: 100, burst: 100 } }) =>
    model({
      account: { rateRps: 1000, burst: 1000 },
      stages: { prod: stage },
      routes: { 'GET /keyed': { apiKeyRequired: true }, 'GET /other': {} },
      apiKeys: { 'k-gold-0001': { usagePlan: 'gold' } },
      usagePlans: { gold: plan },
    });
  it.each([
    { why: 'usage-plan per-method limit (2) below the plan (3)', plan: { throttle: { rateRps: 100, burst: 3 }, methods: { '/keyed/GET': { rateRps: 1, burst: 2 } } }, pass: 2, by: 'usage-plan-method' },
    { why: 'usage-plan limit for the key (3) below the stage (100)', plan: { throttle: { rateRps: 1, burst: 3 } }, pass: 3, by: 'usage-plan' },
  ])('$why', ({ plan, pass, by }) => {
    const vs = send(keyed(plan), 'GET', '/keyed', 0, 6, 'k-gold-0001');
    expect(admitted(vs)).toBe(pass);
    expect(blockers(vs)[0]).toBe(`throttle:${by}`);
  });
  it('a method that does not require a key bypasses the usage plan', () => {
    expect(admitted(send(keyed({ throttle: { rateRps: 1, burst: 1 } }), 'GET', '/other', 0, 5, 'k-gold-0001'))).toBe(5);
  });
  it('a key-required method without a known key is forbidden, not throttled', () => {
    expect(blockers(send(keyed({ throttle: { rateRps: 1, burst: 1 } }), 'GET', '/keyed', 0, 1))).toEqual(['forbidden:api-key']);
  });
  it('stage route override (2) below the stage default (100)', () => {
    const m = model({ stages: { prod: { throttle: { rateRps: 100, burst: 100 }, routes: { 'GET /slow': { throttle: { rateRps: 1, burst: 2 } } } } } });
    const vs = send(m, 'GET', '/slow', 0, 4);
    expect(admitted(vs)).toBe(2);
    expect(blockers(vs)[0]).toBe('throttle:stage-route');
    expect(admitted(send(m, 'GET', '/fast', 0, 4))).toBe(4);
  });
  it('an override looser than the default still replaces it', () => {
    const m = model({ stages: { prod: { throttle: { rateRps: 1, burst: 1 }, routes: { 'GET /fast': { throttle: { rateRps: 100, burst: 10 } } } } } });
    expect(admitted(send(m, 'GET', '/fast', 0, 12))).toBe(10);
    expect(admitted(send(m, 'GET', '/else', 0, 3))).toBe(1);
  });
  it('the stage default is a bucket per method (AWS: "applied at the API method level")', () => {
    const m = model({ stages: { prod: { throttle: { rateRps: 1, burst: 2 } } }, routes: { 'GET /a': {}, 'GET /b': {} } });
    expect(admitted(send(m, 'GET', '/a', 0, 3))).toBe(2);
    const vs = send(m, 'GET', '/b', 0, 3);
    expect(admitted(vs)).toBe(2);
    expect(blockers(vs)).toEqual(['throttle:stage']);
  });
  it("stageBucketScope 'stage' shares one default bucket across methods", () => {
    const m = model({ stages: { prod: { throttle: { rateRps: 1, burst: 2 } } }, routes: { 'GET /a': {}, 'GET /b': {} }, options: { stageBucketScope: 'stage' } });
    expect(admitted([...send(m, 'GET', '/a', 0, 3), ...send(m, 'GET', '/b', 0, 3)])).toBe(2);
  });
  it('the account bucket is shared by every route and binds when it is the tightest', () => {
    const m = model({ account: { rateRps: 1, burst: 3 }, stages: { prod: { throttle: { rateRps: 100, burst: 100 } } }, routes: { 'GET /a': {}, 'GET /b': {} } });
    const vs = [...send(m, 'GET', '/a', 0, 2), ...send(m, 'GET', '/b', 0, 2)];
    expect(admitted(vs)).toBe(3);
    expect(blockers(vs)).toEqual(['throttle:account']);
  });
  it('a request rejected at one level spends no token at the others', () => {
    const m = model({ account: { rateRps: 1, burst: 3 }, stages: { prod: { routes: { 'GET /a': { throttle: { rateRps: 1, burst: 1 } } } } }, routes: { 'GET /a': {}, 'GET /b': {} } });
    expect(admitted(send(m, 'GET', '/a', 0, 5))).toBe(1); // 4 rejected by the route override
    expect(admitted(send(m, 'GET', '/b', 0, 5))).toBe(2); // the account still has 2 of 3
  });
});

describe('quotas roll over at UTC calendar boundaries, offset only in the first period', () => {
  const quota = (period: string, offset: number) => ({
    stages: { prod: {} },
    routes: { 'GET /q': { apiKeyRequired: true } },
    apiKeys: { k1: { usagePlan: 'p' } },
    usagePlans: { p: { quota: { limit: 3, period, offset } } },
  });
  it.each([
    { period: 'DAY', origin: Date.UTC(2026, 2, 10, 23, 59, 59), why: 'midnight UTC' },
    { period: 'WEEK', origin: Date.UTC(2026, 10, 28, 23, 59, 59), why: 'Saturday -> Sunday 00:00 UTC' },
    { period: 'MONTH', origin: Date.UTC(2026, 2, 31, 23, 59, 59), why: 'the 1st of the month' },
  ])('$period resets at $why', ({ period, origin }) => {
    const m = model(quota(period, 1), origin);
    const first = [0, 10, 20].map((t) => m.admit({ routeKey: 'GET /q', method: 'GET', apiKey: 'k1' }, t));
    expect(admitted(first)).toBe(2); // limit 3 - offset 1
    expect(blockers(first)).toEqual(['quota:usage-plan']);
    const second = [1000, 1010, 1020, 1030].map((t) => m.admit({ routeKey: 'GET /q', method: 'GET', apiKey: 'k1' }, t));
    expect(admitted(second)).toBe(3); // a new period: the full limit, no offset
  });
  it('period ends: DAY at 00:00, WEEK on Sunday, MONTH on the 1st (across a year end)', () => {
    expect(quotaPeriodEndMs('DAY', Date.UTC(2026, 2, 10, 5))).toBe(Date.UTC(2026, 2, 11));
    expect(quotaPeriodEndMs('WEEK', Date.UTC(2026, 10, 25))).toBe(Date.UTC(2026, 10, 29)); // Wed -> Sun
    expect(quotaPeriodEndMs('WEEK', Date.UTC(2026, 10, 29))).toBe(Date.UTC(2026, 11, 6)); // Sun -> next Sun
    expect(quotaPeriodEndMs('MONTH', Date.UTC(2026, 11, 15))).toBe(Date.UTC(2027, 0, 1));
  });
});
