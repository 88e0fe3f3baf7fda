import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/record/recorder.ts';
import { SendLogBuilder } from '../../src/record/send-log-builder.ts';
import { ORIGIN } from '../../src/record/send-log.ts';
import { answerClassOf } from '../../src/load/http-sender.ts';
import type { OriginCode } from '../../src/record/send-log.ts';
import { decodeHistogram } from '../../src/record/histograms.ts';

/** An HTTP answer as the HTTP sender hands it to the recorder. */
const httpAnswer = (code: number, origin: OriginCode) => ({ code, origin, answerClass: answerClassOf(code, origin) });

describe('SendLogBuilder', () => {
  it('grows past its initial capacity and keeps every row', () => {
    const log = new SendLogBuilder(16);
    for (let i = 0; i < 1000; i++) log.append(i, i % 3, i * 0.5 - 0.1, i * 0.5);
    log.complete(999, 600, 429, ORIGIN.QUOTA);
    expect(log.count).toBe(1000);
    expect(log.sentMs[999]).toBe(499.5);
    expect(log.requestIndex[998]).toBe(998 % 3);
    expect([log.endMs[999], log.status[999], log.origin[999]]).toEqual([600, 429, ORIGIN.QUOTA]);
    expect(Number.isNaN(log.endMs[0])).toBe(true);
    const trimmed = log.toSendLog();
    expect(trimmed.sentMs).toHaveLength(1000);
  });
});

describe('Recorder', () => {
  it('files outcomes by send second, drops by intended second, and counts unfinished', () => {
    const rec = new Recorder();
    const a = { row: rec.sent(0, 0, 900, 1100), requestIndex: 0, intendedMs: 900, sentMs: 1100 };
    const b = { row: rec.sent(1, 1, 1200, 1200), requestIndex: 1, intendedMs: 1200, sentMs: 1200 };
    const c = { row: rec.sent(2, 1, 1300, 1300), requestIndex: 1, intendedMs: 1300, sentMs: 1300 };
    rec.sent(3, 0, 1400, 1400); // never settles
    rec.dropped(950);
    rec.answered(a, 1150, httpAnswer(200, ORIGIN.NONE));
    rec.answered(b, 1250, httpAnswer(429, ORIGIN.THROTTLE));
    rec.failed(c, 1310, 'reset');
    rec.seal();
    rec.answered({ row: 3, requestIndex: 0, intendedMs: 1400, sentMs: 1400 }, 5000, httpAnswer(200, ORIGIN.NONE));
    const m = rec.measurement(['GET /a', 'GET /b'], 3);
    expect(m.totals).toMatchObject({
      scheduled: 5, sent: 4, dropped: 1, completed: 2, errors: 1, unfinished: 1,
      byStatus: { '200': 1, '429': 1 }, status429ByOrigin: { throttle: 1, quota: 0, other: 0 },
    });
    expect(m.totals.errorsByKind.reset).toBe(1);
    expect(m.timeline).toHaveLength(3);
    expect(m.timeline[0]).toMatchObject({ scheduled: 2, sent: 0, dropped: 1 });
    expect(m.timeline[1]).toMatchObject({ scheduled: 3, sent: 4, ok: 1, throttled: 1, errors: 1 });
    expect(decodeHistogram(m.timeline[1].latencyHistogram).totalCount).toBe(2);
    // Latency runs from the intended time (900), service time from the send (1100).
    expect(m.latencyMs.max).toBeCloseTo(250, 0);
    expect(m.serviceTimeMs.max).toBeCloseTo(50, 0);
    expect(m.routes.map((r) => [r.route, r.sent, r.errors])).toEqual([['GET /a', 2, 0], ['GET /b', 2, 1]]);
    expect(rec.sendLagMs().max).toBeCloseTo(200, 0);
  });
});

describe('Recorder: send lag outside instant bursts, and the all-requests view', () => {
  it('files the lag of the 2nd.. arrival of an instant burst as dispatch spread, not send lag', () => {
    const rec = new Recorder();
    rec.sent(0, 0, 10, 10.5); // paced arrival, 0.5 ms late
    for (let i = 0; i < 100; i++) rec.sent(1 + i, 0, 20, 20 + i * 0.1); // a burst of 100 at t=20, 10 ms to hand out
    rec.dropped(20); // a dropped member still belongs to the burst
    rec.sent(102, 0, 30, 30.2);
    const { sendLagMs, burstDispatchMs } = rec.sendLag();
    // Send lag holds 10.5, 20 (the burst's first) and 30.2: no value near the burst's 9.9 ms tail.
    expect(sendLagMs.max).toBeCloseTo(0.5, 1);
    expect(burstDispatchMs.count).toBe(99);
    expect(burstDispatchMs.max).toBeCloseTo(9.9, 1);
  });

  it('counts failures at their time and dropped or unanswered arrivals beyond every value', () => {
    const rec = new Recorder();
    const requests = Array.from({ length: 96 }, (_, i) => ({ row: rec.sent(i, 0, i, i), requestIndex: 0, intendedMs: i, sentMs: i }));
    requests.slice(0, 94).forEach((r) => rec.answered(r, r.intendedMs + 10, httpAnswer(200, ORIGIN.NONE)));
    rec.failed(requests[94], requests[94].intendedMs + 5000, 'timeout');
    // requests[95] never settles; two arrivals are dropped.
    rec.dropped(200);
    rec.dropped(201);
    rec.seal();
    const m = rec.measurement(['GET /'], 1);
    // Answered only: every latency is 10 ms.
    expect(m.latencyMs.p99).toBeCloseTo(10, 1);
    expect(m.latencyAllMs).toMatchObject({ count: 98, neverAnswered: 3 });
    expect(m.latencyAllMs.p50).toBeCloseTo(10, 1);
    // Rank 95 of 98 (p96) is the timed-out request; p99 (rank 98) falls among the never answered.
    expect(m.latencyAllMs.p90).toBeCloseTo(10, 1);
    expect(m.latencyAllMs.p99).toBeNull();
    expect(m.latencyAllMs.max).toBeNull();
    expect(decodeHistogram(m.histograms.latencyAllUs!).totalCount).toBe(95);
  });
});

describe('closing settled seconds', () => {
  // Two routes over three seconds, and one request of second 2 still in flight.
  function threeSeconds(): Recorder {
    const rec = new Recorder();
    let arrival = 0;
    for (const second of [0, 1, 2]) {
      for (const requestIndex of [0, 1]) {
        const t = second * 1000 + 100 + requestIndex;
        const row = rec.sent(arrival++, requestIndex, t, t);
        rec.answered({ row, requestIndex, intendedMs: t, sentMs: t }, t + 5, httpAnswer(200, ORIGIN.NONE));
      }
    }
    rec.sent(arrival, 0, 2500, 2500); // never answered: second 2 stays open
    return rec;
  }

  it('encodes one histogram a call, so the run loop can turn between two; progress encodes none', () => {
    const rec = threeSeconds();
    rec.progress();
    // The run's timeline and each route's hold seconds 0, 1 and 2.
    expect(rec.openHistograms).toBe(9);
    const closedPerCall: number[] = [];
    for (let before = rec.openHistograms; rec.closeOneSettled(3500); before = rec.openHistograms) closedPerCall.push(before - rec.openHistograms);
    // Seconds 0 and 1 of each of the three timelines, and route 1's second 2; second 2 of the run
    // and of route 0 has a request in flight.
    expect(closedPerCall).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(rec.openHistograms).toBe(2);
    expect(rec.closeOneSettled(3500)).toBe(false);
  });

  it('loses nothing it encodes: the result holds every second and route', () => {
    const rec = threeSeconds();
    while (rec.closeOneSettled(3500));
    const m = rec.measurement(['a', 'b'], 3);
    expect(m.timeline.map((row) => decodeHistogram(row.latencyHistogram).totalCount)).toEqual([2, 2, 2]);
    expect(m.routes.map((r) => r.timeline?.map((row) => row.ok))).toEqual([[1, 1, 1], [1, 1, 1]]);
  });
});
