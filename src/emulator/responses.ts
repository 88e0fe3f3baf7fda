/**
 * What API Gateway itself answers (docs/aws-rules.md §2), one table per API type:
 *
 * | case              | REST API                                              | HTTP API                          |
 * |-------------------|-------------------------------------------------------|-----------------------------------|
 * | throttled         | 429 Too Many Requests, TooManyRequestsException       | 429 Too Many Requests             |
 * | quota             | 429 Limit Exceeded, LimitExceededException            | (no quotas)                       |
 * | missing/bad key   | 403 Forbidden, ForbiddenException                     | (no keys)                         |
 * | unknown route     | 403 Missing Authentication Token                      | 404 Not Found                     |
 * | body too large    | 413 plain text                                        | 413 Request Entity Too Large      |
 * | timeout           | 504 Endpoint request timed out                        | 503 Service Unavailable           |
 * | proxy target down | 502 Internal server error                             | 502 Bad Gateway (our choice)      |
 * | Lambda throttled  | 500 (or 502) Internal server error                    | 500 Internal Server Error         |
 * | bad path encoding | 400 Bad Request, BadRequestException (our choice)     | 400 Bad Request (our choice)      |
 * | emulator fault    | 500 Internal server error                             | 500 Internal Server Error         |
 *
 * REST answers carry `x-amzn-RequestId` (a uuid) and `x-amz-apigw-id`; HTTP API answers carry
 * `apigw-requestid`. The two rows marked "our choice" are not in docs/aws-rules.md §2: docs/emulator.md
 * ("Error shapes") says why they take the gateway's JSON shape. No Retry-After or rate-limit header on any 429. Answers are prebuilt, and
 * bodies are strings so node:http sends head and body in one write instead of a writev.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ApiType } from '../core/limits.ts';

/** One prebuilt gateway answer. */
export interface GatewayAnswer {
  readonly status: number;
  /** A string, so node:http sends head and body in one write. */
  readonly body: string;
  /** Flat [name, value, ...] without the request ids and content-length. */
  readonly headers: readonly string[];
}

/** The gateway's own answers for one API type. */
export interface GatewayResponses {
  readonly type: ApiType;
  readonly throttled: GatewayAnswer;
  readonly quota: GatewayAnswer;
  readonly forbidden: GatewayAnswer;
  readonly notFound: GatewayAnswer;
  readonly tooLarge: GatewayAnswer;
  readonly timeout: GatewayAnswer;
  readonly badGateway: GatewayAnswer;
  /** A path whose percent-encoding does not decode (`%E0%A4%A`). */
  readonly badRequest: GatewayAnswer;
  /** The emulator itself failed on this request (a bug): the last-resort answer. */
  readonly internalError: GatewayAnswer;
  readonly lambdaThrottled: Readonly<Record<500 | 502, GatewayAnswer>>;
}

function json(status: number, message: string, errorType?: string): GatewayAnswer {
  const headers = ['content-type', 'application/json'];
  if (errorType) headers.push('x-amzn-ErrorType', errorType);
  return Object.freeze({ status, body: JSON.stringify({ message }), headers: Object.freeze(headers) });
}

/** REST API answers (API Gateway v1). */
export const REST_RESPONSES: GatewayResponses = Object.freeze({
  type: 'rest',
  throttled: json(429, 'Too Many Requests', 'TooManyRequestsException'),
  quota: json(429, 'Limit Exceeded', 'LimitExceededException'),
  forbidden: json(403, 'Forbidden', 'ForbiddenException'),
  notFound: json(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException'),
  tooLarge: Object.freeze({
    status: 413,
    body: 'HTTP content length exceeded 10485760 bytes.',
    headers: Object.freeze(['content-type', 'text/plain']),
  }),
  timeout: json(504, 'Endpoint request timed out', 'InternalServerErrorException'),
  badGateway: json(502, 'Internal server error', 'InternalServerErrorException'),
  badRequest: json(400, 'Bad Request', 'BadRequestException'),
  internalError: json(500, 'Internal server error', 'InternalServerErrorException'),
  lambdaThrottled: Object.freeze({
    500: json(500, 'Internal server error', 'InternalServerErrorException'),
    502: json(502, 'Internal server error', 'InternalServerErrorException'),
  }),
});

/** HTTP API answers (API Gateway v2): no x-amzn-ErrorType. */
export const HTTP_RESPONSES: GatewayResponses = Object.freeze({
  type: 'http',
  throttled: json(429, 'Too Many Requests'),
  quota: json(429, 'Limit Exceeded'),
  forbidden: json(403, 'Forbidden'),
  notFound: json(404, 'Not Found'),
  tooLarge: json(413, 'Request Entity Too Large'),
  timeout: json(503, 'Service Unavailable'),
  badGateway: json(502, 'Bad Gateway'),
  badRequest: json(400, 'Bad Request'),
  internalError: json(500, 'Internal Server Error'),
  lambdaThrottled: Object.freeze({ 500: json(500, 'Internal Server Error'), 502: json(502, 'Bad Gateway') }),
});

/** The answer table of an API type. */
export function responsesFor(type: ApiType): GatewayResponses {
  return type === 'http' ? HTTP_RESPONSES : REST_RESPONSES;
}

/** An API Gateway style short id (`Ab1CdEFGoAMEbXw=`): 11 random bytes in base64. */
function shortId(uuid: string): string {
  return Buffer.from(uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24, 26), 'hex').toString('base64');
}

/** Request id headers for one answer, flat [name, value, ...], with the REST uuid first. */
export function requestIdHeaders(type: ApiType): string[] {
  const uuid = randomUUID();
  if (type === 'http') return ['apigw-requestid', shortId(uuid)];
  return ['x-amzn-RequestId', uuid, 'x-amz-apigw-id', shortId(uuid)];
}

/**
 * Writes a whole answer: the ids, `extra` headers (flat), content-length, body. `close` asks the
 * client to drop the connection (an unread request body is still on it).
 */
export function writeAnswer(res: ServerResponse, type: ApiType, status: number, headers: readonly string[], body: Buffer | string, close = false): number {
  const out = requestIdHeaders(type);
  for (let i = 0; i < headers.length; i++) out.push(headers[i]);
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  out.push('content-length', String(length));
  if (close) out.push('connection', 'close');
  res.writeHead(status, out);
  res.end(body);
  return length;
}
