import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/throttle/bucket.ts';

/** Sends `count` requests evenly over [fromMs, toMs) and returns how many were admitted. */
function spread(bucket: TokenBucket, count: number, fromMs: number, toMs: number): number {
  let admitted = 0;
  for (let i = 0; i < count; i++) if (bucket.tryTake(fromMs + ((toMs - fromMs) * i) / count)) admitted++;
  return admitted;
}

describe('TokenBucket on AWS worked examples (rate 10,000 / burst 5,000)', () => {
  const spec = { rateRps: 10_000, burst: 5_000 };
  it.each([
    { why: '10,000 spread evenly over one second: all served', run: (b: TokenBucket) => spread(b, 10_000, 0, 1000), served: 10_000 },
    { why: '10,000 in the first ms: capacity b, not b+1', run: (b: TokenBucket) => spread(b, 10_000, 0, 0), served: 5_000 },
    { why: '5,000 at once, then 5,000 over the remaining 999 ms', run: (b: TokenBucket) => spread(b, 5_000, 0, 0) + spread(b, 5_000, 1, 1000), served: 10_000 },
    { why: '5,000 at once, then 5,000 at the 101st ms: 1,000 refilled in 100 ms', run: (b: TokenBucket) => spread(b, 5_000, 0, 0) + spread(b, 5_000, 100, 100), served: 6_000 },
    {
      why: '5,000 at once, 1,000 at 101st ms, 4,000 over the remaining 899 ms',
      run: (b: TokenBucket) => spread(b, 5_000, 0, 0) + spread(b, 1_000, 100, 100) + spread(b, 4_000, 101, 1000),
      served: 10_000,
    },
  ])('$why', ({ run, served }) => {
    expect(run(new TokenBucket(spec))).toBe(served);
  });

  it('never refills above burst, and time running backwards refills nothing', () => {
    const b = new TokenBucket({ rateRps: 10, burst: 3 });
    expect(spread(b, 3, 0, 0)).toBe(3);
    b.refill(10_000);
    expect(b.tokens).toBe(3);
    expect(spread(b, 3, 10_000, 10_000)).toBe(3);
    b.refill(5_000);
    expect(b.tryTake(10_050)).toBe(false); // 0.5 token after 50 ms at 10 rps
    expect(b.tryTake(10_100)).toBe(true); // a whole token after 100 ms
  });
});
