/**
 * Warming the HTTP engine's code before run time 0 (httpProtocol.warmUp, load/http-sender.ts),
 * against an in-process loopback sink: nothing is sent to the target (docs/architecture.md "Warm-up").
 *
 * A cold process pays, in its first second, for: V8 compiling the send and settle paths from
 * the interpreter up through its optimising tiers, undici's llhttp WebAssembly parser being
 * compiled and tiered up, the first hdr histograms being built, and the collection of the
 * garbage module loading left behind. On one core that work competes with the schedule, so
 * latencies grow, requests pile up in flight, more connections open on demand (synchronous
 * work again) and arrivals are dropped (docs/gates.md "Warm-up"). This runs the same classes
 * (HttpSender, Recorder, the open loop) over 300 to 3,000 requests (warmUpRequestsFor) at
 * 6,000 rps to a node:http server on 127.0.0.1, answering a share of them 429 (so the
 * throttle-origin path is warm too), then closes everything and collects the garbage.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Recorder } from '../record/recorder.ts';
import type { Clock } from './clock.ts';
import { HttpSender } from './http-sender.ts';
import type { ArrivalCursor, PreparedRequest, RequestFactory } from './inputs.ts';
import { runOpenLoop } from './open-loop.ts';
import type { WarmUpReport } from './sender.ts';

/** Enough for V8 to optimise the per-request functions (it needs a few thousand calls). */
export const WARM_UP_MAX_REQUESTS = 3000;
/** A slow schedule pays little for cold code; it still gets the parser compiled and the paths warm. */
export const WARM_UP_MIN_REQUESTS = 300;
/** Pace of the warm-up: 3,000 requests over 0.5 s, as the trial measured (docs/architecture.md "Warm-up"). */
const WARM_UP_RATE_RPS = 6000;

/** Requests to warm with for a schedule whose highest rate is `peakRps`: half a second of it, within bounds. */
export function warmUpRequestsFor(peakRps: number): number {
  return Math.round(Math.min(WARM_UP_MAX_REQUESTS, Math.max(WARM_UP_MIN_REQUESTS, peakRps / 2)));
}
const WARM_UP_CONNECTIONS = 32;
/** One answer in this many is a throttle 429 with API Gateway's body and header. */
const THROTTLE_EVERY = 10;

export type { WarmUpReport } from './sender.ts';

function startSink(): Promise<Server> {
  let n = 0;
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    req.resume();
    if (++n % THROTTLE_EVERY === 0) {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ThrottlingException' });
      res.end('{"message":"Too Many Requests"}');
    } else res.end('ok');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function evenly(count: number, durationMs: number, originMs: number): ArrivalCursor {
  let i = 0;
  return { next: () => (i < count ? originMs + (++i * durationMs) / count : Infinity) };
}

/**
 * A full collection now, so the garbage of start-up is not collected inside the measured window.
 * `gc` is only exposed behind a V8 flag; setting it at run time and fetching the function from a
 * fresh context is the documented way to get it without a command-line flag.
 */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // Without it the first second may carry one more major GC: slower, not wrong.
  }
}

/**
 * The run's factory for the warm-up, where a request that cannot be prepared is not the run's
 * business: a scenario param function that throws for some index must stop the run at that
 * arrival, with what was measured kept (load/param-guard.ts), not fail before time 0. The
 * warm-up sends the last request that did prepare instead (or a bare GET / to its own sink).
 */
function forgiving(factory: RequestFactory): RequestFactory {
  let last: PreparedRequest = { requestIndex: 0, method: 'GET', path: '/', headers: {}, body: undefined };
  return {
    prepare(arrivalIndex: number): PreparedRequest {
      try {
        return (last = factory.prepare(arrivalIndex));
      } catch {
        return last;
      }
    },
  };
}

/** Runs the warm-up; `factory` is the run's own (prepare() is a pure function of the index). */
export async function warmUpEngine(runFactory: RequestFactory, clock: Clock, signal: AbortSignal, requests: number): Promise<WarmUpReport> {
  const factory = forgiving(runFactory);
  const startedMs = clock.nowMs();
  const sink = await startSink();
  const { port } = sink.address() as AddressInfo;
  const recorder = new Recorder();
  const sender = await HttpSender.open({
    target: `http://127.0.0.1:${port}`, factory, sink: recorder, clock,
    // No cap below the request count: a cold process is slow, and a dropped warm-up request warms nothing.
    timeoutMs: 5000, maxConnections: requests, warmConnections: WARM_UP_CONNECTIONS,
  });
  const progress = setInterval(() => {
    recorder.progress();
    while (recorder.closeOneSettled(clock.nowMs()));
  }, 50);
  try {
    await runOpenLoop(evenly(requests, (requests * 1000) / WARM_UP_RATE_RPS, clock.nowMs()), sender, recorder, {
      clock, maxInFlight: requests, signal,
    });
    await Promise.race([sender.whenIdle(), clock.sleepUntil(clock.nowMs() + 1000, signal)]);
    recorder.seal();
    recorder.measurement(['warm-up'], 1);
  } finally {
    clearInterval(progress);
    await sender.close();
    sink.closeAllConnections();
    await new Promise((resolve) => sink.close(resolve));
  }
  collectGarbage();
  return { sinkRequests: recorder.sentCount, durationMs: clock.nowMs() - startedMs };
}
