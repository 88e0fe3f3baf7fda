/**
 * The target-protocol extension point (load/sender.ts, load/protocols.ts): runLoad reaches a
 * target through whatever TargetProtocol it is given, and the recorder stores the protocol's own
 * outcome codes and classes. The protocol here is a whole one in a few lines: an in-memory
 * "echo" target on virtual time, whose codes are not HTTP statuses.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/load/clock.ts';
import { protocolFor, targetSchemesText } from '../../src/load/protocols.ts';
import { httpProtocol } from '../../src/load/http-sender.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { Sender, SenderOptions, TargetProtocol } from '../../src/load/sender.ts';
import { ORIGIN } from '../../src/record/send-log.ts';
import type { SentRequest } from '../../src/record/sink.ts';
import { constantArrivals, fixedFactory, testOptions } from './helpers.ts';
import { warmUpRequestsFor } from '../../src/load/code-warm-up.ts';

/** Answers every 3rd request "throttled" (code 7) after 2 ms, fails every 10th, the rest "ok" (code 1) after 5 ms. */
function echoProtocol(clock: ManualClock, opened: SenderOptions[]): TargetProtocol {
  return {
    schemes: ['echo:'],
    warmUp: async () => ({ report: { sinkRequests: 0, durationMs: 0 }, release: async () => {} }),
    async open(options): Promise<Sender> {
      opened.push(options);
      let inFlight = 0;
      const settle = () => {
        inFlight--;
      };
      return {
        get inFlight() {
          return inFlight;
        },
        send(arrivalIndex, intendedMs) {
          const sentMs = options.clock.nowMs();
          const request = options.factory.prepare(arrivalIndex);
          const row = options.sink.sent(arrivalIndex, request.requestIndex, intendedMs, sentMs);
          const sent: SentRequest = { row, requestIndex: request.requestIndex, intendedMs, sentMs };
          inFlight++;
          const throttled = arrivalIndex % 3 === 0;
          // The sink gets run-clock times; the ManualClock fires callbacks on its own (base) time.
          const base = clock.nowMs();
          if (arrivalIndex % 10 === 9) {
            clock.at(base + 1, () => (settle(), options.sink.failed(sent, options.clock.nowMs(), 'reset')));
          } else {
            clock.at(base + (throttled ? 2 : 5), () => {
              settle();
              options.sink.answered(sent, options.clock.nowMs(), throttled
                ? { code: 7, answerClass: 'throttled', origin: ORIGIN.THROTTLE }
                : { code: 1, answerClass: 'ok', origin: ORIGIN.NONE });
            });
          }
        },
        whenIdle: async () => undefined,
        close: async () => undefined,
      };
    },
  };
}

describe('runLoad with a target protocol of its own', () => {
  it('sends through the given protocol and records its codes, classes and failures', async () => {
    const clock = new ManualClock(1000);
    const opened: SenderOptions[] = [];
    const out = await runLoad({
      target: 'echo://anywhere/x', arrivals: constantArrivals(100, 1000), plannedDurationMs: 1000,
      factory: fixedFactory(), requestNames: ['echo'], signal: new AbortController().signal,
      options: testOptions({ warmUp: false, connections: 4 }), clock, protocol: echoProtocol(clock, opened),
    });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ target: 'echo://anywhere/x', maxConnections: 4, warmConnections: 4 });
    const { totals, timeline } = out.measurement;
    // 100 arrivals: the 10 with index 9 mod 10 fail; of the other 90, those with index 0 mod 3 are throttled.
    const throttledIdx = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === 0 && i % 10 !== 9);
    expect(totals).toMatchObject({ scheduled: 100, sent: 100, dropped: 0, errors: 10, completed: 90, unfinished: 0 });
    expect(totals.byStatus).toEqual({ '1': 90 - throttledIdx.length, '7': throttledIdx.length });
    expect(totals.status429ByOrigin.throttle).toBe(throttledIdx.length);
    // The last arrival is due at exactly 1000 ms, so second 1 holds it.
    const sum = (key: 'throttled' | 'ok' | 'errors' | 'status429Other') => timeline.reduce((n, row) => n + row[key], 0);
    expect([sum('throttled'), sum('ok'), sum('errors'), sum('status429Other')]).toEqual([throttledIdx.length, 90 - throttledIdx.length, 10, 0]);
    expect(out.sendLog.status[0]).toBe(7);
    expect(out.sendLog.status[1]).toBe(1);
    expect(out.sendLog.status[9]).toBe(0);
    expect(out.measurement.latencyMs.max).toBeCloseTo(5, 1);
    expect(out.warmUp).toBeNull();
  });

  it('runs the protocol warm-up unless switched off, and releases it only after the run', async () => {
    const clock = new ManualClock(0);
    const echo = echoProtocol(clock, []);
    const events: string[] = [];
    const protocol: TargetProtocol = {
      ...echo,
      warmUp: async ({ requests }) => ({ report: { sinkRequests: requests, durationMs: 1 }, release: async () => void events.push('warm-up released') }),
      open: async (options) => {
        events.push('run opened');
        const sender = await echo.open(options);
        return { ...sender, get inFlight() { return sender.inFlight; }, send: (i, at) => sender.send(i, at), whenIdle: () => sender.whenIdle(), close: async () => (events.push('run closed'), sender.close()) };
      },
    };
    const out = await runLoad({
      target: 'echo://x', arrivals: constantArrivals(10, 100), plannedDurationMs: 100, factory: fixedFactory(), requestNames: ['echo'],
      signal: new AbortController().signal, options: testOptions(), clock, protocol, peakRateRps: 1000,
    });
    expect(out.warmUp).toEqual({ sinkRequests: warmUpRequestsFor(1000), durationMs: 1 });
    expect(events).toEqual(['run opened', 'run closed', 'warm-up released']);
  });
});

describe('the protocol registry', () => {
  it('picks HTTP for http: and https: and names the schemes it serves otherwise', () => {
    expect(protocolFor('http://127.0.0.1:1/x')).toBe(httpProtocol);
    expect(protocolFor('https://example.test/')).toBe(httpProtocol);
    expect(targetSchemesText()).toBe('http:// or https://');
    expect(() => protocolFor('ftp://127.0.0.1/x')).toThrow('target: "ftp://127.0.0.1/x" is invalid (expected an http:// or https:// URL)');
    expect(() => protocolFor('not a url')).toThrow('(expected an http:// or https:// URL)');
  });

  it('holds a given protocol to its own schemes', () => {
    const echo = echoProtocol(new ManualClock(0), []);
    expect(protocolFor('echo://a', [echo])).toBe(echo);
    expect(() => protocolFor('http://127.0.0.1/', [echo])).toThrow('(expected an echo:// URL)');
  });
});
