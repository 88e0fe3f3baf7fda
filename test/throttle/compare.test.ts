import { describe, expect, it } from 'vitest';
import { compare } from '../../src/throttle/compare.ts';
import { PREDICTED, type Prediction } from '../../src/throttle/replay.ts';
import type { SendLog } from '../../src/record/send-log.ts';
import { sendLogOf } from '../helpers/send-log.ts';

/** A log of requests at `sentMs`, each answered 200 or 429 (throttle) as `accepted` says. */
function logOf(sentMs: readonly number[], accepted: readonly boolean[]): SendLog {
  return sendLogOf(sentMs.map((t, i) => ({ sentMs: t, endMs: t + 5, status: accepted[i] ? 200 : 429 })));
}
function predictionOf(accepted: readonly boolean[]): Prediction {
  const code = Uint8Array.from(accepted, (a) => (a ? PREDICTED.ACCEPTED : PREDICTED.THROTTLED));
  const acc = accepted.filter(Boolean).length;
  const first = accepted.indexOf(false);
  return { code, accepted: acc, throttled: accepted.length - acc, firstThrottledMs: first < 0 ? null : first };
}

/** Every other request admitted, 75 rps for 4 s: the steady state of a 37.5 rps bucket. */
const times = Array.from({ length: 300 }, (_, i) => i * (1000 / 75));
const alternate = times.map((_, i) => i % 2 === 0);

describe('compare: agreement of predicted and observed accepted counts', () => {
  it('is 1 when the gateway did exactly what the model predicted', () => {
    expect(compare(predictionOf(alternate), logOf(times, alternate), [429]).agreement).toBe(1);
  });

  it('forgives tokens that went to a neighbouring request (receive-time jitter), even across bins', () => {
    // The gateway gave every token to the next request instead: each admission 13 ms later.
    const shifted = times.map((_, i) => i % 2 === 1);
    const c = compare(predictionOf(alternate), logOf(times, shifted), [429]);
    expect(c.predicted).toEqual(c.observed);
    expect(c.agreement).toBeGreaterThanOrEqual(0.99);
  });

  it('catches a burst admitted larger than the model says, though later refills even the totals out', () => {
    const burstTimes = [...Array.from({ length: 40 }, () => 0), ...times.map((t) => t + 1000)];
    const predicted = [...Array.from({ length: 40 }, (_, i) => i < 20), ...alternate];
    // 30 admitted in the burst instead of 20; afterwards the gateway has 10 fewer tokens to give.
    const observed = [...Array.from({ length: 40 }, (_, i) => i < 30), ...alternate.map((a, i) => a && i >= 20)];
    const c = compare(predictionOf(predicted), logOf(burstTimes, observed), [429]);
    expect(c.predicted.accepted).toBe(c.observed.accepted);
    expect(c.agreement).toBeCloseTo(1 - 10 / 340, 6);
  });

  it('catches a rate enforced about 2% higher than the model', () => {
    const observed = times.map((_, i) => i % 2 === 0 || i % 33 === 1); // 5 more admitted of 300
    const c = compare(predictionOf(alternate), logOf(times, observed), [429]);
    expect(c.agreement).toBeLessThan(0.99);
  });

  it('leaves requests with no response out of the comparison', () => {
    const log = logOf(times, alternate);
    log.status[0] = 0;
    const prediction = predictionOf(alternate);
    prediction.code[0] = PREDICTED.SKIPPED;
    const c = compare(prediction, log, [429]);
    expect(c.compared).toBe(299);
    expect(c.excluded).toBe(1);
  });
});
