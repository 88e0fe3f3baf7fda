import { describe, expect, it } from 'vitest';
import { inferBucket } from '../../src/throttle/infer.ts';
import { createRng } from '../../src/schedule/rng.ts';
import { fixedWindow, nginxLimitReq, sendTimes, slidingWindowAll, throughBucket, type Phase } from './traffic.ts';

const AWS = { rateRps: 10_000, burst: 5_000 };
const spread = (count: number, fromMs: number, toMs: number) => Array.from({ length: count }, (_, i) => fromMs + ((toMs - fromMs) * i) / count);
const instant = (count: number, atMs: number) => Array.from({ length: count }, () => atMs);

/** The verify probe's shape: an instant burst of 2B + 5, 1.5 R held, then 0.7 R. */
function probeShape(rateRps: number, burst: number, holdMs = 4000): Phase[] {
  return [
    { kind: 'burst', count: 2 * burst + 5, spreadMs: 0 },
    { kind: 'constant', rateRps: 1.5 * rateRps, durationMs: holdMs },
    { kind: 'constant', rateRps: 0.7 * rateRps, durationMs: 1500 },
  ];
}

describe("AWS's worked examples (docs/aws-rules.md §1), 10,000 rps / burst 5,000", () => {
  it.each([
    { why: '10,000 spread over one second: all served, nothing to infer from', times: spread(10_000, 0, 1000), kind: 'no-throttling' },
    { why: '5,000 in the first ms then 5,000 over the remaining 999 ms: all served', times: [...spread(5000, 0, 1), ...spread(5000, 1, 1000)], kind: 'no-throttling' },
    { why: '5,000, 1,000 at the 101st ms, 4,000 over the rest: all served', times: [...spread(5000, 0, 1), ...instant(1000, 100), ...spread(4000, 101, 1000)], kind: 'no-throttling' },
  ])('$why', ({ times, kind }) => {
    const obs = throughBucket(times, AWS);
    const inf = inferBucket(obs);
    expect(inf.kind).toBe(kind);
    expect(inf.unidentified.map((u) => u.parameter).sort()).toEqual(['burst', 'rate']);
  });

  it('10,000 in the first ms: 5,000 served, the burst is known and the rate is not', () => {
    const obs = throughBucket(instant(10_000, 0), AWS);
    expect(Array.from(obs.throttled).filter((t) => !t)).toHaveLength(5000);
    const inf = inferBucket(obs);
    expect(inf.kind).toBe('token-bucket');
    expect(inf.burstRange![0]).toBeLessThanOrEqual(5000);
    expect(inf.burstRange![1]).toBeGreaterThanOrEqual(5000);
    expect(inf.burstRange![1] - inf.burstRange![0]).toBeLessThanOrEqual(1);
    expect(inf.unidentified.map((u) => u.parameter)).toEqual(['rate']);
  });

  it('5,000 in the first ms, then 5,000 at the 101st: 6,000 served; b + 0.1 s × r = 6,000 is all it says', () => {
    const obs = throughBucket([...instant(5000, 0), ...instant(5000, 100)], AWS);
    expect(Array.from(obs.throttled).filter((t) => !t)).toHaveLength(6000);
    const inf = inferBucket(obs);
    // Nothing was throttled at t = 0, so any b in [5,000, 6,000] with r = (6,000 − b) / 0.1 s fits.
    expect(inf).toMatchObject({ kind: 'token-bucket', rateRps: null, burstRange: [5000, 6000] });
    expect(inf.rateRange![0]).toBe(0);
    expect(inf.rateRange![1]).toBeCloseTo(10_010, 0);
    expect(inf.unidentified.map((u) => u.parameter)).toEqual(['rate', 'burst']);
  });

  it('6,000 in the first ms (5,000 served), then 5,000 at the 101st (1,000 served): both pinned', () => {
    const inf = inferBucket(throughBucket([...instant(6000, 0), ...instant(5000, 100)], AWS));
    expect(inf).toMatchObject({ kind: 'token-bucket', burst: 5000, burstRange: [5000, 5000] });
    // 1,000 tokens (not 1,001) in 100 ms: r in [10,000, 10,010).
    expect(inf.rateRange![0]).toBeCloseTo(10_000, 3);
    expect(inf.rateRange![1]).toBeCloseTo(10_010, 3);
    expect(inf.unidentified).toEqual([]);
  });
});

describe('what the traffic cannot identify is said, with what would', () => {
  it('only a sub-limit rate: nothing throttled, both open', () => {
    const inf = inferBucket(throughBucket(sendTimes([{ kind: 'constant', rateRps: 80, durationMs: 5000 }], Math.random), { rateRps: 100, burst: 50 }));
    expect(inf.kind).toBe('no-throttling');
    expect(inf.unidentified.map((u) => u.parameter).sort()).toEqual(['burst', 'rate']);
    expect(inf.unidentified[0].traffic).toMatch(/burst.*1\.5 ×/);
  });

  it('one instant burst and then quiet sub-limit traffic: burst known, rate only bounded below', () => {
    const times = sendTimes([{ kind: 'burst', count: 60, spreadMs: 0 }, { kind: 'idle', durationMs: 1000 }, { kind: 'constant', rateRps: 5, durationMs: 4000 }], Math.random);
    const inf = inferBucket(throughBucket(times, { rateRps: 10, burst: 20 }));
    expect(inf.kind).toBe('token-bucket');
    expect(inf.burst).toBe(20);
    expect(inf.rateRps).toBeNull();
    expect(inf.unidentified).toHaveLength(1);
    expect(inf.unidentified[0]).toMatchObject({ parameter: 'rate', why: expect.stringMatching(/bounded below/), traffic: expect.stringMatching(/hold more than the rate/) });
  });

  it('a bucket of 1 under even overload clips its refill: 3 rps accepted fits any rate in [3, 6)', () => {
    const times = sendTimes([{ kind: 'constant', rateRps: 6, durationMs: 30_000 }], Math.random);
    const inf = inferBucket(throughBucket(times, { rateRps: 5, burst: 1 }));
    expect(inf.kind).toBe('token-bucket');
    expect(inf.burstRange).toEqual([1, 1]);
    expect(inf.rateRange![0]).toBeCloseTo(3, 5);
    expect(inf.rateRange![1]).toBeCloseTo(6, 5);
    expect(inf.unidentified.map((u) => u.parameter)).toEqual(['rate']);
  });

  it('too few requests: insufficient-data, both open', () => {
    const inf = inferBucket({ atMs: [0, 0], throttled: [0, 1], count: 2 });
    expect(inf.kind).toBe('insufficient-data');
    expect(inf.unidentified).toHaveLength(2);
  });

  it('steady overload from t = 0 identifies both: 10,000 / 5,000 at 15,000 rps evenly spaced, answers 2 ms after the send', () => {
    const times = sendTimes([{ kind: 'constant', rateRps: 15_000, durationMs: 8000 }], Math.random);
    const inf = inferBucket(throughBucket(times, AWS, { tripMs: 1 }));
    expect(inf).toMatchObject({ kind: 'token-bucket', burst: 5000, burstRange: [5000, 5000], unidentified: [], decisionDelayMs: 1 });
    expect(Math.abs(inf.rateRps! - 10_000)).toBeLessThan(1);
  });

  it('true 100 / 100, steady 150 rps for 40 s (the case that passed a declared burst of 50)', () => {
    const inf = inferBucket(throughBucket(sendTimes([{ kind: 'constant', rateRps: 150, durationMs: 40_000 }], Math.random), { rateRps: 100, burst: 100 }));
    expect(inf).toMatchObject({ kind: 'token-bucket', burst: 100, unidentified: [] });
    expect(inf.burstRange![1] - inf.burstRange![0]).toBeLessThanOrEqual(1);
    expect(Math.abs(inf.rateRps! - 100)).toBeLessThan(0.05);
  });
});

describe('limiters that are not AWS token buckets', () => {
  it("HAProxy's sliding window that counts rejected requests too: not a token bucket", () => {
    const times = sendTimes(probeShape(50, 50), Math.random);
    const inf = inferBucket(slidingWindowAll(times, 50, 1000));
    expect(inf.kind).toBe('not-a-token-bucket');
    expect(inf.rateRps).toBeNull();
  });

  it('a fixed-window counter (50 per second, counted on acceptance) held at 1.5 ×: not a token bucket', () => {
    const times = sendTimes([{ kind: 'constant', rateRps: 75, durationMs: 6000 }], Math.random);
    expect(inferBucket(fixedWindow(times, 50, 1000)).kind).toBe('not-a-token-bucket');
  });

  it.each([
    { rateRps: 20, burst: 10 },
    { rateRps: 100, burst: 50 },
    { rateRps: 400, burst: 5 },
  ])("nginx's limit_req rate=$rateRps burst=$burst (integer ms refill) is a token bucket of burst B + 1", ({ rateRps, burst }) => {
    const times = sendTimes(probeShape(rateRps, burst + 1), createRng(7));
    const inf = inferBucket(nginxLimitReq(times, rateRps, burst));
    expect(inf.kind, inf.note).toBe('token-bucket');
    expect(Math.abs(inf.burst! - (burst + 1)), inf.note).toBeLessThanOrEqual(1);
    expect(Math.abs(inf.rateRps! - rateRps) / rateRps, inf.note).toBeLessThan(0.01);
  });
});

describe('noise: a few requests decided out of order', () => {
  it.each([1, 2, 3])('%i requests of a steady overload decided 3 ms late still give a token bucket, honestly ranged', (late) => {
    const spec = { rateRps: 200, burst: 40 };
    const times = sendTimes([{ kind: 'burst', count: 85, spreadMs: 0 }, { kind: 'constant', rateRps: 300, durationMs: 6000 }], Math.random);
    const rng = createRng(late);
    const moved = new Set(Array.from({ length: late }, () => 85 + Math.floor(rng() * 1700)));
    const inf = inferBucket(throughBucket(times, spec, { delayMs: (i) => (moved.has(i) ? 3 : 0) }));
    expect(inf.kind, inf.note).toBe('token-bucket');
    const slack = Math.max(2, spec.rateRps * 0.002);
    expect(inf.burstRange![0] - slack).toBeLessThanOrEqual(spec.burst);
    expect(inf.burstRange![1] + slack).toBeGreaterThanOrEqual(spec.burst);
    expect(Math.abs(inf.rateRps! - spec.rateRps) / spec.rateRps).toBeLessThan(0.01);
  });

  it('a bucket that needs the slack of decision windows for its 429s is no answer: (huge rate, burst 1) is never reported', () => {
    const times = sendTimes([{ kind: 'constant', rateRps: 15_000, durationMs: 3000 }], Math.random);
    const inf = inferBucket(throughBucket(times, AWS));
    expect(inf.burst).toBe(5000);
    expect(inf.rateRange![1]).toBeLessThan(10_010);
  });
});
