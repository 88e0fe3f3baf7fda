import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../src/load/clock.ts';
import { runOpenLoop } from '../../src/load/open-loop.ts';
import type { DueSender } from '../../src/load/open-loop.ts';
import { constantArrivals } from './helpers.ts';

/** A sender whose requests settle `serviceMs` after they start, in virtual time. */
class FakeSender implements DueSender {
  inFlight = 0;
  maxSeenInFlight = 0;
  readonly sends: { index: number; intendedMs: number; sentMs: number }[] = [];
  constructor(private readonly clock: ManualClock, private readonly serviceMs: number, private readonly keep = true) {}
  send(arrivalIndex: number, intendedMs: number): void {
    if (this.keep) this.sends.push({ index: arrivalIndex, intendedMs, sentMs: this.clock.nowMs() });
    this.inFlight++;
    this.maxSeenInFlight = Math.max(this.maxSeenInFlight, this.inFlight);
    if (this.serviceMs === 0) this.inFlight--;
    else this.clock.at(this.clock.nowMs() + this.serviceMs, () => this.inFlight--);
  }
}

function dropCounter() {
  const dropsAtMs: number[] = [];
  return { dropsAtMs, dropped: (atMs: number) => void dropsAtMs.push(atMs) };
}

describe('runOpenLoop under a ManualClock', () => {
  it('sends every arrival at its intended time, in order', async () => {
    const clock = new ManualClock();
    const sender = new FakeSender(clock, 100);
    const sink = dropCounter();
    const summary = await runOpenLoop(constantArrivals(1000, 1000), sender, sink, {
      clock, maxInFlight: 2000, signal: new AbortController().signal,
    });
    expect(summary).toMatchObject({ scheduled: 1000, dropped: 0, interrupted: false });
    expect(sender.sends.map((s) => s.index)).toEqual([...Array(1000).keys()]);
    for (const s of sender.sends) expect(s.sentMs).toBe(s.intendedMs);
    expect(sender.sends[0].intendedMs).toBe(1);
  });

  it('drops due arrivals at the in-flight cap instead of delaying them', async () => {
    // 1 arrival per ms, 100 ms service, cap 50: arrivals 1..50 go, 51..100 find the cap full,
    // then each settle frees a slot just in time for the next arrival: 50 sent per 100 ms.
    const clock = new ManualClock();
    const sender = new FakeSender(clock, 100);
    const sink = dropCounter();
    const summary = await runOpenLoop(constantArrivals(1000, 1000), sender, sink, {
      clock, maxInFlight: 50, signal: new AbortController().signal,
    });
    expect(summary).toMatchObject({ scheduled: 1000, dropped: 500 });
    expect(sender.sends).toHaveLength(500);
    expect(sender.maxSeenInFlight).toBe(50);
    for (const s of sender.sends) expect(s.sentMs).toBe(s.intendedMs);
    expect(sink.dropsAtMs.slice(0, 3)).toEqual([51, 52, 53]);
  });

  it('does not accumulate lateness over 1e6 arrivals when every wake-up is late', async () => {
    // Every sleep overshoots by 0.05 ms (a timer firing late); arrivals are 1/3 ms apart.
    const manual = new ManualClock();
    const lateClock: Clock = {
      nowMs: () => manual.nowMs(),
      sleepUntil: (atMs, signal) => manual.sleepUntil(atMs + 0.05, signal),
    };
    const sender = new FakeSender(manual, 0, false);
    let lastLagMs = 0;
    let maxLagMs = 0;
    const watching: DueSender = {
      get inFlight() {
        return sender.inFlight;
      },
      send(index, intendedMs) {
        lastLagMs = manual.nowMs() - intendedMs;
        maxLagMs = Math.max(maxLagMs, lastLagMs);
        sender.send(index, intendedMs);
      },
    };
    const n = 1_000_000;
    let i = 0;
    const arrivals = { next: () => (i < n ? ++i / 3 : Infinity) };
    const summary = await runOpenLoop(arrivals, watching, dropCounter(), {
      clock: lateClock, maxInFlight: 10, signal: new AbortController().signal,
    });
    expect(summary.scheduled).toBe(n);
    expect(summary.dropped).toBe(0);
    expect(maxLagMs).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(lastLagMs).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(manual.nowMs()).toBeCloseTo(n / 3 + 0.05, 3);
  });

  it('stops at once when the signal aborts and reports the interruption', async () => {
    const clock = new ManualClock();
    const sender = new FakeSender(clock, 10);
    const controller = new AbortController();
    clock.at(250.5, () => controller.abort());
    const summary = await runOpenLoop(constantArrivals(1000, 1000), sender, dropCounter(), {
      clock, maxInFlight: 2000, signal: controller.signal,
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.scheduled).toBe(250);
    expect(sender.sends.at(-1)?.intendedMs).toBe(250);
  });
});
