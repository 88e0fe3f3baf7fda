import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TokenBucket } from '../../src/throttle/bucket.ts';
import { inferBucket } from '../../src/throttle/infer.ts';
import { createRng } from '../../src/schedule/rng.ts';

/** The verify probe's shape: an instant burst of 2B + 5, then 1.5R held, then 0.7R. Send times, ms. */
function probeTimes(rateRps: number, burst: number, poisson?: () => number): number[] {
  const times: number[] = Array.from({ length: 2 * burst + 5 }, () => 0);
  const phase = (from: number, rps: number, durationMs: number) => {
    for (let t = 0; t < durationMs; t += poisson ? (-Math.log(1 - poisson()) * 1000) / rps : 1000 / rps) times.push(from + t);
  };
  const holdMs = Math.max(2000, (200 / rateRps) * 1000);
  phase(10, 1.5 * rateRps, holdMs);
  phase(10 + holdMs, 0.7 * rateRps, 1500);
  return times;
}

/** Decides each request with a TokenBucket at its (possibly shifted) gateway time. */
function throughBucket(sentMs: readonly number[], spec: { rateRps: number; burst: number }, decideAt = (t: number) => t) {
  const bucket = new TokenBucket(spec);
  const order = sentMs.map((t, i) => ({ i, at: decideAt(t) })).sort((a, b) => a.at - b.at);
  const throttled = new Uint8Array(sentMs.length);
  for (const { i, at } of order) throttled[i] = bucket.tryTake(at) ? 0 : 1;
  return { atMs: sentMs, throttled, count: sentMs.length };
}

const bucketSpec = fc.record({ rateRps: fc.double({ min: 5, max: 2000, noNaN: true }), burst: fc.integer({ min: 3, max: 300 }) });

describe('inferBucket recovers a token bucket from its own traffic', () => {
  it('exact times, uniform or Poisson spacing: rate within 3 %, burst within 2', () => {
    fc.assert(
      fc.property(bucketSpec, fc.option(fc.integer(), { nil: undefined }), (spec, seed) => {
        const obs = throughBucket(probeTimes(spec.rateRps, spec.burst, seed === undefined ? undefined : createRng(seed)), spec);
        const inf = inferBucket(obs);
        expect(inf.kind).toBe('token-bucket');
        expect(Math.abs(inf.rateRps! - spec.rateRps) / spec.rateRps).toBeLessThanOrEqual(0.03);
        expect(Math.abs(inf.burst! - spec.burst)).toBeLessThanOrEqual(2);
        expect(inf.rateRange![0]).toBeLessThanOrEqual(spec.rateRps * 1.0001);
        expect(inf.rateRange![1]).toBeGreaterThanOrEqual(spec.rateRps * 0.9999);
      }),
      { numRuns: 60 },
    );
  });

  it('the gateway deciding up to 1 ms after the send, in its own order: still within bounds', () => {
    fc.assert(
      fc.property(bucketSpec.filter((s) => s.rateRps <= 1000 && s.burst >= 5), fc.integer(), (spec, seed) => {
        const rnd = createRng(seed);
        const obs = throughBucket(probeTimes(spec.rateRps, spec.burst), spec, (t) => t + rnd());
        const inf = inferBucket(obs);
        expect(inf.kind).toBe('token-bucket');
        expect(Math.abs(inf.rateRps! - spec.rateRps) / spec.rateRps).toBeLessThanOrEqual(0.03);
        expect(Math.abs(inf.burst! - spec.burst)).toBeLessThanOrEqual(Math.max(2, spec.rateRps * 0.002));
      }),
      { numRuns: 40 },
    );
  });
});

describe('inferBucket says so instead of inventing limits', () => {
  it('nothing throttled: no-throttling', () => {
    const atMs = Array.from({ length: 100 }, (_, i) => i * 10);
    expect(inferBucket({ atMs, throttled: new Uint8Array(100), count: 100 }).kind).toBe('no-throttling');
  });
  it('two requests: insufficient-data', () => {
    expect(inferBucket({ atMs: [0, 0], throttled: [0, 1], count: 2 }).kind).toBe('insufficient-data');
  });
  it('only a burst was throttled: the burst is known, the rate only bounded below', () => {
    const times = [...Array.from({ length: 30 }, () => 0), ...Array.from({ length: 20 }, (_, i) => 1000 + i * 200)];
    const inf = inferBucket(throughBucket(times, { rateRps: 10, burst: 20 }));
    expect(inf.kind).toBe('insufficient-data');
    expect(inf.burst).toBe(20);
  });
  it('a sliding-window counter that also counts rejected requests is not a token bucket', () => {
    const limit = 50; // per 1 s window, every request counted
    const times = probeTimes(limit, limit);
    const throttled = new Uint8Array(times.length);
    times.forEach((t, i) => {
      let inWindow = 0;
      for (let j = i - 1; j >= 0 && times[j] > t - 1000; j--) inWindow++;
      throttled[i] = inWindow >= limit ? 1 : 0;
    });
    const inf = inferBucket({ atMs: times, throttled, count: times.length });
    expect(inf.kind).toBe('not-a-token-bucket');
    expect(inf.rateRps).toBeNull();
  });
});
