/**
 * Warming the HTTP engine's code before run time 0 (httpProtocol.warmUp, load/http-sender.ts),
 * against an in-process loopback sink: nothing is sent to the target (docs/engine.md "The warm-up").
 *
 * A cold process pays, in its first second, for V8 optimising the send and settle paths and for
 * every optimised function it throws away and optimises again. On one core that compiling
 * competes with the schedule (a cold 10,000 rps run gave V8's compiler threads 60% of the core
 * for its first 250 ms), latencies grow, requests pile up in flight, and each extra one first-uses
 * a warm connection, which is slower still. So the warm-up:
 *
 * - collects start-up's garbage first: a full collection after optimising threw the optimised
 *   code away again ("weak objects");
 * - runs the run's own classes (HttpSender, Recorder, RunClock, the open loop, the run's request
 *   factory) for two seconds of the peak rate (warmUpRequestsFor);
 * - in two senders, each keeping every one of its connections busy as fast as the sink answers,
 *   so the path that first uses a connection is optimised too;
 * - closes the first sender before time 0, so the shapes a closed connection leaves behind are
 *   known to the optimised code: the first connection closed mid-run recompiled the whole receive
 *   path when it was not;
 * - keeps the second sender and its sink open until the run is over (WarmUp.release), for the
 *   same reason.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HttpSender } from './http-sender.ts';
import type { ArrivalCursor, PreparedRequest, RequestFactory } from './inputs.ts';
import { runOpenLoop, type DueSender } from './open-loop.ts';
import type { Clock } from './clock.ts';
import type { WarmUp, WarmUpInput } from './sender.ts';

/** Seconds of the peak rate the warm-up sends to its sink (at 10,000 rps one second left twice the first-second compiling of two). */
const WARM_UP_SECONDS_OF_PEAK = 2;
/** Enough for V8 to optimise the per-request functions; 20,000 take 1.8-3.0 s of one pinned core, cold (docs/engine.md "The warm-up"). */
export const WARM_UP_MAX_REQUESTS = 20_000;
/** A slow schedule pays little for cold code; it still gets the parser compiled and the paths warm. */
export const WARM_UP_MIN_REQUESTS = 300;
/** One connection per this many warm-up requests, within bounds: all are busy from the start. */
const REQUESTS_PER_CONNECTION = 80;
const MIN_CONNECTIONS = 32;
const MAX_CONNECTIONS = 256;
/** Share of the warm-up sent by the first sender, closed before time 0; the rest by the one kept open. */
const FIRST_SENDER_SHARE = 0.75;

/** Requests to warm with for a schedule whose highest rate is `peakRps`: two seconds of it, within bounds. */
export function warmUpRequestsFor(peakRps: number): number {
  return Math.round(Math.min(WARM_UP_MAX_REQUESTS, Math.max(WARM_UP_MIN_REQUESTS, peakRps * WARM_UP_SECONDS_OF_PEAK)));
}

/** Connections the warm-up opens and first-uses for `requests`. */
export function warmUpConnectionsFor(requests: number): number {
  return Math.min(MAX_CONNECTIONS, Math.max(MIN_CONNECTIONS, Math.ceil(requests / REQUESTS_PER_CONNECTION)));
}

/** One answer in this many is a throttle 429 with API Gateway's body and header. */
const THROTTLE_EVERY = 10;

export type { WarmUpReport } from './sender.ts';

function startSink(): Promise<Server> {
  let n = 0;
  // keepAliveTimeout 0: its idle connections stay until release(), after the run.
  const server = createServer({ keepAliveTimeout: 0 }, (req, res) => {
    req.resume();
    if (++n % THROTTLE_EVERY === 0) {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ThrottlingException' });
      res.end('{"message":"Too Many Requests"}');
    } else res.end('ok');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * `count` arrivals, each due as soon as fewer than `concurrency` requests are in flight (else in
 * RETRY_MS): as fast as the sink answers, on the warm connections only. An open schedule at a
 * fixed rate outran the in-process sink on one core: 2,285 of 3,000 in flight, thousands of
 * connections opened, and seconds to close them.
 */
function asSinkAnswers(count: number, concurrency: number, sender: DueSender, clock: Clock): ArrivalCursor {
  let i = 0;
  return {
    next: () => {
      if (i >= count) return Infinity;
      i++;
      const nowMs = clock.nowMs();
      return sender.inFlight < concurrency ? nowMs : nowMs + RETRY_MS;
    },
  };
}
const RETRY_MS = 0.2;

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
 * A factory that prepares every warm-up index is used as it is: a wrapper's prepare() is another
 * call target, and the run's first sends threw away the code optimised for it.
 */
function warmUpFactory(factory: RequestFactory, requests: number): RequestFactory {
  try {
    for (let i = 0; i < requests; i++) factory.prepare(i);
    return factory;
  } catch {
    return forgiving(factory);
  }
}

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

/**
 * Runs the warm-up; `factory` is the run's own (prepare() is a pure function of the index). The
 * caller releases it once the run is over.
 */
export async function warmUpEngine({ factory: runFactory, clock, signal, requests, recorder }: WarmUpInput): Promise<WarmUp> {
  const factory = warmUpFactory(runFactory, requests);
  const startedMs = clock.nowMs();
  const connections = warmUpConnectionsFor(requests);
  const sink = await startSink();
  const { port } = sink.address() as AddressInfo;
  const open = (): Promise<HttpSender> => HttpSender.open({
    target: `http://127.0.0.1:${port}`, factory, sink: recorder, clock,
    // No cap below the request count: a cold process is slow, and a dropped warm-up request warms nothing.
    timeoutMs: 5000, maxConnections: requests, warmConnections: connections, keepIdleConnections: true,
  });
  const progress = setInterval(() => {
    recorder.progress();
    while (recorder.closeOneSettled(clock.nowMs()));
  }, 50);
  let sender: HttpSender | undefined;
  const release = async (): Promise<void> => {
    await sender?.close();
    sink.closeAllConnections();
    await new Promise((resolve) => sink.close(resolve));
  };
  const send = async (count: number): Promise<void> => {
    const on = sender!;
    await runOpenLoop(asSinkAnswers(count, connections, on, clock), on, recorder, { clock, maxInFlight: requests, signal });
    await Promise.race([on.whenIdle(), clock.sleepUntil(clock.nowMs() + 1000, signal)]);
  };
  try {
    collectGarbage();
    const first = Math.max(connections, Math.round(requests * FIRST_SENDER_SHARE));
    sender = await open();
    await send(first);
    await sender.close();
    sender = await open();
    await send(Math.max(connections, requests - first));
    recorder.seal();
    recorder.measurement(['warm-up'], 1);
  } catch (err) {
    await release();
    throw err;
  } finally {
    clearInterval(progress);
  }
  return { report: { sinkRequests: recorder.sentCount, durationMs: clock.nowMs() - startedMs }, release };
}
