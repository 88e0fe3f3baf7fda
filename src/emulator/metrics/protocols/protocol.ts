/**
 * One CloudWatch wire protocol: how a request says it is in this protocol, how its input is
 * read, and how answers and errors are written. Operations (../operations.ts) see only plain
 * members with PascalCase keys and `Date` timestamps, so a protocol is one codec file plus one
 * line in registry.ts (docs/cloudwatch-protocols.md).
 */
import type { ServedRequest } from '../../http1/served.ts';
import type { CloudWatchApiError } from '../api-error.ts';
import type { Members } from '../wire.ts';

/** What a request asks: the operation's name (maybe unknown) and, read only for a known one, its input. */
export interface DecodedCall {
  readonly operation: string;
  /** Throws CloudWatchApiError (MalformedInput) on a body this protocol cannot read. */
  readInput(): Members;
}

/** One answer, ready to write (status, headers, body). */
export interface EncodedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** A CloudWatch protocol (AWS JSON 1.0, Query, Smithy RPC v2 CBOR). */
export interface CloudWatchProtocol {
  readonly name: string;
  /** True when the request's method, path or headers say it is in this protocol (never the body). */
  claims(req: ServedRequest): boolean;
  /** The call a request makes. */
  decode(req: ServedRequest, body: Buffer): DecodedCall;
  /** A 200 answer carrying an operation's output. */
  encodeResult(operation: string, output: Members, requestId: string): EncodedAnswer;
  /** An error answer in this protocol's shape. */
  encodeError(error: CloudWatchApiError, requestId: string, operation: string | undefined): EncodedAnswer;
}

/** The first value of a request header, or ''. */
export function headerOf(req: ServedRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaTypeOf(req: ServedRequest): string {
  return headerOf(req, 'content-type').split(';')[0].trim().toLowerCase();
}
