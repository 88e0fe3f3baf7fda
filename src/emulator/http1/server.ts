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
import { STATUS_CODES, validateHeaderName, validateHeaderValue, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import { FramingError, RequestFramer, type FramerSink, type RequestHead } from './framer.ts';
import type { RequestListener, ServedRequest, ServedResponse } from './served.ts';

/** The code node:http gives a request that took too long (client-error.ts answers it 408). */
const REQUEST_TIMEOUT_CODE = 'ERR_HTTP_REQUEST_TIMEOUT';
/** Answers a connection may owe before it reads no more (node:http pauses pipelines likewise). */
const MAX_OWED_ANSWERS = 32;
const SWEEP_MS = 1_000;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** Header names already checked by validateHeaderName; bounded, since a proxied target chooses names too. */
const CHECKED_NAMES = new Set<string>();
const MAX_CHECKED_NAMES = 1_000;

export interface Http1Options {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/** Told of a request that could not be framed or timed out; answers on `socket` and closes it. */
export type ClientErrorListener = (err: { readonly code?: string }, socket: Socket) => void;

/** `Date` header text, made once a second. */
let dateSecond = -1;
let dateText = '';
function dateHeader(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** A request's head and body; the body is delivered as it is framed, to the listeners set when the request was handed over. */
class Http1Request implements ServedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly httpVersionMinor: number;
  #onData: ((chunk: Buffer) => void) | undefined;
  #onEnd: (() => void) | undefined;
  #onError: ((err: Error) => void) | undefined;
  #ended = false;

  constructor(head: RequestHead) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.httpVersionMinor = head.httpVersionMinor;
  }

  on(event: 'data' | 'end' | 'error', listener: (arg: never) => void): this {
    if (event === 'data') this.#onData = listener as (chunk: Buffer) => void;
    else if (event === 'end') {
      this.#onEnd = listener as () => void;
      // Listeners are set as node:http's are: an 'end' set after the body was read still runs.
      if (this.#ended) queueMicrotask(this.#onEnd);
    } else this.#onError = listener as (err: Error) => void;
    return this;
  }

  resume(): this {
    this.#onData = undefined;
    return this;
  }

  deliver(chunk: Buffer): void {
    this.#onData?.(chunk);
  }

  finish(): void {
    this.#ended = true;
    this.#onEnd?.();
  }

  /** The connection went away before the body was whole. */
  abort(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onError?.(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  }
}

/** One answer; written when it and every answer owed before it on the connection are complete. */
class Http1Response implements ServedResponse {
  headersSent = false;
  /** What to write, once `end` was called: a latin1 string or bytes. */
  bytes: string | Buffer | undefined;
  /** The connection ends after this answer. */
  closeAfter: boolean;
  readonly #connection: Connection;
  readonly #isHead: boolean;
  #head = '';
  #hasLength = false;

  constructor(connection: Connection, head: RequestHead) {
    this.#connection = connection;
    this.#isHead = head.method === 'HEAD';
    this.closeAfter = !head.keepAlive;
  }

  get destroyed(): boolean {
    return this.#connection.destroyed;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    if (this.headersSent) throw new Error('writeHead after the head was written');
    if (!Number.isInteger(status) || status < 100 || status > 999) throw Object.assign(new RangeError(`Invalid status code: ${status}`), { code: 'ERR_HTTP_INVALID_STATUS_CODE' });
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
    if (Array.isArray(headers)) {
      const flat = headers as OutgoingHttpHeader[];
      for (let i = 0; i < flat.length; i += 2) head += this.#line(String(flat[i]), String(flat[i + 1]));
    } else {
      for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) head += this.#line(name, String(v));
        else head += this.#line(name, String(value));
      }
    }
    this.#head = head;
    this.headersSent = true;
    return this;
  }

  #line(name: string, value: string): string {
    // Names repeat on every answer (the gateway's own headers), so each is checked once; values, which carry request ids, every time.
    if (!CHECKED_NAMES.has(name)) {
      validateHeaderName(name);
      if (CHECKED_NAMES.size < MAX_CHECKED_NAMES) CHECKED_NAMES.add(name);
    }
    validateHeaderValue(name, value);
    const lower = name.length === 14 || name.length === 10 ? name.toLowerCase() : '';
    if (lower === 'content-length') this.#hasLength = true;
    else if (lower === 'connection') {
      if (value.toLowerCase() === 'close') this.closeAfter = true;
      return '';
    }
    return `${name}: ${value}\r\n`;
  }

  end(body: string | Uint8Array = ''): this {
    if (this.bytes !== undefined) return this;
    if (!this.headersSent) this.writeHead(200, []);
    const bodyLength = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    let head = this.#head;
    if (!this.#hasLength) head += `content-length: ${bodyLength}\r\n`;
    head += `date: ${dateHeader()}\r\n`;
    head += this.closeAfter ? 'connection: close\r\n\r\n' : 'connection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n';
    if (this.#isHead) this.bytes = head;
    // An ASCII body (a string whose UTF-8 length is its length: the gateway's own answers) goes out in the head's one latin1 string, with no Buffer made here.
    else if (typeof body === 'string' && bodyLength === body.length) this.bytes = head + body;
    else {
      const bytes = Buffer.allocUnsafe(head.length + bodyLength);
      bytes.write(head, 0, 'latin1');
      if (typeof body === 'string') bytes.write(body, head.length, 'utf8');
      else bytes.set(body, head.length);
      this.bytes = bytes;
    }
    this.#connection.answered();
    return this;
  }

  destroy(): void {
    this.#connection.destroy();
  }
}

/** One client connection: frames its requests, hands each to the listener, writes the answers in order. */
class Connection implements FramerSink {
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
  lastActiveTick: number;
  requestStartTick: number;
  #answeredAny = false;
  #refusing = false;

  constructor(socket: Socket, server: Http1Server) {
    this.#socket = socket;
    this.#server = server;
    this.#framer = new RequestFramer(this);
    this.lastActiveTick = server.tick;
    this.requestStartTick = server.tick;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('end', () => this.#end());
    socket.on('drain', () => this.#drained());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.#closed());
  }

  #data(chunk: Buffer): void {
    this.lastActiveTick = this.#server.tick;
    if (!this.#framer.midRequest) this.requestStartTick = this.#server.tick;
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
    this.lastActiveTick = this.#server.tick;
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
    // The refusal closes the socket once written; a listener's destroy() on the aborted request must not cut it off.
    this.#refusing = true;
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
    const elapsedMs = (tick - this.requestStartTick) * SWEEP_MS;
    if (this.#framer.inHead || (!this.#answeredAny && this.#owed.length === 0 && !this.#framer.midRequest)) {
      if (elapsedMs >= o.headersTimeoutMs) this.#clientError(REQUEST_TIMEOUT_CODE);
    } else if (this.#framer.midRequest) {
      if (elapsedMs >= o.requestTimeoutMs) this.#clientError(REQUEST_TIMEOUT_CODE);
    } else if (this.#owed.length === 0 && (tick - this.lastActiveTick) * SWEEP_MS >= o.keepAliveTimeoutMs) this.destroy();
  }

  destroy(): void {
    if (this.destroyed || this.#refusing) return;
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
