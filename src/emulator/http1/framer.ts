/**
 * HTTP/1.1 request framing for the emulator's own server (docs/emulator.md "The HTTP/1.1
 * server"): splits one connection's bytes into request heads and bodies, as strictly as Node's
 * llhttp does for what the emulator's clients send (RFC 9112). Anything it cannot frame is an
 * error with llhttp's code, after which the connection is closed: its framing is lost.
 *
 *   request line   METHOD SP target SP HTTP/1.1 (or 1.0, 2.0, 0.9, read as 1.0), a method of
 *                  node:http's METHODS, a target of visible ASCII; up to one empty line before
 *                  it is skipped (RFC 9112 2.2); head.ts parses it and the headers
 *   header line    token ":" OWS value OWS; no space before the colon, no folded lines, no
 *                  control characters but HTAB in a value
 *   head size      request line and headers at most MAX_HEAD_BYTES (node's 16 KB): 431
 *   body           Content-Length (digits only; repeated only with the same value) or
 *                  Transfer-Encoding ending in chunked, never both; no body otherwise
 */
import { checkHeadSoFar, FramingError, MAX_HEAD_BYTES, parseHead, type RequestHead } from './head.ts';

/** A chunk-size line longer than this is refused (a size of up to 15 hex digits plus extensions). */
const MAX_CHUNK_LINE_BYTES = 1024;

const HEX_SIZE = /^([0-9A-Fa-f]{1,15})(?:[ \t]*;.*)?$/;
const HEADER_OVERFLOW = (): FramingError => new FramingError('HPE_HEADER_OVERFLOW', 'Header overflow');
const CHUNK_SIZE_ERROR = (): FramingError => new FramingError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');

/**
 * Heads seen lately, by their text. A load test sends the same head again and again, and a head's
 * parse depends on its text alone, so a head seen before is not parsed again (heads are frozen:
 * one is shared by every request that sent it). Cleared when full, so traffic whose heads all
 * differ (a nonce, a signature) costs one insert a request and keeps no more than this many.
 */
const HEAD_CACHE = new Map<string, RequestHead>();
const HEAD_CACHE_MAX = 256;
const CACHEABLE_HEAD_CHARS = 2048;

function headOf(text: string): RequestHead {
  let head = HEAD_CACHE.get(text);
  if (head === undefined) {
    head = parseHead(text);
    if (text.length <= CACHEABLE_HEAD_CHARS) {
      if (HEAD_CACHE.size >= HEAD_CACHE_MAX) HEAD_CACHE.clear();
      HEAD_CACHE.set(text, head);
    }
  }
  return head;
}

/** Told of each request as the bytes arrive; `body` chunks are views of the received bytes. */
export interface FramerSink {
  head(head: RequestHead): void;
  body(chunk: Buffer): void;
  /** The request's last body byte arrived (at once after `head` for a request without a body). */
  end(): void;
}

const enum State {
  Head,
  Sized,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  Failed,
}

const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n');

/** Frames the requests of one connection. */
export class RequestFramer {
  readonly #sink: FramerSink;
  #state = State.Head;
  /** Bytes of a head, chunk-size line or trailer not yet complete. */
  #held: Buffer | undefined;
  #remaining = 0;
  #paused = false;
  #framing = false;

  constructor(sink: FramerSink) {
    this.#sink = sink;
  }

  /** True between a head's first byte and its end, or inside a body: a request is under way (never once stopped). */
  get midRequest(): boolean {
    return (this.#state !== State.Head && this.#state !== State.Failed) || this.#held !== undefined;
  }

  /** True while a head has begun and not ended. */
  get inHead(): boolean {
    return this.#state === State.Head && this.#held !== undefined;
  }

  /** Takes no more bytes: the connection is closing. */
  stop(): void {
    this.#state = State.Failed;
    this.#held = undefined;
  }

  /**
   * Frames nothing more until `resume`, from the next request or body piece on, even inside a
   * read already taken: the connection owes too many answers (node:http pauses its parser alike).
   */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Called from inside a sink callback, the loop under way goes on by itself.
    if (!this.#framing && this.#held !== undefined) this.push(EMPTY);
  }

  /** Frames `chunk`; throws FramingError, after which the framer takes nothing more. */
  push(chunk: Buffer): void {
    if (this.#state === State.Failed) return;
    let data = chunk;
    if (this.#held !== undefined) {
      data = chunk.length === 0 ? this.#held : Buffer.concat([this.#held, chunk]);
      this.#held = undefined;
    }
    this.#framing = true;
    try {
      this.#frame(data);
    } catch (err) {
      this.stop();
      throw err;
    } finally {
      this.#framing = false;
    }
  }

  #frame(data: Buffer): void {
    let at = 0;
    const sink = this.#sink;
    while (at < data.length) {
      if (this.#paused) {
        if (this.#state !== State.Failed) this.#held = data.subarray(at);
        return;
      }
      switch (this.#state) {
        case State.Head: {
          // One empty line before a request line is skipped, as RFC 9112 2.2 asks (clients that add CRLF after a body).
          if (data[at] === 13 && data[at + 1] === 10) at += 2;
          if (at >= data.length) return;
          const end = data.indexOf(HEAD_END, at);
          if (end < 0 || end - at > MAX_HEAD_BYTES) {
            // What llhttp would refuse before the 16 KB mark is refused for that, not for the size.
            checkHeadSoFar(data.toString('latin1', at, Math.min(data.length, at + MAX_HEAD_BYTES)));
            if (end >= 0 || data.length - at > MAX_HEAD_BYTES) throw HEADER_OVERFLOW();
            this.#held = data.subarray(at);
            return;
          }
          const head = headOf(data.toString('latin1', at, end));
          at = end + 4;
          sink.head(head);
          if ((this.#state as State) === State.Failed) return;
          if (head.bodyLength === 0) sink.end();
          else if (head.bodyLength > 0) {
            this.#remaining = head.bodyLength;
            this.#state = State.Sized;
          } else this.#state = State.ChunkSize;
          break;
        }
        case State.Sized: {
          at = this.#takeBody(data, at);
          if (this.#remaining === 0) {
            this.#state = State.Head;
            sink.end();
          }
          break;
        }
        case State.ChunkSize: {
          const end = this.#lineEnd(data, at, MAX_CHUNK_LINE_BYTES, CHUNK_SIZE_ERROR);
          if (end < 0) return;
          const m = HEX_SIZE.exec(data.toString('latin1', at, end));
          if (m === null) throw CHUNK_SIZE_ERROR();
          at = end + 2;
          this.#remaining = parseInt(m[1], 16);
          this.#state = this.#remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          at = this.#takeBody(data, at);
          if (this.#remaining === 0) this.#state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          if (data.length - at < 2) {
            this.#held = data.subarray(at);
            return;
          }
          if (data[at] !== 13 || data[at + 1] !== 10) throw new FramingError('HPE_STRICT', 'Expected CRLF after chunk');
          at += 2;
          this.#state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          // Trailer fields are read and dropped (API Gateway passes none on); an empty line ends the message.
          const end = this.#lineEnd(data, at, MAX_HEAD_BYTES, HEADER_OVERFLOW);
          if (end < 0) return;
          const empty = end === at;
          at = end + 2;
          if (empty) {
            this.#state = State.Head;
            sink.end();
          }
          break;
        }
        case State.Failed:
          return;
      }
    }
  }

  /** Hands on what `data` holds of the body (or chunk) still due from `at`; returns where that ends. */
  #takeBody(data: Buffer, at: number): number {
    const n = Math.min(this.#remaining, data.length - at);
    this.#sink.body(data.subarray(at, at + n));
    this.#remaining -= n;
    return at + n;
  }

  /** Where the line at `at` ends (its CR), or -1 with the partial line held; past `maxBytes` unended, throws `tooLong`. */
  #lineEnd(data: Buffer, at: number, maxBytes: number, tooLong: () => FramingError): number {
    const end = data.indexOf(CRLF, at);
    if (end >= 0) return end;
    if (data.length - at > maxBytes) throw tooLong();
    this.#held = data.subarray(at);
    return -1;
  }
}
