import { describe, expect, it } from 'vitest';
import { DEFAULT_OBJECTIVE, judgeStep } from '../../src/capacity/objective.ts';
import { objectiveFromFlags, planFromFlags } from '../../src/capacity/options.ts';
import { searchCapacity, type SearchDeps, type SearchPlan } from '../../src/capacity/search.ts';
import { UsageError } from '../../src/errors.ts';
import type { CapacityStep } from '../../src/result/schema.ts';
import { makeResult, throttleSection } from '../gates/fixtures.ts';

const PLAN: SearchPlan = {
  startRps: 100, maxRps: 5000, growth: { factor: 1.5 }, precision: 0.05,
  stepDurationMs: 10_000, restMs: 500, maxTotalRequests: 1e9, maxDurationMs: 1e9,
};

/** A target that holds any rate up to `capacityRps`; a fake clock that each step and rest advance. */
function fakeTarget(capacityRps: number) {
  let now = 0;
  const rates: number[] = [];
  const rests: number[] = [];
  const deps: SearchDeps = {
    step: async (rateRps) => {
      rates.push(rateRps);
      now += PLAN.stepDurationMs;
      const held = rateRps <= capacityRps;
      return { rateRps, held, reason: held ? 'held' : 'broke', achievedRps: rateRps, latencyP99Ms: 10, errorRate: 0, unexpected429Rate: held ? 0 : 0.1, requests: rateRps * 10 } satisfies CapacityStep;
    },
    rest: async (ms) => {
      rests.push(ms);
      now += ms;
    },
    nowMs: () => now,
  };
  return { deps, rates, rests };
}

describe('searchCapacity', () => {
  it.each([
    // capacity, why
    [333, 'between geometric steps'],
    [1000, 'near a step'],
    [150, 'exactly a step'],
    [4990, 'just under the max rate'],
  ])('brackets a capacity of %i rps within the precision (%s)', async (capacity) => {
    const { deps } = fakeTarget(capacity);
    const out = await searchCapacity(PLAN, deps);
    expect(out.stoppedBy).toBe('converged');
    expect(out.highestHeldRps!).toBeLessThanOrEqual(capacity);
    expect(out.firstBrokenRps!).toBeGreaterThan(capacity);
    expect(out.firstBrokenRps! - out.highestHeldRps!).toBeLessThanOrEqual(PLAN.precision * out.highestHeldRps! + 1);
  });

  it('grows geometrically, then bisects between the last held and first broken rate', async () => {
    const { deps, rates } = fakeTarget(333);
    await searchCapacity(PLAN, deps);
    expect(rates.slice(0, 4)).toEqual([100, 150, 225, 338]);
    expect(rates[4]).toBe(282); // midpoint of 225 and 338 (rounded)
  });

  it('grows linearly with a step', async () => {
    const { deps, rates } = fakeTarget(333);
    await searchCapacity({ ...PLAN, growth: { stepRps: 100 } }, deps);
    expect(rates.slice(0, 4)).toEqual([100, 200, 300, 400]);
  });

  it('rests before every step but the first', async () => {
    const { deps, rates, rests } = fakeTarget(333);
    await searchCapacity(PLAN, deps);
    expect(rests).toHaveLength(rates.length - 1);
    expect(new Set(rests)).toEqual(new Set([500]));
  });

  it('reports the max rate when nothing broke, without going past it', async () => {
    const { deps, rates } = fakeTarget(1e9);
    const out = await searchCapacity({ ...PLAN, maxRps: 400 }, deps);
    expect(out).toMatchObject({ stoppedBy: 'max-rate', highestHeldRps: 400, firstBrokenRps: null });
    expect(rates).toEqual([100, 150, 225, 338, 400]);
  });

  it('says when even the lowest step broke', async () => {
    const { deps, rates } = fakeTarget(50);
    const out = await searchCapacity(PLAN, deps);
    expect(out).toMatchObject({ stoppedBy: 'lowest-broke', highestHeldRps: null, firstBrokenRps: 100 });
    expect(rates).toEqual([100]);
  });

  it('never starts a step that would pass the request budget', async () => {
    const { deps, rates } = fakeTarget(1e9);
    // 100*10 + 150*10 + 225*10 = 4,750; the 338 rps step (3,380) would pass 6,000.
    const out = await searchCapacity({ ...PLAN, maxTotalRequests: 6000 }, deps);
    expect(out.stoppedBy).toBe('budget-requests');
    expect(rates).toEqual([100, 150, 225]);
    expect(out.highestHeldRps).toBe(225);
  });

  it('never starts a step that would pass the duration budget', async () => {
    const { deps, rates } = fakeTarget(1e9);
    const out = await searchCapacity({ ...PLAN, maxDurationMs: 25_000 }, deps); // 10 s, +0.5+10 s, next would end at 31 s
    expect(out.stoppedBy).toBe('budget-duration');
    expect(rates).toEqual([100, 150]);
  });

  it('stops when interrupted', async () => {
    const controller = new AbortController();
    const { deps, rates } = fakeTarget(1e9);
    const step = deps.step;
    const out = await searchCapacity(PLAN, { ...deps, signal: controller.signal, step: async (r) => (rates.length === 1 && controller.abort(), step(r)) });
    expect(out.stoppedBy).toBe('interrupted');
    expect(rates).toHaveLength(2);
  });
});

describe('judgeStep', () => {
  it('holds when every part of the objective holds', () => {
    const s = judgeStep(makeResult(), 100, { ...DEFAULT_OBJECTIVE, p99Ms: 50 });
    expect(s).toMatchObject({ held: true, rateRps: 100, requests: 1000, errorRate: 0 });
  });

  it.each([
    ['p99 above the limit', makeResult(), { p99Ms: 15 }, /p99 19\.\d+ ms > 15\.0 ms/],
    ['errors include 5xx', makeResult({ byStatus: { '200': 980, '503': 20 } }), {}, /error rate 2\.00% > 1\.00%/],
    ['429s without limits are unexpected', makeResult({ byStatus: { '200': 980, '429': 20 } }), {}, /unexpected 429s 2\.00%/],
    ['achieved below 97% of offered', makeResult(), {}, /achieved 100\.0 rps < 97% of offered/, 110],
    ['no success at all', makeResult({ byStatus: { '403': 1000 } }), {}, /no successful \(2xx\/3xx\) response \(403 ×1000\)/],
    ['dropped arrivals', makeResult({ overrides: { totals: { ...makeResult().totals, dropped: 3 } } }), {}, /3 arrivals dropped/],
  ])('breaks on %s', (_why, result, objective, reason, rate = 100) => {
    const s = judgeStep(result, rate, { ...DEFAULT_OBJECTIVE, ...objective });
    expect(s.held).toBe(false);
    expect(s.reason).toMatch(reason);
  });

  it('429s the declared limits predicted are not unexpected', () => {
    const result = { ...makeResult({ byStatus: { '200': 900, '429': 100 } }), throttle: throttleSection(100, 100, 1000) };
    expect(judgeStep(result, 100, DEFAULT_OBJECTIVE).held).toBe(true);
  });
});

describe('capacity flags', () => {
  it('applies the defaults and reads units', () => {
    const plan = planFromFlags({ stepDuration: '2s', maxDuration: '1m', step: '50' }, 700);
    expect(plan).toMatchObject({ startRps: 100, maxRps: 5000, growth: { stepRps: 50 }, stepDurationMs: 2000, maxDurationMs: 60_000, restMs: 700 });
    expect(objectiveFromFlags({ p99: '300ms', maxErrorRate: '0.5%', maxUnexpected429: '0.02' })).toMatchObject({ p99Ms: 300, maxErrorRate: 0.005, maxUnexpected429Rate: 0.02 });
  });

  it.each([
    [{ factor: '2', step: '10' }, /--factor and --step/],
    [{ factor: '1' }, /--factor: "1" is invalid/],
    [{ start: '500', maxRate: '100' }, /--max-rate: "100" is invalid/],
    [{ stepDuration: 'soon' }, /--step-duration: "soon" is invalid/],
    [{ maxTotalRequests: '1.5' }, /--max-total-requests/],
  ])('rejects %o', (flags, message) => {
    expect(() => planFromFlags(flags, 0)).toThrow(UsageError);
    expect(() => planFromFlags(flags, 0)).toThrow(message);
  });

  it('rejects a share above 100%', () => {
    expect(() => objectiveFromFlags({ maxErrorRate: '150%' })).toThrow(/--max-error-rate: "150%" is invalid/);
  });
});
