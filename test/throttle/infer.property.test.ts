import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inferBucket } from '../../src/throttle/infer.ts';
import type { Inference } from '../../src/result/schema.ts';
import { createRng } from '../../src/schedule/rng.ts';
import { lognormal, sendTimes, throughBucket, type Phase } from './traffic.ts';

const SEED = 20261201;

/** Checks every claim an inference makes against the true bucket; returns what it identified. */
function expectHonest(inf: Inference, truth: { rateRps: number; burst: number }): { rate: boolean; burst: boolean } {
  expect(inf.kind, inf.note).toBe('token-bucket');
  const rateOpen = inf.unidentified.some((u) => u.parameter === 'rate');
  const burstOpen = inf.unidentified.some((u) => u.parameter === 'burst');
  if (inf.rateRange) {
    expect(inf.rateRange[0], inf.note).toBeLessThanOrEqual(truth.rateRps * (1 + 1e-9));
    expect(inf.rateRange[1], inf.note).toBeGreaterThanOrEqual(truth.rateRps * (1 - 1e-9));
  } else expect(rateOpen).toBe(true);
  if (inf.burstRange) {
    expect(inf.burstRange[0], inf.note).toBeLessThanOrEqual(truth.burst);
    expect(inf.burstRange[1], inf.note).toBeGreaterThanOrEqual(truth.burst);
  } else expect(burstOpen).toBe(true);
  if (!rateOpen) expect(Math.abs(inf.rateRps! - truth.rateRps) / truth.rateRps, inf.note).toBeLessThanOrEqual(0.005);
  if (!burstOpen) expect(Math.abs(inf.burst! - truth.burst), inf.note).toBeLessThanOrEqual(1);
  return { rate: !rateOpen, burst: !burstOpen };
}

const bucket = fc.record({ rateRps: fc.double({ min: 5, max: 5000, noNaN: true }), burst: fc.integer({ min: 1, max: 500 }) });
/** A bucket of 1 under even overload clips its refill, so its rate is unidentifiable (see infer.test.ts). */
const bucket2 = bucket.filter((s) => s.burst >= 2);

/** Seconds of traffic that keep a case under ~20k requests while holding overload ≥ 3 s. */
function holdMs(rateRps: number, factor: number): number {
  return Math.max(3000, Math.min(60_000, (20_000 / (rateRps * factor)) * 1000));
}

describe('steady overload alone, from a full bucket', () => {
  it('identifies both: burst from the first seconds, rate from the steady state (evenly spaced, fixed delay)', () => {
    fc.assert(
      fc.property(bucket2, fc.double({ min: 1.2, max: 3, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (spec, factor, delayMs) => {
        const emptyS = spec.burst / (spec.rateRps * (factor - 1));
        const times = sendTimes([{ kind: 'constant', rateRps: spec.rateRps * factor, durationMs: emptyS * 1000 + holdMs(spec.rateRps, factor) }], Math.random);
        const inf = inferBucket(throughBucket(times, spec, { delayMs: () => delayMs }));
        expect(expectHonest(inf, spec)).toEqual({ rate: true, burst: true });
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});

const shape = fc.constantFrom('poisson', 'ramp', 'instant-then-hold', 'spread-then-hold', 'probe', 'ramp-burst-hold-below');

function phasesFor(kind: string, r: number, b: number): Phase[] {
  const hold = holdMs(r, 1.5) / 2;
  switch (kind) {
    case 'poisson':
      return [{ kind: 'poisson', rateRps: 1.5 * r, durationMs: b / (0.5 * r) * 1000 + hold }];
    case 'ramp':
      return [{ kind: 'ramp', fromRps: 0.3 * r, toRps: 2.5 * r, durationMs: Math.max(4000, (4 * b) / r * 1000) }, { kind: 'constant', rateRps: 2.5 * r, durationMs: hold / 2 }];
    case 'instant-then-hold':
      return [{ kind: 'burst', count: 2 * b + 5, spreadMs: 0 }, { kind: 'constant', rateRps: 1.5 * r, durationMs: hold }];
    case 'spread-then-hold':
      return [{ kind: 'burst', count: 2 * b + 5, spreadMs: Math.min(200, (b / r) * 200) }, { kind: 'constant', rateRps: 1.5 * r, durationMs: hold }];
    case 'probe':
      return [{ kind: 'burst', count: 2 * b + 5, spreadMs: 0 }, { kind: 'poisson', rateRps: 1.5 * r, durationMs: hold }, { kind: 'constant', rateRps: 0.7 * r, durationMs: 1500 }];
    default:
      return [{ kind: 'ramp', fromRps: 0.2 * r, toRps: 1.2 * r, durationMs: 2000 }, { kind: 'idle', durationMs: (b / r) * 1000 }, { kind: 'burst', count: b + 3, spreadMs: 1 }, { kind: 'constant', rateRps: 2 * r, durationMs: hold }, { kind: 'poisson', rateRps: 0.5 * r, durationMs: 1000 }];
  }
}

describe('every shape scenarios offer: honest always, exact when identified', () => {
  it('decided at the send or a fixed delay after it', () => {
    const tally = { rate: 0, burst: 0, runs: 0 };
    fc.assert(
      fc.property(bucket, shape, fc.integer(), fc.double({ min: 0, max: 30, noNaN: true }), (spec, kind, seed, delayMs) => {
        const times = sendTimes(phasesFor(kind, spec.rateRps, spec.burst), createRng(seed));
        const ids = expectHonest(inferBucket(throughBucket(times, spec, { delayMs: () => delayMs })), spec);
        tally.runs++;
        if (ids.rate) tally.rate++;
        if (ids.burst) tally.burst++;
      }),
      { numRuns: 80, seed: SEED },
    );
    // Every shape here holds overload for seconds after a full bucket: nearly all identify both.
    expect(tally.rate).toBeGreaterThanOrEqual(tally.runs * 0.9);
    expect(tally.burst).toBeGreaterThanOrEqual(tally.runs * 0.9);
  });

  it('slow, variable latency on accepted requests (lognormal), fast 429s: the delay comes from the 429s', () => {
    fc.assert(
      fc.property(bucket, shape, fc.integer(), fc.double({ min: 0.05, max: 40, noNaN: true }), (spec, kind, seed, tripMs) => {
        const rng = createRng(seed);
        const times = sendTimes(phasesFor(kind, spec.rateRps, spec.burst), rng);
        const obs = throughBucket(times, spec, { tripMs, serviceMs: () => lognormal(rng, 80, 1) });
        const inf = inferBucket(obs);
        expectHonest(inf, spec);
        expect(inf.decisionDelayMs).toBeCloseTo(tripMs, 6);
      }),
      { numRuns: 40, seed: SEED },
    );
  });
});
