/**
 * One answer of the emulator's server (served.ts): node:http's checks on its status and headers,
 * the headers node:http adds, and the bytes to write, which the connection writes in request order.
 */
import { STATUS_CODES, validateHeaderName, validateHeaderValue, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import type { RequestHead } from './head.ts';
import type { ServedResponse } from './served.ts';

/** Header names already checked by validateHeaderName; bounded, since a proxied target chooses names too. */
const CHECKED_NAMES = new Set<string>();
const MAX_CHECKED_NAMES = 1_000;

/** The connection an answer is owed on: told when the answer is complete. */
export interface AnswerQueue {
  readonly destroyed: boolean;
  /** An answer was completed: write every answer now due, in request order. */
  answered(): void;
  destroy(): void;
}

/**
 * `Date` header text, made once a second as node:http makes it (lib/internal/http.js utcDate): the
 * text is kept until a timer at the next second's boundary drops it, so no answer reads the clock.
 */
let dateText: string | undefined;
function dropDate(): void {
  dateText = undefined;
}
function dateHeader(): string {
  if (dateText === undefined) {
    const now = new Date();
    dateText = now.toUTCString();
    setTimeout(dropDate, 1000 - now.getMilliseconds()).unref();
  }
  return dateText;
}

/**
 * An answer sent many times unchanged (the gateway's own, a mock's): its status line, header lines
 * and content-length checked as writeHead checks them and serialised once, when it is built. A
 * throttling emulator sends one such 429 per request: checking and joining the same lines again
 * for each cost about a fifth of its user CPU rejecting (docs/emulator.md "Speed").
 */
export class CheckedAnswer {
  readonly statusLine: string;
  /** Every header line, content-length last. */
  readonly lines: string;
  /** ASCII text (sent in the head's one latin1 string) or UTF-8 bytes. */
  readonly body: string | Buffer;
  /** The answer itself asks to close the connection (a `connection: close` header). */
  readonly closeAfter: boolean;
  readonly hasDate: boolean;

  constructor(status: number, headers: readonly string[], body: string) {
    const head = new HeadBuilder(status);
    for (let i = 0; i + 1 < headers.length; i += 2) head.line(headers[i], headers[i + 1]);
    const length = Buffer.byteLength(body);
    if (!head.hasLength) head.lines += `content-length: ${length}\r\n`;
    this.statusLine = head.statusLine;
    this.lines = head.lines;
    this.body = length === body.length ? body : Buffer.from(body, 'utf8');
    this.closeAfter = head.closeAfter;
    this.hasDate = head.hasDate;
  }
}

/** A head being written: node:http's checks on the status and each header, and what the headers say. */
class HeadBuilder {
  readonly statusLine: string;
  lines = '';
  hasLength = false;
  hasDate = false;
  closeAfter = false;

  constructor(status: number) {
    if (!Number.isInteger(status) || status < 100 || status > 999) throw Object.assign(new RangeError(`Invalid status code: ${status}`), { code: 'ERR_HTTP_INVALID_STATUS_CODE' });
    this.statusLine = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  }

  line(name: string, value: string): void {
    // Names repeat on every answer (the gateway's own headers), so each is checked once; values, which carry request ids, every time.
    if (!CHECKED_NAMES.has(name)) {
      validateHeaderName(name);
      if (CHECKED_NAMES.size < MAX_CHECKED_NAMES) CHECKED_NAMES.add(name);
    }
    validateHeaderValue(name, value);
    const lower = name.length === 14 || name.length === 10 || name.length === 4 ? name.toLowerCase() : '';
    if (lower === 'content-length') this.hasLength = true;
    else if (lower === 'date') this.hasDate = true;
    else if (lower === 'connection') {
      if (value.toLowerCase() === 'close') this.closeAfter = true;
      return;
    }
    this.lines += `${name}: ${value}\r\n`;
  }
}

/** One answer; written when it and every answer owed before it on the connection are complete. */
export class Http1Response implements ServedResponse {
  headersSent = false;
  /** What to write, once `end` was called: a latin1 string or bytes. */
  bytes: string | Buffer | undefined;
  /** The connection ends after this answer. */
  closeAfter: boolean;
  readonly #connection: AnswerQueue;
  readonly #isHead: boolean;
  #head = '';
  #hasLength = false;
  #hasDate = false;

  constructor(connection: AnswerQueue, head: RequestHead) {
    this.#connection = connection;
    this.#isHead = head.method === 'HEAD';
    this.closeAfter = !head.keepAlive;
  }

  get destroyed(): boolean {
    return this.#connection.destroyed;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    if (this.headersSent) throw new Error('writeHead after the head was written');
    const head = new HeadBuilder(status);
    if (Array.isArray(headers)) {
      const flat = headers as OutgoingHttpHeader[];
      for (let i = 0; i < flat.length; i += 2) head.line(String(flat[i]), String(flat[i + 1]));
    } else {
      for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) head.line(name, String(v));
        else head.line(name, String(value));
      }
    }
    this.#head = head.statusLine + head.lines;
    this.#hasLength = head.hasLength;
    this.#hasDate = head.hasDate;
    if (head.closeAfter) this.closeAfter = true;
    this.headersSent = true;
    return this;
  }

  /**
   * Writes `answer` whole, with `ids` (flat name, value pairs) as its first header lines, as
   * writeHead and end would write them. The ids are not checked: the flavours make them of hex digits,
   * hyphens and base64 digits only (api/flavour.ts).
   */
  endChecked(answer: CheckedAnswer, ids: readonly string[], close: boolean): this {
    if (this.headersSent) throw new Error('endChecked after the head was written');
    this.headersSent = true;
    if (answer.closeAfter || close) this.closeAfter = true;
    let head = answer.statusLine;
    for (let i = 0; i + 1 < ids.length; i += 2) head += `${ids[i]}: ${ids[i + 1]}\r\n`;
    this.#finish(head + answer.lines, answer.hasDate, answer.body);
    return this;
  }

  end(body: string | Uint8Array = ''): this {
    if (this.bytes !== undefined) return this;
    if (!this.headersSent) this.writeHead(200, []);
    const bodyLength = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    let head = this.#head;
    if (!this.#hasLength) head += `content-length: ${bodyLength}\r\n`;
    this.#finish(head, this.#hasDate, typeof body === 'string' && bodyLength !== body.length ? Buffer.from(body, 'utf8') : body);
    return this;
  }

  /** Adds the headers node:http adds (date, connection), joins head and body (a string body is ASCII), and tells the connection. */
  #finish(head: string, hasDate: boolean, body: string | Uint8Array): void {
    // As node:http: a Date the answer carries already (a proxied target's) is not doubled.
    if (!hasDate) head += `date: ${dateHeader()}\r\n`;
    head += this.closeAfter ? 'connection: close\r\n\r\n' : 'connection: keep-alive\r\nkeep-alive: timeout=5\r\n\r\n';
    if (this.#isHead) this.bytes = head;
    // An ASCII body (the gateway's own answers) goes out in the head's one latin1 string, with no Buffer made here.
    else if (typeof body === 'string') this.bytes = head + body;
    else {
      const bytes = Buffer.allocUnsafe(head.length + body.byteLength);
      bytes.write(head, 0, 'latin1');
      bytes.set(body, head.length);
      this.bytes = bytes;
    }
    this.#connection.answered();
  }

  destroy(): void {
    this.#connection.destroy();
  }
}
