/**
 * One request's passage through the emulator, from receipt to the answer: the state an
 * integration needs (request, path, deadline) and the one way out (`answer`), which writes the
 * response with the request-id headers and records the request's metric exactly once.
 */
import type { ServedRequest, ServedResponse } from './http1/served.ts';
import type { ApiType } from '../core/limits.ts';
import type { EmulatorClock } from './clock.ts';
import type { EmulatorHealth } from './health.ts';
import type { RequestMetric } from './metrics/store.ts';
import { writeAnswer, writeFixedAnswer, type GatewayAnswer, type GatewayResponses } from './responses.ts';

/** Where answered requests are recorded (the MetricStore, or a test's list). */
export interface MetricSink {
  record(m: RequestMetric): void;
}

/** What every exchange of one emulator shares. */
export interface ExchangeContext {
  readonly type: ApiType;
  readonly responses: GatewayResponses;
  readonly clock: EmulatorClock;
  readonly metrics: MetricSink;
  readonly integrationTimeoutMs: number;
  /** Counts the emulator's own failures (the last-resort 500s). */
  readonly health: EmulatorHealth;
}

/** One request being answered. Integrations call `startIntegration` and then `answer` (or `gateway`). */
export class Exchange {
  readonly ctx: ExchangeContext;
  readonly req: ServedRequest;
  readonly res: ServedResponse;
  /** Undefined when the path names no stage: such requests are answered but not recorded. */
  readonly stage: string | undefined;
  readonly method: string;
  readonly resource: string;
  /** Path below the stage (`/users/7`), without the query. */
  readonly path: string;
  /** The query string with its `?`, or ''. */
  readonly query: string;
  readonly atMs: number;
  readonly atWallMs: number;
  requestBytes: number;
  #integrationStartMs = -1;
  #done = false;

  /** `where`: the router's resolution (its stage's name, resource and path); `query` with its `?`, or ''. */
  constructor(ctx: ExchangeContext, req: ServedRequest, res: ServedResponse, atMs: number, atWallMs: number, where: { readonly stage: { readonly name: string } | undefined; readonly resource: string; readonly path: string }, query: string, requestBytes: number) {
    this.ctx = ctx;
    this.req = req;
    this.res = res;
    this.method = req.method ?? 'GET';
    this.atMs = atMs;
    this.atWallMs = atWallMs;
    this.stage = where.stage?.name;
    this.resource = where.resource;
    this.path = where.path;
    this.query = query;
    this.requestBytes = requestBytes;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Marks the integration as called (its latency is measured from here). */
  startIntegration(): void {
    this.#integrationStartMs = this.ctx.clock.nowMs();
  }

  /** Ms left before the integration timeout, counted from `startIntegration`. */
  remainingMs(): number {
    return this.ctx.integrationTimeoutMs - (this.ctx.clock.nowMs() - this.#integrationStartMs);
  }

  /**
   * Writes the response and records the metric; later calls are ignored. An answer the server
   * refuses to write (node:http's own checks, http1/response.ts: a proxied target's status 600, a
   * header with a control character) becomes the last-resort 500 instead, so every request gets
   * an answer.
   */
  answer(status: number, headers: readonly string[], body: Buffer | string, close = false): void {
    this.#send(status, headers, body, undefined, close);
  }

  /** An answer that never changes: the gateway's own, or a mock's (written from its CheckedAnswer, responses.ts). */
  gateway(answer: GatewayAnswer, close = false): void {
    this.#send(answer.status, answer.headers, answer.body, answer, close);
  }

  #send(status: number, headers: readonly string[], body: Buffer | string, fixed: GatewayAnswer | undefined, close: boolean): void {
    if (this.#done) return;
    this.#done = true;
    const { ctx } = this;
    let sent = status;
    let responseBytes: number;
    try {
      responseBytes = fixed === undefined ? writeAnswer(this.res, ctx.type, status, headers, body, close) : writeFixedAnswer(this.res, ctx.type, fixed, close);
    } catch (err) {
      ctx.health.fault(err);
      sent = ctx.responses.internalError.status;
      responseBytes = this.#lastResort();
    }
    this.#record(sent, responseBytes);
  }

  /**
   * The emulator failed on this request (`err` escaped its own code): answers the gateway's 500
   * if nothing was answered yet, counts the fault, and records the 500 (5XXError).
   */
  fault(err: unknown): void {
    this.ctx.health.fault(err);
    if (this.#done) return;
    this.#done = true;
    this.#record(this.ctx.responses.internalError.status, this.#lastResort());
  }

  #lastResort(): number {
    const { res } = this;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return 0;
    }
    try {
      const answer = this.ctx.responses.internalError;
      return writeAnswer(res, this.ctx.type, answer.status, answer.headers, answer.body, true);
    } catch {
      res.destroy();
      return 0;
    }
  }

  #record(status: number, responseBytes: number): void {
    const { ctx } = this;
    if (this.stage === undefined) return;
    const endMs = ctx.clock.nowMs();
    ctx.metrics.record({
      atWallMs: this.atWallMs,
      stage: this.stage,
      method: this.method,
      resource: this.resource,
      status,
      latencyMs: endMs - this.atMs,
      integrationLatencyMs: this.#integrationStartMs < 0 ? null : endMs - this.#integrationStartMs,
      bytes: this.requestBytes + responseBytes,
    });
  }

  /** The integration ran out of time: REST 504, HTTP API 503. */
  timedOut(): void {
    this.gateway(this.ctx.responses.timeout);
  }
}
