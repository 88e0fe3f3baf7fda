/**
 * What the emulator's handlers use of a request and its response: the part of node:http's
 * IncomingMessage and ServerResponse that the emulator's own server (server.ts) also provides,
 * so the same handler runs behind either (tests mount the CloudWatch handler on node:http).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { CheckedAnswer } from './response.ts';

/** A request being served: its head, and its body as 'data' chunks then 'end'. */
export interface ServedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersionMinor: number;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** Drops the body unread. */
  resume(): unknown;
}

/** The answer to one request: one head, one body. */
export interface ServedResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  /** Throws on a status outside 100-999 or a header node:http would refuse (validateHeaderName/Value). */
  writeHead(status: number, headers: OutgoingHttpHeaders | OutgoingHttpHeader[]): unknown;
  end(body?: string | Uint8Array): unknown;
  /**
   * The emulator's own server only (response.ts): writes an answer checked once when it was built,
   * with `ids` as its first headers, as writeHead and end would. node:http has no such call, so
   * callers fall back to writeHead and end.
   */
  endChecked?(answer: CheckedAnswer, ids: readonly string[], close: boolean): unknown;
  /** Drops the connection. */
  destroy(): unknown;
}

/** A request listener, node:http's shape. */
export type RequestListener = (req: ServedRequest, res: ServedResponse) => void;
