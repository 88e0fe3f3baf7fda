/**
 * The open loop yields to I/O at least every MAX_BATCH_MS however far behind it is, so timers,
 * responses and signals are handled even at absurd rates (issue: `--rps 1e9` used to starve
 * the event loop until only SIGKILL stopped it).
 */
import { describe, expect, it } from 'vitest';
import { performanceClock } from '../../src/load/clock.ts';
import { runOpenLoop } from '../../src/load/open-loop.ts';
import type { DueSender } from '../../src/load/open-loop.ts';

describe('runOpenLoop far behind its schedule', () => {
  it('lets a 2 ms timer fire while ten million arrivals are all already due', async () => {
    const total = 10_000_000;
    let handled = 0;
    const arrivals = { next: () => (handled < total ? 0 : Infinity) };
    // Always full: every arrival is dropped, the cheapest path, so the loop is as busy as it gets.
    const sender: DueSender = { inFlight: 1, send: () => undefined };
    const sink = { dropped: () => void handled++ };
    const controller = new AbortController();
    let handledWhenTimerFired = -1;
    const timerSetMs = performance.now();
    let timerFiredAfterMs = -1;
    setTimeout(() => {
      handledWhenTimerFired = handled;
      timerFiredAfterMs = performance.now() - timerSetMs;
      controller.abort();
    }, 2);
    const summary = await runOpenLoop(arrivals, sender, sink, { clock: performanceClock, maxInFlight: 1, signal: controller.signal });
    expect(handledWhenTimerFired).toBeGreaterThan(0);
    expect(handledWhenTimerFired).toBeLessThan(total);
    expect(summary.interrupted).toBe(true);
    expect(summary.dropped).toBe(handled);
    // Generous for a shared machine; without the yield it fires only after all 1e7 drops (seconds).
    expect(timerFiredAfterMs).toBeLessThan(250);
  });
});

describe('performanceClock.sleepUntil', () => {
  it('never wakes before the target, idle (one nap to it) or not (short naps that read I/O)', async () => {
    const signal = new AbortController().signal;
    let early = 0;
    for (let i = 0; i < 200; i++) {
      const atMs = performance.now() + 0.05 + (i % 19) * 0.05;
      await performanceClock.sleepUntil(atMs, signal, i % 2 === 0);
      if (performance.now() < atMs) early++;
    }
    expect(early).toBe(0);
  });

  it('never resolves synchronously when idle: an immediate queued before a 0.9 ms wait runs first', async () => {
    const signal = new AbortController().signal;
    const order: string[] = [];
    setImmediate(() => order.push('immediate'));
    await performanceClock.sleepUntil(performance.now() + 0.9, signal, true);
    order.push('woke');
    expect(order).toEqual(['immediate', 'woke']);
  });
});
