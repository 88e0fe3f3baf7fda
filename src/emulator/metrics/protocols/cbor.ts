/**
 * Smithy RPC v2 CBOR, the first protocol in botocore's CloudWatch model: `POST
 * /service/GraniteServiceVersion20100801/operation/<Operation>`, `smithy-protocol: rpc-v2-cbor`,
 * `Content-Type: application/cbor`, a CBOR map in and out, timestamps as tag 1 (epoch seconds).
 * Errors are a CBOR map `{"__type": "<namespace>#<Shape>", "message": ...}` plus
 * `x-amzn-query-error`, as CloudWatch is query-compatible. The codec is the cbor2 library.
 */
import type { ServedRequest } from '../../http1/served.ts';
import { decode, encode } from 'cbor2';
import { malformedBody, type CloudWatchApiError } from '../api-error.ts';
import type { Members } from '../wire.ts';
import { headerOf, type CloudWatchProtocol, type DecodedCall, type EncodedAnswer } from './protocol.ts';

const SERVICE = 'GraniteServiceVersion20100801';
const PATH = /^\/service\/([^/]+)\/operation\/([^/?]+)$/;
const CONTENT_TYPE = 'application/cbor';

function pathOf(req: ServedRequest): string {
  return (req.url ?? '/').split('?')[0];
}

function cborAnswer(status: number, headers: Record<string, string>, value: unknown): EncodedAnswer {
  return { status, headers: { ...headers, 'smithy-protocol': 'rpc-v2-cbor', 'content-type': CONTENT_TYPE }, body: encode(value) };
}

function readCbor(body: Buffer): Members {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = decode(body);
  } catch (err) {
    throw malformedBody(`The request body is not valid CBOR: ${(err as Error).message.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || parsed instanceof Map || parsed instanceof Date) {
    throw malformedBody('The request body is not valid CBOR: expected a map with text keys');
  }
  return parsed as Members;
}

export const CBOR_PROTOCOL: CloudWatchProtocol = {
  name: 'cbor',

  claims(req: ServedRequest): boolean {
    return headerOf(req, 'smithy-protocol') === 'rpc-v2-cbor' || pathOf(req).startsWith('/service/');
  },

  decode(req: ServedRequest, body: Buffer): DecodedCall {
    const m = PATH.exec(pathOf(req));
    const operation = req.method === 'POST' && m && m[1] === SERVICE ? decodeURIComponent(m[2]) : `${req.method ?? ''} ${pathOf(req)}`;
    return { operation, readInput: () => readCbor(body) };
  },

  encodeResult(_operation: string, output: Members, requestId: string): EncodedAnswer {
    return cborAnswer(200, { 'x-amzn-RequestId': requestId }, output);
  },

  encodeError(e: CloudWatchApiError, requestId: string): EncodedAnswer {
    return cborAnswer(e.httpStatus, { 'x-amzn-RequestId': requestId, 'x-amzn-query-error': `${e.queryCode};${e.fault}` }, { __type: e.type, message: e.message });
  },
};
