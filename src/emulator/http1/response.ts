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
    const lower = name.length === 14 || name.length === 10 || name.length === 4 ? name.toLowerCase() : '';
    if (lower === 'content-length') this.#hasLength = true;
    else if (lower === 'date') this.#hasDate = true;
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
    // As node:http: a Date the answer carries already (a proxied target's) is not doubled.
    if (!this.#hasDate) head += `date: ${dateHeader()}\r\n`;
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
