/**
 * A request as the emulator's server hands it to a listener (served.ts): its head, and its body
 * delivered as framer.ts frames it.
 */
import type { RequestHead } from './head.ts';
import type { ServedRequest } from './served.ts';

/** A request's head and body; the body is delivered as it is framed, to the listeners set when the request was handed over. */
export class Http1Request implements ServedRequest {
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
    // node's type, which is mutable; the object is frozen (head.ts), shared with other requests that sent the same head.
    this.headers = head.headers as Record<string, string | string[]>;
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
