/**
 * What a listener answers a request the server could not frame (bad request line, header over
 * 16 KB: http1/framer.ts; headers too slow: the sweep in http1/server.ts): the status node:http would send (400, 431, 408), but with a body in the
 * shape of the endpoint's other errors, so a client that reads error bodies never meets a bare
 * one. The connection is closed afterwards, as node does: its framing can no longer be trusted.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { flavourOf, type ApiType } from '../api/flavours.ts';
import { requestIdHeaders } from './responses.ts';

/** The status and reason node:http gives a client error of this code. */
function statusOf(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'Request Header Fields Too Large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout'];
  return [400, 'Bad Request'];
}

/** A raw HTTP/1.1 answer: status line, headers (flat), JSON body, connection close. */
function rawAnswer(status: number, reason: string, headers: readonly string[], body: string): string {
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** The `clientError` listener of the API: `{"message": "<reason>"}` with the API type's request ids. */
export function gatewayClientError(type: ApiType): (err: { readonly code?: string }, socket: Duplex) => void {
  return (err, socket) => {
    const [status, reason] = statusOf(err.code);
    const headers = requestIdHeaders(type);
    const errorType = flavourOf(type).clientErrorType(status);
    if (errorType) headers.push('x-amzn-ErrorType', errorType);
    answerAndClose(socket, rawAnswer(status, reason, headers, JSON.stringify({ message: reason })));
  };
}

/** The `clientError` listener of the CloudWatch endpoint, in CloudWatch's error shape. */
export function cloudWatchClientError(): (err: { readonly code?: string }, socket: Duplex) => void {
  return (err, socket) => {
    const [status, reason] = statusOf(err.code);
    const headers = ['x-amzn-RequestId', randomUUID(), 'x-amzn-query-error', 'MalformedInput;Sender'];
    const body = JSON.stringify({ __type: 'com.amazon.coral.service#SerializationException', message: `The request could not be parsed: ${reason}.` });
    answerAndClose(socket, rawAnswer(status, reason, headers, body));
  };
}

/**
 * Answers, then closes. The emulator's server writes each answer whole (http1/server.ts), so a
 * refusal never lands inside another answer, even after earlier answers on the connection.
 */
function answerAndClose(socket: Duplex, answer: string): void {
  if (socket.writable) socket.end(answer, () => socket.destroy());
  else socket.destroy();
}
