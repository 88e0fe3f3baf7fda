import { describe, expect, it } from 'vitest';
import { decisionTimesMs, replay } from '../../src/throttle/replay.ts';
import { ApiGatewayModel } from '../../src/throttle/model.ts';
import { parseLimits } from '../../src/core/limits.ts';
import { sendLogOf } from '../helpers/send-log.ts';


describe('decisionTimesMs', () => {
  it.each([
    {
      why: 'a quick answer: decided at the send, up to the earliest later response',
      rows: [{ sentMs: 0, endMs: 1, status: 200 }, { sentMs: 10, endMs: 11, status: 200 }],
      expected: [1, 11],
    },
    {
      why: 'a burst answered 30 ms later cannot have been decided before its first response',
      rows: [{ sentMs: 0, endMs: 30, status: 200 }, { sentMs: 0.1, endMs: 31, status: 429 }, { sentMs: 0.2, endMs: 40, status: 429 }],
      expected: [30, 31, 40],
    },
    {
      why: 'a slow response does not hold back a later request answered sooner (arrival order bound)',
      rows: [{ sentMs: 0, endMs: 100, status: 200 }, { sentMs: 5, endMs: 6, status: 429 }],
      expected: [6, 6],
    },
    {
      why: 'rows with no response bound nothing and are decided in order',
      rows: [{ sentMs: 0, endMs: Number.NaN, status: 0 }, { sentMs: 5, endMs: 7, status: 200 }],
      expected: [7, 7],
    },
  ])('$why', ({ rows, expected }) => {
    expect([...decisionTimesMs(sendLogOf(rows))]).toEqual(expected);
  });

  it('never decides before the send and never goes back in time', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ sentMs: i * 0.3, endMs: i * 0.3 + ((i * 7919) % 13), status: i % 5 === 0 ? 429 : 200 }));
    const decided = decisionTimesMs(sendLogOf(rows));
    rows.forEach((r, i) => {
      expect(decided[i]).toBeGreaterThanOrEqual(r.sentMs);
      if (i > 0) expect(decided[i]).toBeGreaterThanOrEqual(decided[i - 1]);
    });
  });
});

describe('replay', () => {
  it('credits the refill while a gateway works through an instant burst', () => {
    // 405 requests sent in 4 ms to a 1000 rps / burst 200 stage; the gateway answers them from 30 to 104 ms.
    const rows = Array.from({ length: 405 }, (_, i) => ({ sentMs: i * 0.01, endMs: 30 + (i * 74) / 404, status: 200 }));
    const limits = parseLimits({ stages: { prod: { throttle: { rateRps: 1000, burst: 200 } } } }, 'test');
    const prediction = replay(sendLogOf(rows), [{ method: 'GET', path: '/x' }], new ApiGatewayModel(limits));
    // 200 from the full bucket plus about 74 refilled while the burst was being decided.
    expect(prediction.accepted).toBeGreaterThanOrEqual(270);
    expect(prediction.accepted).toBeLessThanOrEqual(276);
    expect(prediction.accepted + prediction.throttled).toBe(405);
  });
});
