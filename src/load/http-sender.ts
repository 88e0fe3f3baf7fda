/**
 * HttpSender: the Sender (load/sender.ts) on undici, and `httpProtocol`, the TargetProtocol for
 * http: and https: targets. One undici Client per connection, one request per connection at a
 * time (pipelining 1), so a request starts only on a free connection and never waits behind
 * another one's response. Free clients sit on a stack (O(1) per send; undici's Pool scans every
 * client per dispatch, which costs at 2,000 connections) and new ones open as needed up to
 * `maxConnections`; `warmConnections` sockets are opened before the first arrival (outside the
 * measured window) and handed to the first clients that connect.
 * It uses undici's low-level dispatch() with a legacy handler object (no body stream, no
 * header parsing: cheapest per request) and counts its own in-flight requests for the cap.
 * An answer reaches the recorder as a protocol-neutral outcome: the HTTP status is its code,
 * and answerClassOf says what the status means.
 */
import pLimit from 'p-limit';
import type { Socket } from 'node:net';
import { Client, buildConnector, type Dispatcher } from 'undici';
import { warmUpEngine } from './code-warm-up.ts';
import type { PreparedRequest } from './inputs.ts';
import { classifyError } from './outcome.ts';
import type { Sender, SenderOptions, TargetProtocol } from './sender.ts';
import type { AnswerClass, AnsweredOutcome, SentRequest } from '../record/sink.ts';
import { ORIGIN, type OriginCode } from '../record/send-log.ts';
import { ORIGIN_BODY_BYTES, throttleOrigin } from '../record/throttle-origin.ts';
import { requestTargetJoiner } from './target-path.ts';

/** How to build an HttpSender. */
export interface HttpSenderOptions extends SenderOptions {
  /**
   * Idle connections stay open however long (undici closes them after 4 s by default): the
   * warm-up's, which must not be torn down during the run (load/code-warm-up.ts).
   */
  readonly keepIdleConnections?: boolean;
}

/** undici's idle timeouts for `keepIdleConnections`: longer than any run. */
const KEEP_IDLE = { keepAliveTimeout: 2 ** 31 - 1, keepAliveMaxTimeout: 2 ** 31 - 1 } as const;

/** What an HTTP status means for the run: a 429 throttles only when the gateway's origin says so. */
export function answerClassOf(status: number, origin: OriginCode): AnswerClass {
  if (status === 429) return origin === ORIGIN.THROTTLE || origin === ORIGIN.QUOTA ? 'throttled' : 'status429Other';
  if (status >= 500) return 'serverErrors';
  if (status >= 400) return 'clientErrors';
  return 'ok';
}

const ERROR_TYPE_HEADER = 'x-amzn-errortype';
const CONNECT_TIMEOUT_CAP_MS = 10_000;

function headerValue(raw: Buffer[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === lowerName.length && name.toString('latin1').toLowerCase() === lowerName) {
      return raw[i + 1].toString('latin1');
    }
  }
  return undefined;
}

/** One request on the wire: carries what the recorder needs when it settles, and then its outcome. */
class Exchange implements Dispatcher.DispatchHandler, SentRequest, AnsweredOutcome {
  /** The HTTP status, once the final one arrived. */
  code = 0;
  errorType: string | undefined;
  body = '';
  settled = false;
  /** The rest of the outcome, filled in when the response ends. */
  answerClass: AnswerClass = 'ok';
  origin: OriginCode = ORIGIN.NONE;

  constructor(
    readonly sender: HttpSender,
    readonly client: Client,
    readonly row: number,
    readonly requestIndex: number,
    readonly intendedMs: number,
    readonly sentMs: number,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: the final status is still to come
    this.code = statusCode;
    if (statusCode === 429) this.errorType = headerValue(rawHeaders, ERROR_TYPE_HEADER);
    return true;
  }

  onData(chunk: Buffer): boolean {
    // Bodies are discarded except the start of a 429's, which says throttle or quota.
    if (this.code === 429 && this.body.length < ORIGIN_BODY_BYTES) {
      this.body += chunk.toString('latin1', 0, Math.min(chunk.length, ORIGIN_BODY_BYTES - this.body.length));
    }
    return true;
  }

  onComplete(): void {
    this.sender.settle(this, undefined);
  }

  onError(err: Error): void {
    this.sender.settle(this, err);
  }
}

function originParams(url: URL): Parameters<buildConnector.connector>[0] {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { hostname: url.hostname, host: url.host, protocol: url.protocol, port, servername: undefined, localAddress: null, httpSocket: undefined };
}

/**
 * Connects in flight at once while warming. A Node listener queues 511 unaccepted connections;
 * past that the kernel drops SYNs and each one costs a 1 s retransmit. Opening 2,000 at once to a
 * node:http server on this machine took 1.9-2.4 s with up to 1,366 connects over 900 ms; 128 at
 * a time, 0.65-1.1 s and none.
 */
export const WARM_CONNECT_CONCURRENCY = 128;

/** `count` opens, at most `concurrency` in flight (p-limit), results in order. */
export function openAll<T>(count: number, open: () => Promise<T>, concurrency = WARM_CONNECT_CONCURRENCY): Promise<T[]> {
  const limit = pLimit(concurrency);
  return Promise.all(Array.from({ length: count }, () => limit(open)));
}

/** Opens one socket before time 0 and reports its set-up time (TCP, and TLS for https) as warm. */
function openSocket(connector: buildConnector.connector, url: URL, options: HttpSenderOptions): Promise<Socket | undefined> {
  const startMs = options.clock.nowMs();
  return new Promise((resolve) => {
    connector(originParams(url), (err, socket) => {
      if (!err) options.sink.connected(options.clock.nowMs() - startMs, true);
      resolve(err ? undefined : (socket as Socket));
    });
  });
}

/** The undici Sender; build it with `HttpSender.open` (which warms connections). */
export class HttpSender implements Sender {
  inFlight = 0;
  readonly #origin: string;
  readonly #requestTarget: (requestPath: string) => string;
  // The options' parts as fields of this class, not one options object: the warm-up's sender and
  // the run's are built from objects of different shapes, and V8 code optimised on one shape was
  // thrown away on the other inside the first second (load/code-warm-up.ts).
  readonly #factory: HttpSenderOptions['factory'];
  readonly #sink: HttpSenderOptions['sink'];
  readonly #clock: HttpSenderOptions['clock'];
  readonly #timeoutMs: number;
  readonly #clientOptions: Client.Options;
  readonly #warm: Socket[];
  readonly #connect: buildConnector.connector;
  readonly #clients: Client[] = [];
  /** Clients with no request in flight; LIFO so the most recently used connections stay warm. */
  readonly #free: Client[] = [];
  /** By requestIndex: the last request sent and the options built for it. */
  readonly #lastOptions: ({ readonly request: PreparedRequest; readonly options: Dispatcher.DispatchOptions } | undefined)[] = [];
  #closed = false;
  #onIdle: (() => void) | undefined;

  private constructor(options: HttpSenderOptions, connector: buildConnector.connector, warm: Socket[]) {
    const url = new URL(options.target);
    this.#factory = options.factory;
    this.#sink = options.sink;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
    this.#origin = url.origin;
    this.#requestTarget = requestTargetJoiner(url);
    this.#warm = warm;
    this.#connect = (params, callback) => {
      const socket = this.#warm.pop();
      // Asynchronously, as a real connect: undici's client does not expect the callback re-entrantly.
      if (socket && !socket.destroyed) process.nextTick(callback, null, socket);
      else {
        // Once per new connection, not per request: the set-up time is reported apart from send lag (k6's http_req_connecting).
        const startMs = options.clock.nowMs();
        connector(params, (err, opened) => {
          if (!err) options.sink.connected(options.clock.nowMs() - startMs, false);
          (callback as (e: Error | null, s: unknown) => void)(err, opened);
        });
      }
    };
    this.#clientOptions = { pipelining: 1, connect: this.#connect, ...(options.keepIdleConnections ? KEEP_IDLE : {}) };
    for (let i = 0; i < warm.length; i++) this.#free.push(this.#newClient());
  }

  #newClient(): Client {
    // The open loop's cap keeps in-flight <= maxConnections, so a new client is only made below it.
    const client = new Client(this.#origin, this.#clientOptions);
    this.#clients.push(client);
    return client;
  }

  /** Builds the sender and opens `warmConnections` connections first (failures are left to the run). */
  static async open(options: HttpSenderOptions): Promise<HttpSender> {
    const url = new URL(options.target);
    const connector = buildConnector({ timeout: Math.min(options.timeoutMs, CONNECT_TIMEOUT_CAP_MS) });
    const count = Math.min(options.warmConnections, options.maxConnections);
    const opened = await openAll(count, () => openSocket(connector, url, options));
    return new HttpSender(options, connector, opened.filter((s): s is Socket => s !== undefined));
  }

  send(arrivalIndex: number, intendedMs: number): void {
    const request = this.#factory.prepare(arrivalIndex);
    const sentMs = this.#clock.nowMs();
    const row = this.#sink.sent(arrivalIndex, request.requestIndex, intendedMs, sentMs);
    const client = this.#free.pop() ?? this.#newClient();
    const exchange = new Exchange(this, client, row, request.requestIndex, intendedMs, sentMs);
    this.inFlight++;
    client.dispatch(this.#dispatchOptions(request), exchange);
  }

  /**
   * undici's options for `request`. A request whose parts are the very strings and header object
   * of the previous one with its requestIndex (every request without placeholders: the factory
   * shares them, load/request-factory.ts) reuses that options object: no path join, no object per
   * request. undici reads the options and never writes them.
   */
  #dispatchOptions(request: PreparedRequest): Dispatcher.DispatchOptions {
    const last = this.#lastOptions[request.requestIndex];
    if (last !== undefined && last.request.path === request.path && last.request.headers === request.headers
      && last.request.body === request.body && last.request.method === request.method) return last.options;
    const options: Dispatcher.DispatchOptions = {
      path: this.#requestTarget(request.path),
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    };
    this.#lastOptions[request.requestIndex] = { request, options };
    return options;
  }

  /** Called by an Exchange exactly once per request (later calls are ignored). */
  settle(exchange: Exchange, err: Error | undefined): void {
    if (exchange.settled) return;
    exchange.settled = true;
    this.inFlight--;
    if (!this.#closed) this.#free.push(exchange.client);
    const endMs = this.#clock.nowMs();
    if (err) this.#sink.failed(exchange, endMs, classifyError(err));
    else {
      exchange.origin = throttleOrigin(exchange.code, exchange.errorType, exchange.body);
      exchange.answerClass = answerClassOf(exchange.code, exchange.origin);
      this.#sink.answered(exchange, endMs, exchange);
    }
    if (this.inFlight === 0 && this.#onIdle) this.#onIdle();
  }

  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onIdle = () => {
        this.#onIdle = undefined;
        resolve();
      };
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const socket of this.#warm.splice(0)) socket.destroy();
    await Promise.all(this.#clients.map((client) => client.destroy()));
  }
}

/** http: and https: targets. */
export const httpProtocol: TargetProtocol = {
  schemes: ['http:', 'https:'],
  open: (options) => HttpSender.open(options),
  warmUp: (input) => warmUpEngine(input),
};
