/**
 * The emulator's HTTP/1.1 server, on node:net (docs/emulator.md "The HTTP/1.1 server"): node:http
 * took about 90 % of the emulator's CPU per request, most of it in IncomingMessage and
 * ServerResponse streams the emulator does not need, since it reads small bodies whole and writes
 * each answer in one piece. What it keeps of node:http's behaviour:
 *
 *   framing        framer.ts, llhttp's strictness; a framing error goes to `clientError` with
 *                  llhttp's code (400, 431), and the connection is closed
 *   keep-alive     HTTP/1.1 unless Connection: close, HTTP/1.0 only with keep-alive; pipelined
 *                  requests are served at once and answered in order
 *   answers        status 100-999 and headers checked by node:http's own validateHeaderName /
 *                  validateHeaderValue; Date, Connection and Keep-Alive added as node:http adds
 *                  them; no body on an answer to HEAD; 100 Continue when a client expects it
 *   timeouts       headers within headersTimeoutMs and a whole request within requestTimeoutMs
 *                  (else 408 through `clientError`); an idle connection closed after
 *                  keepAliveTimeoutMs. Checked by one sweep a second, as node:http checks them
 *                  (connectionsCheckingInterval), so no timer is armed per request
 *   half-close     a client's FIN ends the connection once what it asked is answered
 */
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import { RequestFramer, type FramerSink } from './framer.ts';
import { FramingError, type RequestHead } from './head.ts';
import { Http1Request } from './request.ts';
import { Http1Response, type AnswerQueue } from './response.ts';
import type { RequestListener } from './served.ts';

/** The code node:http gives a request that took too long (client-error.ts answers it 408). */
const REQUEST_TIMEOUT_CODE = 'ERR_HTTP_REQUEST_TIMEOUT';
/** Answers a connection may owe before it reads no more (node:http pauses pipelines likewise). */
const MAX_OWED_ANSWERS = 32;
const SWEEP_MS = 1_000;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

export interface Http1Options {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/** Told of a request that could not be framed or timed out; answers on `socket` and closes it. */
export type ClientErrorListener = (err: { readonly code?: string }, socket: Socket) => void;

/** One client connection: frames its requests, hands each to the listener, writes the answers in order. */
class Connection implements FramerSink, AnswerQueue {
  readonly #socket: Socket;
  readonly #server: Http1Server;
  readonly #framer: RequestFramer;
  #request: Http1Request | undefined;
  readonly #owed: Http1Response[] = [];
  /** No request after the current one is read: it asked to close, or the client half-closed. */
  #lastRequest = false;
  #clientEnded = false;
  #paused = false;
  destroyed = false;
  /** Sweep ticks (seconds) of the last byte either way, and of the start of the request under way. */
  #lastActiveTick: number;
  #requestStartTick: number;
  #answeredAny = false;

  constructor(socket: Socket, server: Http1Server) {
    this.#socket = socket;
    this.#server = server;
    this.#framer = new RequestFramer(this);
    this.#lastActiveTick = server.tick;
    this.#requestStartTick = server.tick;
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('end', () => this.#end());
    socket.on('drain', () => this.#drained());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.#closed());
  }

  #data(chunk: Buffer): void {
    this.#lastActiveTick = this.#server.tick;
    if (!this.#framer.midRequest) this.#requestStartTick = this.#server.tick;
    try {
      this.#framer.push(chunk);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.#clientError(err.code);
    }
  }

  head(head: RequestHead): void {
    // CONNECT asks for a tunnel, which API Gateway never opens; node:http drops it unanswered when no 'connect' listener is set.
    if (head.method === 'CONNECT') return this.#dropUnanswered();
    const req = new Http1Request(head);
    const res = new Http1Response(this, head);
    this.#request = req;
    this.#owed.push(res);
    if (!head.keepAlive) this.#lastRequest = true;
    if (this.#owed.length >= MAX_OWED_ANSWERS) this.#pause();
    if (head.expectsContinue && head.bodyLength !== 0) this.#socket.write(CONTINUE);
    try {
      this.#server.listener(req, res);
    } catch {
      // node:http would let this throw out of the process; the emulator's own handler never throws (handler.ts).
      this.destroy();
    }
  }

  body(chunk: Buffer): void {
    this.#request?.deliver(chunk);
  }

  end(): void {
    const req = this.#request;
    this.#request = undefined;
    if (this.#lastRequest) this.#framer.stop();
    req?.finish();
  }

  /** An answer was completed: writes every answer now due, in request order. */
  answered(): void {
    if (this.destroyed) return;
    const owed = this.#owed;
    while (owed.length > 0 && owed[0].bytes !== undefined) {
      const res = owed.shift() as Http1Response;
      this.#answeredAny = true;
      const bytes = res.bytes as string | Buffer;
      const flushed = typeof bytes === 'string' ? this.#socket.write(bytes, 'latin1') : this.#socket.write(bytes);
      if (res.closeAfter) {
        this.#framer.stop();
        owed.length = 0;
        this.#socket.end();
        this.#socket.once('finish', () => this.destroy());
        return;
      }
      if (!flushed) this.#pause();
    }
    this.#lastActiveTick = this.#server.tick;
    if (owed.length === 0 && (this.#clientEnded || (this.#lastRequest && this.#request === undefined))) this.#socket.end();
    else if (owed.length < MAX_OWED_ANSWERS && this.#socket.writableLength === 0) this.#resume();
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
    this.#framer.pause();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
    try {
      this.#framer.resume();
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.#clientError(err.code);
    }
  }

  #drained(): void {
    if (this.#owed.length < MAX_OWED_ANSWERS) this.#resume();
  }

  #end(): void {
    this.#clientEnded = true;
    // A request cut off by the client's FIN is refused as llhttp refuses it (HPE_INVALID_EOF_STATE).
    if (this.#framer.midRequest) return this.#clientError('HPE_INVALID_EOF_STATE');
    this.#framer.stop();
    if (this.#owed.length === 0) this.#socket.end();
  }

  #closed(): void {
    this.destroyed = true;
    this.#framer.stop();
    this.#request?.abort();
    this.#request = undefined;
    this.#owed.length = 0;
    this.#server.forget(this);
  }

  #clientError(code: string): void {
    this.#framer.stop();
    this.#owed.length = 0;
    const cut = this.#request;
    this.#request = undefined;
    // Refusal first: a listener told of the abort may destroy its response, and with it the socket; the refusal is written by then.
    this.#server.clientError({ code }, this.#socket);
    cut?.abort();
  }

  #dropUnanswered(): void {
    this.#framer.stop();
    this.#owed.length = 0;
    this.destroy();
  }

  /** One sweep: times out a slow request, closes an idle connection. */
  sweep(tick: number, o: Http1Options): void {
    // A paused connection waits on its own answers, not on the client.
    if (this.destroyed || this.#paused) return;
    const elapsedMs = (tick - this.#requestStartTick) * SWEEP_MS;
    if (this.#framer.inHead || (!this.#answeredAny && this.#owed.length === 0 && !this.#framer.midRequest)) {
      if (elapsedMs >= o.headersTimeoutMs) this.#clientError(REQUEST_TIMEOUT_CODE);
    } else if (this.#framer.midRequest) {
      if (elapsedMs >= o.requestTimeoutMs) this.#clientError(REQUEST_TIMEOUT_CODE);
    } else if (this.#owed.length === 0 && (tick - this.#lastActiveTick) * SWEEP_MS >= o.keepAliveTimeoutMs) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.#socket.destroy();
  }
}

/** An HTTP/1.1 server for one request listener. */
export class Http1Server {
  /** The listening socket: listen, address and 'error' as on any net.Server. */
  readonly tcp: TcpServer;
  readonly listener: RequestListener;
  readonly clientError: ClientErrorListener;
  /** Seconds since the server started, advanced by the sweep. */
  tick = 0;
  readonly #options: Http1Options;
  readonly #connections = new Set<Connection>();
  readonly #sweep: NodeJS.Timeout;

  constructor(listener: RequestListener, options: Http1Options, clientError: ClientErrorListener) {
    this.listener = listener;
    this.clientError = clientError;
    this.#options = options;
    // allowHalfOpen: a client that half-closes after its request still gets the answer.
    this.tcp = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.#connections.add(new Connection(socket, this)));
    this.#sweep = setInterval(() => {
      this.tick++;
      for (const c of this.#connections) c.sweep(this.tick, this.#options);
    }, SWEEP_MS).unref();
  }

  forget(connection: Connection): void {
    this.#connections.delete(connection);
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    clearInterval(this.#sweep);
    return new Promise((resolve) => {
      this.tcp.close(() => resolve());
      for (const c of this.#connections) c.destroy();
    });
  }
}
