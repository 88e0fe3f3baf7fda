import { describe, expect, it } from 'vitest';
import { warmConnectionsFor } from '../../src/load/warm-up.ts';
import type { PhaseSpec } from '../../src/scenario/types.ts';

describe('warmConnectionsFor', () => {
  it.each<{ why: string; phases: PhaseSpec[]; cap: number; expected: number }>([
    { why: 'a slow run still starts with a few', phases: [{ shape: 'constant', rateRps: 10, durationMs: 1000, arrivals: 'uniform' }], cap: 2000, expected: 8 },
    { why: '100 ms of the peak rate of a ramp', phases: [{ shape: 'ramp', fromRps: 100, toRps: 5000, durationMs: 1000, arrivals: 'uniform' }], cap: 2000, expected: 500 },
    { why: 'an instant burst gets a connection per request', phases: [{ shape: 'burst', count: 300, spreadMs: 0, durationMs: 1000 }], cap: 2000, expected: 300 },
    { why: 'a burst spread over 200 ms needs half of it at once', phases: [{ shape: 'burst', count: 300, spreadMs: 200, durationMs: 1000 }], cap: 2000, expected: 150 },
    { why: 'never more than the in-flight cap', phases: [{ shape: 'burst', count: 5000, spreadMs: 0, durationMs: 1000 }], cap: 2000, expected: 2000 },
    { why: 'the peak of a sine is mean + amplitude', phases: [{ shape: 'sine', meanRps: 1000, amplitudeRps: 500, periodMs: 1000, durationMs: 1000, arrivals: 'uniform' }], cap: 2000, expected: 150 },
  ])('$why', ({ phases, cap, expected }) => {
    expect(warmConnectionsFor(phases, cap)).toBe(expected);
  });
});
