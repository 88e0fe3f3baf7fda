/**
 * AWS JSON 1.0 as @aws-sdk/client-cloudwatch 3.x and botocore speak it: `POST /`,
 * `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, `Content-Type:
 * application/x-amz-json-1.0`, timestamps as epoch seconds (JSON numbers), and errors in
 * query-compatible mode: `{"__type": "<namespace>#<Shape>", "message": ...}` plus
 * `x-amzn-query-error: <Code>;<Sender|Receiver>`, from which the SDKs take the error's name.
 */
import type { ServedRequest } from '../../http1/served.ts';
import { malformedBody, type CloudWatchApiError } from '../api-error.ts';
import type { Members } from '../wire.ts';
import { headerOf, mediaTypeOf, type CloudWatchProtocol, type DecodedCall, type EncodedAnswer } from './protocol.ts';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Dates as epoch seconds: JSON.stringify has already called toJSON, so read the holder. */
function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? original.getTime() / 1000 : value;
}

function answer(status: number, headers: Record<string, string>, value: unknown): EncodedAnswer {
  return { status, headers: { ...headers, 'content-type': CONTENT_TYPE }, body: JSON.stringify(value, epochSeconds) };
}

function parseJson(body: Buffer): Members {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text === '' ? '{}' : text);
  } catch (err) {
    throw malformedBody(`The request body is not valid JSON: ${(err as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformedBody('The request body is not valid JSON: expected an object');
  return parsed as Members;
}

export const JSON_PROTOCOL: CloudWatchProtocol = {
  name: 'json',

  claims(req: ServedRequest): boolean {
    return headerOf(req, 'x-amz-target') !== '' || mediaTypeOf(req) === CONTENT_TYPE;
  },

  decode(req: ServedRequest, body: Buffer): DecodedCall {
    const target = headerOf(req, 'x-amz-target');
    const operation = req.method === 'POST' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const named = operation !== '' ? operation : req.method !== 'POST' ? `${req.method ?? ''} ${req.url ?? ''}` : target;
    return { operation: named, readInput: () => parseJson(body) };
  },

  encodeResult(_operation: string, output: Members, requestId: string): EncodedAnswer {
    return answer(200, { 'x-amzn-RequestId': requestId }, output);
  },

  encodeError(e: CloudWatchApiError, requestId: string): EncodedAnswer {
    return answer(e.httpStatus, { 'x-amzn-RequestId': requestId, 'x-amzn-query-error': `${e.queryCode};${e.fault}` }, { __type: e.type, message: e.message });
  },
};
