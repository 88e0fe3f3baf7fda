/**
 * settleLoop (load/clock.ts) holds time 0 until the work the warm-up and the warm connections left
 * queued has run: it ends once no loop turn took over 1 ms for 30 ms, and never later than 300 ms.
 * Counted on a virtual host whose turns take the time a script gives them.
 */
import { describe, expect, it } from 'vitest';
import { settleLoop, type WaitHost } from '../../src/load/clock.ts';

/** Each turn takes `turnMs(atMs)` of virtual time; runs until the promise settles. */
async function settleOn(turnMs: (atMs: number) => number): Promise<{ tookMs: number; turns: number }> {
  let timeMs = 0;
  let turns = 0;
  const queue: (() => void)[] = [];
  const host: WaitHost = {
    nowMs: () => timeMs,
    setTimer: () => { throw new Error('settleLoop must not use timers'); },
    clearTimer: () => {},
    setImmediate: (fn) => void queue.push(fn),
    nap: () => { throw new Error('settleLoop must not nap'); },
  };
  let tookMs: number | undefined;
  void settleLoop(host).then((ms) => (tookMs = ms));
  while (tookMs === undefined) {
    const fn = queue.shift();
    if (!fn) throw new Error('settleLoop stopped turning before it settled');
    timeMs += turnMs(timeMs);
    turns++;
    fn();
    await Promise.resolve();
  }
  return { tookMs, turns };
}

describe('settleLoop', () => {
  it('a quiet loop settles after 30 ms of quiet', async () => {
    const { tookMs } = await settleOn(() => 0.001);
    expect(tookMs).toBeGreaterThanOrEqual(30);
    expect(tookMs).toBeLessThan(31);
  });

  it('waits out queued work: 5 ms turns until 50 ms in, then 30 ms of quiet', async () => {
    const { tookMs } = await settleOn((atMs) => (atMs < 50 ? 5 : 0.001));
    expect(tookMs).toBeGreaterThanOrEqual(80);
    expect(tookMs).toBeLessThan(82);
  });

  it('a turn of exactly 1 ms is quiet; one just over restarts the 30 ms', async () => {
    expect((await settleOn((atMs) => (atMs < 10 ? 1 : 0.001))).tookMs).toBeLessThan(31);
    expect((await settleOn((atMs) => (atMs > 20 && atMs < 21 ? 1.5 : 0.001))).tookMs).toBeGreaterThanOrEqual(51);
  });

  it('never holds time 0 past 300 ms however busy the loop stays', async () => {
    const { tookMs } = await settleOn(() => 2);
    expect(tookMs).toBeGreaterThanOrEqual(300);
    expect(tookMs).toBeLessThanOrEqual(302);
  });
});
