/**
 * The model against a slow exact oracle: the same hierarchy written out per request with integer
 * milli-tokens (integer rates, integer ms: no float anywhere), on random configs and traffic.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiGatewayModel } from '../../src/throttle/model.ts';
import { parseLimits } from '../../src/core/limits.ts';

interface Spec { rateRps: number; burst: number }
interface Config { account: Spec; stage?: Spec; overrideA?: Spec; plan?: Spec; planMethod?: Spec }

class ExactBucket {
  milli: number;
  lastMs = 0;
  constructor(readonly spec: Spec) {
    this.milli = spec.burst * 1000;
  }
  refill(atMs: number): void {
    this.milli = Math.min(this.spec.burst * 1000, this.milli + this.spec.rateRps * (atMs - this.lastMs));
    this.lastMs = atMs;
  }
}

/** Per-request simulation: which buckets apply, all must hold 1000 milli-tokens, then take from all. */
function oracle(config: Config, traffic: readonly { route: 'a' | 'b' | 'k'; atMs: number }[]): boolean[] {
  const buckets = new Map<string, ExactBucket>();
  const get = (id: string, spec: Spec) => buckets.get(id) ?? buckets.set(id, new ExactBucket(spec)).get(id)!;
  return traffic.map(({ route, atMs }) => {
    const applied: ExactBucket[] = [];
    if (route === 'k' && config.planMethod) applied.push(get('upm', config.planMethod));
    if (route === 'k' && config.plan) applied.push(get('up', config.plan));
    if (route === 'a' && config.overrideA) applied.push(get('sr-a', config.overrideA));
    else if (config.stage) applied.push(get(`s-${route}`, config.stage));
    applied.push(get('account', config.account));
    applied.forEach((b) => b.refill(atMs));
    if (!applied.every((b) => b.milli >= 1000)) return false;
    applied.forEach((b) => (b.milli -= 1000));
    return true;
  });
}

const spec = fc.record({ rateRps: fc.integer({ min: 1, max: 200 }), burst: fc.integer({ min: 1, max: 20 }) });
const config = fc.record({ account: spec, stage: fc.option(spec, { nil: undefined }), overrideA: fc.option(spec, { nil: undefined }), plan: fc.option(spec, { nil: undefined }), planMethod: fc.option(spec, { nil: undefined }) });
const traffic = fc.array(fc.record({ route: fc.constantFrom('a' as const, 'b' as const, 'k' as const), gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 })) }), { minLength: 1, maxLength: 300 });

function limitsOf(c: Config) {
  return parseLimits(
    {
      account: c.account,
      stages: { prod: { ...(c.stage ? { throttle: c.stage } : {}), routes: c.overrideA ? { 'GET /a': { throttle: c.overrideA } } : {} } },
      routes: { 'GET /a': {}, 'GET /b': {}, 'GET /k': { apiKeyRequired: true } },
      apiKeys: { k1: { usagePlan: 'p' } },
      usagePlans: { p: { ...(c.plan ? { throttle: c.plan } : {}), methods: c.planMethod ? { 'GET /k': c.planMethod } : {} } },
    },
    'oracle',
  );
}

describe('ApiGatewayModel == exact oracle', () => {
  it('admits exactly the requests the integer simulation admits', () => {
    fc.assert(
      fc.property(config, traffic, (c, t) => {
        let atMs = 0;
        const timed = t.map(({ route, gapMs }) => ({ route, atMs: (atMs += gapMs) }));
        const model = new ApiGatewayModel(limitsOf(c), { originWallMs: 0 });
        const got = timed.map(({ route, atMs }) => model.admit({ routeKey: `GET /${route}`, method: 'GET', apiKey: route === 'k' ? 'k1' : undefined }, atMs).admitted);
        expect(got).toEqual(oracle(c, timed));
      }),
      { numRuns: 300 },
    );
  });
});
