import { describe, expect, it } from 'vitest';
import { guessingLadder, probeForLimits } from '../../src/throttle/probe.ts';
import { planOf } from '../../src/schedule/plan.ts';

describe('verify probes stay within their caps', () => {
  it.each([
    { maxRequests: 1500, maxDurationMs: 8_000 },
    { maxRequests: 5000, maxDurationMs: 60_000 },
    { maxRequests: 600, maxDurationMs: 5_000 },
  ])('guessing ladder, $maxRequests requests / $maxDurationMs ms: the schedule sends no more than the cap', (caps) => {
    const plan = guessingLadder(caps);
    const schedule = planOf(plan.phases);
    expect(schedule.expectedArrivals).toBeLessThanOrEqual(caps.maxRequests);
    expect(plan.plannedRequests).toBeGreaterThanOrEqual(schedule.expectedArrivals);
    expect(plan.plannedRequests).toBeLessThanOrEqual(caps.maxRequests + 1);
    expect(schedule.durationMs).toBeLessThanOrEqual(caps.maxDurationMs);
  });

  it('a declared bucket: a burst larger than it, then above and below the rate, within the caps', () => {
    const plan = probeForLimits(50, 20, { maxRequests: 5000, maxDurationMs: 60_000 });
    const schedule = planOf(plan.phases);
    expect(plan.largestBurst).toBeGreaterThan(20);
    expect(schedule.expectedArrivals).toBeLessThanOrEqual(5000);
    expect(plan.costUsd.rest.worst).toBeCloseTo(plan.plannedRequests * 3.5e-6, 12);
    expect(plan.costUsd.http.worst).toBeCloseTo(plan.plannedRequests * 1e-6, 12);
  });
});
