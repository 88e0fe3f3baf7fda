/**
 * A Lambda proxy integration with reserved concurrency N (a backend of limited concurrency):
 *
 *   in flight < N                  run now: answer after a sampled latency
 *   N <= in flight, queue < Q      wait for a slot (latency grows with the queue), timing out
 *                                  at the integration timeout like any slow integration
 *   otherwise                      Lambda throttles (429 to API Gateway), which the gateway
 *                                  answers 500 "Internal server error" (or 502, configurable)
 *
 * Q (`queueLimit`) defaults to 0, as a real Lambda never queues a synchronous invoke. A slot is
 * held for the whole sampled latency even when the gateway has already answered with a timeout.
 */
import type { LambdaIntegration } from '../integration-config.ts';
import type { Exchange } from '../exchange.ts';
import { sampleLatencyMs } from '../latency.ts';
import { flatHeaders, type Integration } from './integration.ts';
import type { GatewayAnswer } from '../responses.ts';

interface Waiting {
  readonly ex: Exchange;
  readonly timer: NodeJS.Timeout;
}

function reply(lambda: LambdaRunner, ex: Exchange): void {
  ex.gateway(lambda.answer);
}

function release(lambda: LambdaRunner): void {
  lambda.release();
}

function timeOut(ex: Exchange): void {
  ex.timedOut();
}

/** Runs a LambdaIntegration; one instance per route, so its concurrency is the route's. */
export class LambdaRunner implements Integration {
  readonly needsBody = false;
  readonly spec: LambdaIntegration;
  /** The same answer every time: checked and serialised once (responses.ts writeFixedAnswer). */
  readonly answer: GatewayAnswer;
  #inFlight = 0;
  readonly #queue: Waiting[] = [];

  constructor(spec: LambdaIntegration) {
    this.spec = spec;
    this.answer = Object.freeze({ status: spec.status, headers: flatHeaders(spec.headers), body: spec.body });
  }

  /** Invocations running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  invoke(ex: Exchange): void {
    ex.startIntegration();
    if (this.#inFlight < this.spec.reservedConcurrency) this.#run(ex);
    else if (this.#queue.length < this.spec.queueLimit) {
      this.#queue.push({ ex, timer: setTimeout(timeOut, ex.remainingMs(), ex) });
    } else ex.gateway(ex.ctx.responses.lambdaThrottled[this.spec.throttledStatus]);
  }

  #run(ex: Exchange): void {
    this.#inFlight++;
    const delayMs = sampleLatencyMs(this.spec.latencyMs);
    const remainingMs = ex.remainingMs();
    if (delayMs >= remainingMs) {
      setTimeout(timeOut, Math.max(0, remainingMs), ex);
      setTimeout(release, delayMs, this);
    } else setTimeout(finish, delayMs, this, ex);
  }

  /** Frees a slot and starts the longest-waiting invocation still within its time. */
  release(): void {
    this.#inFlight--;
    while (this.#queue.length > 0) {
      const next = this.#queue.shift() as Waiting;
      clearTimeout(next.timer);
      if (!next.ex.done) {
        this.#run(next.ex);
        return;
      }
    }
  }

  async close(): Promise<void> {
    for (const w of this.#queue.splice(0)) clearTimeout(w.timer);
  }
}

function finish(lambda: LambdaRunner, ex: Exchange): void {
  reply(lambda, ex);
  lambda.release();
}
