/**
 * HttpSender: the Sender on undici. One undici Client per connection, one request per
 * connection at a time (pipelining 1), so a request starts only on a free connection and never
 * waits behind another one's response. Free clients sit on a stack (O(1) per send; undici's
 * Pool scans every client per dispatch, which costs at 2,000 connections) and new ones open as
 * needed up to `maxConnections`; `warmConnections` sockets are opened before the first arrival
 * (outside the measured window) and handed to the first clients that connect.
 * It uses undici's low-level dispatch() with a legacy handler object (no body stream, no
 * header parsing: cheapest per request) and counts its own in-flight requests for the cap.
 */
import pLimit from 'p-limit';
import type { Socket } from 'node:net';
import { Client, buildConnector, type Dispatcher } from 'undici';
import type { Clock } from './clock.ts';
import type { RequestFactory } from './inputs.ts';
import { classifyError } from './outcome.ts';
import type { Sender } from './sender.ts';
import type { RecordSink, SentRequest } from '../record/sink.ts';
import { ORIGIN_BODY_BYTES, throttleOrigin } from '../record/throttle-origin.ts';
import { requestTargetJoiner } from './target-path.ts';

/** How to build an HttpSender. */
export interface HttpSenderOptions {
  /** Base URL; its path (a stage such as /prod) prefixes every request path. */
  readonly target: string;
  readonly factory: RequestFactory;
  readonly sink: RecordSink;
  readonly clock: Clock;
  /** Per-request limit for the connect, the response headers, and each gap in the body. */
  readonly timeoutMs: number;
  readonly maxConnections: number;
  /** Connections to open before the first arrival; 0 = open as needed. */
  readonly warmConnections: number;
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

/** One request on the wire: carries what the recorder needs when it settles. */
class Exchange implements Dispatcher.DispatchHandler, SentRequest {
  status = 0;
  errorType: string | undefined;
  body = '';
  settled = false;

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
    this.status = statusCode;
    if (statusCode === 429) this.errorType = headerValue(rawHeaders, ERROR_TYPE_HEADER);
    return true;
  }

  onData(chunk: Buffer): boolean {
    // Bodies are discarded except the start of a 429's, which says throttle or quota.
    if (this.status === 429 && this.body.length < ORIGIN_BODY_BYTES) {
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

function openSocket(connector: buildConnector.connector, url: URL): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    connector(originParams(url), (err, socket) => resolve(err ? undefined : (socket as Socket)));
  });
}

/** The undici Sender; build it with `HttpSender.open` (which warms connections). */
export class HttpSender implements Sender {
  inFlight = 0;
  readonly #origin: string;
  readonly #requestTarget: (requestPath: string) => string;
  readonly #options: HttpSenderOptions;
  readonly #warm: Socket[];
  readonly #connect: buildConnector.connector;
  readonly #clients: Client[] = [];
  /** Clients with no request in flight; LIFO so the most recently used connections stay warm. */
  readonly #free: Client[] = [];
  #closed = false;
  #onIdle: (() => void) | undefined;

  private constructor(options: HttpSenderOptions, connector: buildConnector.connector, warm: Socket[]) {
    const url = new URL(options.target);
    this.#options = options;
    this.#origin = url.origin;
    this.#requestTarget = requestTargetJoiner(url);
    this.#warm = warm;
    this.#connect = (params, callback) => {
      const socket = this.#warm.pop();
      // Asynchronously, as a real connect: undici's client does not expect the callback re-entrantly.
      if (socket && !socket.destroyed) process.nextTick(callback, null, socket);
      else connector(params, callback);
    };
    for (let i = 0; i < warm.length; i++) this.#free.push(this.#newClient());
  }

  #newClient(): Client {
    // The open loop's cap keeps in-flight <= maxConnections, so a new client is only made below it.
    const client = new Client(this.#origin, { pipelining: 1, connect: this.#connect });
    this.#clients.push(client);
    return client;
  }

  /** Builds the sender and opens `warmConnections` connections first (failures are left to the run). */
  static async open(options: HttpSenderOptions): Promise<HttpSender> {
    const url = new URL(options.target);
    const connector = buildConnector({ timeout: Math.min(options.timeoutMs, CONNECT_TIMEOUT_CAP_MS) });
    const count = Math.min(options.warmConnections, options.maxConnections);
    const opened = await openAll(count, () => openSocket(connector, url));
    return new HttpSender(options, connector, opened.filter((s): s is Socket => s !== undefined));
  }

  send(arrivalIndex: number, intendedMs: number): void {
    const { factory, sink, clock, timeoutMs } = this.#options;
    const request = factory.prepare(arrivalIndex);
    const sentMs = clock.nowMs();
    const row = sink.sent(arrivalIndex, request.requestIndex, intendedMs, sentMs);
    const client = this.#free.pop() ?? this.#newClient();
    const exchange = new Exchange(this, client, row, request.requestIndex, intendedMs, sentMs);
    this.inFlight++;
    client.dispatch(
      {
        path: this.#requestTarget(request.path),
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      exchange,
    );
  }

  /** Called by an Exchange exactly once per request (later calls are ignored). */
  settle(exchange: Exchange, err: Error | undefined): void {
    if (exchange.settled) return;
    exchange.settled = true;
    this.inFlight--;
    if (!this.#closed) this.#free.push(exchange.client);
    const endMs = this.#options.clock.nowMs();
    if (err) this.#options.sink.failed(exchange, endMs, classifyError(err));
    else {
      const origin = throttleOrigin(exchange.status, exchange.errorType, exchange.body);
      this.#options.sink.answered(exchange, endMs, exchange.status, origin);
    }
    if (this.inFlight === 0 && this.#onIdle) this.#onIdle();
  }

  /** Resolves when nothing is in flight (at once if nothing is). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onIdle = () => {
        this.#onIdle = undefined;
        resolve();
      };
    });
  }

  /** Closes every connection, failing whatever is still in flight (record it as unfinished first). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const socket of this.#warm.splice(0)) socket.destroy();
    await Promise.all(this.#clients.map((client) => client.destroy()));
  }
}
