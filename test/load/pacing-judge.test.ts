import { describe, expect, it } from 'vitest';
import { judgePacing } from '../../bench/pacing.ts';

describe('judgePacing (the benchmark reads nginx $msec in 10 ms windows)', () => {
  it('a perfectly even 2,000 rps second is on pace in every full window', () => {
    const arrivals = Array.from({ length: 2000 }, (_, i) => 1_700_000_000_000 + i * 0.5);
    const j = judgePacing(arrivals, 2000);
    expect(j.windows).toBe(99);
    expect(j.onPace).toBe(1);
  });

  it('a 200 ms stall and its catch-up burst put those windows off pace', () => {
    // 20 per 10 ms, except nothing in [300, 500) ms and all 400 of them at 500 ms.
    const arrivals: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = i * 0.5;
      arrivals.push(t >= 300 && t < 500 ? 500 : t);
    }
    const j = judgePacing(arrivals, 2000);
    // 20 empty windows and the one with the burst: 21 of 99 off pace.
    expect(j.windows).toBe(99);
    expect(j.onPace).toBeCloseTo(78 / 99, 5);
    expect(j.onPaceFirstSecond).toBeCloseTo(78 / 99, 5);
  });
});
