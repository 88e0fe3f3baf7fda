/**
 * What a schedule costs the real clock, counted on a virtual host instead of timed: wake-ups (event
 * loop turns that run our code) per second, time the thread spent napping (blocked: responses wait
 * unread), and how late each arrival went out. The host models Node's timers as libuv runs them:
 * Node truncates the duration to whole ms (at least 1), and a timer set at time t fires at
 * floor(t) + that (libuv's loop time is whole ms).
 * Root cause this pins down: with requests in flight the clock used to nap 0.1 ms then turn the
 * loop, ~10,000 wake-ups a second at any rate (docs/engine.md "Where the time goes").
 */
import { describe, expect, it } from 'vitest';
import { hostClock, type WaitHost } from '../../src/load/clock.ts';
import { runOpenLoop, type DueSender } from '../../src/load/open-loop.ts';
import { constantArrivals } from './helpers.ts';

/** Cost of one event-loop turn in virtual ms, so repeated immediates cannot spin at one instant. */
const TURN_MS = 0.002;

class VirtualHost implements WaitHost {
  timeMs = 0;
  wakeUps = 0;
  nappedMs = 0;
  naps = 0;
  longestNapMs = 0;
  #seq = 0;
  #timers: { atMs: number; seq: number; fn: () => void }[] = [];
  #immediates: (() => void)[] = [];

  nowMs(): number {
    return this.timeMs;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const timer = { atMs: Math.floor(this.timeMs) + Math.max(1, Math.trunc(ms)), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }

  setImmediate(fn: () => void): void {
    this.#immediates.push(fn);
  }

  nap(ms: number): void {
    expect(ms).toBeLessThanOrEqual(1);
    this.nappedMs += ms;
    this.naps++;
    this.longestNapMs = Math.max(this.longestNapMs, ms);
    this.timeMs += ms;
  }

  /** Runs turns until `done` settles: immediates first, else the earliest timer (time jumps to it). */
  async runUntil(done: Promise<unknown>): Promise<void> {
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      const immediate = this.#immediates.shift();
      if (immediate) immediate();
      else {
        this.#timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
        const timer = this.#timers.shift();
        if (!timer) throw new Error('deadlock: nothing scheduled and the loop is not done');
        this.timeMs = Math.max(this.timeMs, timer.atMs);
        timer.fn();
      }
      this.wakeUps++;
      this.timeMs += TURN_MS;
      // Let the loop's promise chain run before the next turn, as Node drains microtasks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

interface Sent {
  intendedMs: number;
  sentMs: number;
  wakeUp: number;
}

/** A sender that is never idle (`inFlight` requests always outstanding) and records each send. */
function recordingSender(host: VirtualHost, inFlight: number, onSend?: (n: number) => void): DueSender & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    inFlight,
    sent,
    send(_arrival, intendedMs) {
      sent.push({ intendedMs, sentMs: host.nowMs(), wakeUp: host.wakeUps });
      onSend?.(sent.length);
    },
  };
}

async function runOnHost(host: VirtualHost, rateRps: number, durationMs: number, sender: DueSender) {
  const clock = hostClock(host);
  const loop = runOpenLoop(constantArrivals(rateRps, durationMs), sender, { dropped: () => undefined }, {
    clock, maxInFlight: 1_000_000, signal: new AbortController().signal,
  });
  await host.runUntil(loop);
  return loop;
}

/** Wake-ups that sent nothing: the cost a schedule adds beyond its own sends. */
function emptyWakeUps(host: VirtualHost, sent: readonly Sent[]): number {
  return host.wakeUps - new Set(sent.map((s) => s.wakeUp)).size;
}

describe('the real clock on a virtual host, requests in flight', () => {
  // A real nap costs ~35 µs of the core however short (docs/engine.md "What a nap costs"): arrivals
  // closer than 0.25 ms share one, so naps are at most 4,000 a second whatever the rate, and none
  // sends an arrival more than 0.25 ms late (the host's turn aside).
  for (const rateRps of [10_000, 17_000, 50_000]) {
    it(`at ${rateRps} rps naps at most 4,000 times a second, each arrival napped to at most 0.25 ms late`, async () => {
      const host = new VirtualHost();
      const sender = recordingSender(host, 5);
      await runOnHost(host, rateRps, 1000, sender);
      expect(host.naps).toBeGreaterThan(1000);
      expect(host.naps).toBeLessThanOrEqual(4000);
      const lateMs = sender.sent.map((s) => s.sentMs - s.intendedMs);
      const p99 = [...lateMs].sort((a, b) => a - b)[Math.floor(lateMs.length * 0.99)];
      expect(p99).toBeLessThanOrEqual(0.25 + 0.01);
    });
  }

  for (const rateRps of [1000, 2000, 10_000, 50_000]) {
    it(`at ${rateRps} rps wakes without sending at most about once a millisecond, naps at most 0.25 ms, sends each arrival within 2 ms`, async () => {
      const host = new VirtualHost();
      const sender = recordingSender(host, 5);
      const summary = await runOnHost(host, rateRps, 1000, sender);
      expect(summary.scheduled).toBe(rateRps);
      // Only a timer that fires short of the target wakes for nothing (0.1 ms naps did 10,000 times a second).
      expect(emptyWakeUps(host, sender.sent)).toBeLessThanOrEqual(1100);
      expect(host.longestNapMs).toBeLessThanOrEqual(0.25);
      const lateMs = sender.sent.map((s) => s.sentMs - s.intendedMs);
      expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...lateMs)).toBeLessThanOrEqual(2);
    });
  }

  it('at 2000 rps (arrivals 0.5 ms apart) waits with timers, about once a millisecond, and barely naps', async () => {
    const host = new VirtualHost();
    const sender = recordingSender(host, 5);
    await runOnHost(host, 2000, 1000, sender);
    expect(host.wakeUps).toBeLessThanOrEqual(1100);
    expect(host.nappedMs).toBeLessThan(50);
  });

  it('at 300 rps (arrivals 3.3 ms apart) wakes about once per arrival, not again for the fraction Node truncates off a timer', async () => {
    const host = new VirtualHost();
    const sender = recordingSender(host, 5);
    await runOnHost(host, 300, 1000, sender);
    expect(sender.sent).toHaveLength(300);
    expect(host.nappedMs).toBe(0);
    expect(host.wakeUps).toBeLessThanOrEqual(360);
    const lateMs = sender.sent.map((s) => s.sentMs - s.intendedMs);
    expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateMs)).toBeLessThanOrEqual(1.01);
  });

  it('sends every arrival that came due during a 5 ms stall in the one wake-up after it', async () => {
    const host = new VirtualHost();
    // The 100th send stalls the thread for 5 ms (a GC pause, a busy core).
    const sender = recordingSender(host, 5, (n) => {
      if (n === 100) host.timeMs += 5;
    });
    await runOnHost(host, 10_000, 50, sender);
    const stalledAt = sender.sent[99];
    const dueDuringStall = sender.sent.filter((s) => s.intendedMs > stalledAt.intendedMs && s.intendedMs <= stalledAt.sentMs + 5);
    expect(dueDuringStall.length).toBeGreaterThanOrEqual(45);
    const wakeUps = new Set(dueDuringStall.map((s) => s.wakeUp));
    expect(wakeUps.size).toBe(1);
  });
});

describe('the real clock on a virtual host, nothing in flight', () => {
  it('at 100 rps naps the last millisecond and sends each arrival within 0.05 ms, in at most 3 wake-ups each', async () => {
    const host = new VirtualHost();
    const sender = recordingSender(host, 0);
    await runOnHost(host, 100, 1000, sender);
    expect(sender.sent).toHaveLength(100);
    const lateMs = sender.sent.map((s) => s.sentMs - s.intendedMs);
    expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateMs)).toBeLessThan(0.05);
    expect(host.wakeUps).toBeLessThanOrEqual(300);
  });
});
