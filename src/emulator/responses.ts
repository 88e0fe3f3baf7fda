/**
 * What API Gateway itself answers, per API flavour: the tables live with the flavours
 * (src/api/rest.ts, src/api/http.ts; docs/emulator.md "Error shapes" says why the rows marked
 * "our choice" take the gateway's JSON shape). No Retry-After or rate-limit header on any 429.
 * Answers are prebuilt, and bodies are strings, so the emulator's server writes an ASCII answer as
 * one latin1 string with its head (http1/response.ts).
 */
import type { ServedResponse } from './http1/served.ts';
import { CheckedAnswer } from './http1/response.ts';
import { flavourOf, type ApiType, type GatewayAnswer, type GatewayResponses } from '../api/flavours.ts';

export type { GatewayAnswer, GatewayResponses };

/** content-length values of the small bodies nearly every answer has, made once. */
const LENGTH_TEXT: readonly string[] = Array.from({ length: 1024 }, (_, n) => String(n));

/** The answer table of an API type. */
export function responsesFor(type: ApiType): GatewayResponses {
  return flavourOf(type).responses;
}

/** Request id headers for one answer, flat [name, value, ...] (REST: the uuid first). */
export function requestIdHeaders(type: ApiType): string[] {
  return flavourOf(type).requestIdHeaders();
}

/**
 * Writes a whole answer: the ids, `extra` headers (flat), content-length, body. `close` asks the
 * client to drop the connection (an unread request body is still on it).
 */
export function writeAnswer(res: ServedResponse, type: ApiType, status: number, headers: readonly string[], body: Buffer | string, close = false): number {
  const out = requestIdHeaders(type);
  for (let i = 0; i < headers.length; i++) out.push(headers[i]);
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  out.push('content-length', length < LENGTH_TEXT.length ? LENGTH_TEXT[length] : String(length));
  if (close) out.push('connection', 'close');
  res.writeHead(status, out);
  res.end(body);
  return length;
}

/** Each fixed answer checked and serialised once, on its first use (a bad mock header throws there, on every use). */
const CHECKED = new WeakMap<GatewayAnswer, CheckedAnswer>();

/**
 * Writes an answer that never changes (the gateway's own, a mock's) as writeAnswer would, from its
 * CheckedAnswer when the server offers that (the emulator's own does: no header checked again).
 */
export function writeFixedAnswer(res: ServedResponse, type: ApiType, answer: GatewayAnswer, close = false): number {
  if (res.endChecked === undefined) return writeAnswer(res, type, answer.status, answer.headers, answer.body, close);
  let checked = CHECKED.get(answer);
  if (checked === undefined) {
    checked = new CheckedAnswer(answer.status, answer.headers, answer.body);
    CHECKED.set(answer, checked);
  }
  res.endChecked(checked, requestIdHeaders(type), close);
  return checked.body.length;
}
