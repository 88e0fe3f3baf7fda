/**
 * An answer checked once (http1/response.ts CheckedAnswer, written with endChecked) must be the very
 * bytes writeAnswer's writeHead + end would write for it: every gateway answer of every flavour,
 * and mocks of odd shapes, for GET and HEAD, keep-alive and close.
 */
import { describe, expect, it } from 'vitest';
import { API_TYPES, flavourOf } from '../../src/api/flavours.ts';
import { parseHead } from '../../src/emulator/http1/head.ts';
import { CheckedAnswer, Http1Response, type AnswerQueue } from '../../src/emulator/http1/response.ts';
import { writeAnswer, writeFixedAnswer, type GatewayAnswer } from '../../src/emulator/responses.ts';

const queue: AnswerQueue = { destroyed: false, answered: () => {}, destroy: () => {} };

function response(method: string, connection: string): Http1Response {
  return new Http1Response(queue, parseHead(`${method} /prod/items HTTP/1.1\r\nHost: x\r\nConnection: ${connection}`));
}

const IDS = ['x-amzn-RequestId', '0f8fad5b-d9cb-469f-a165-70867728950e', 'x-amz-apigw-id', 'D6YbBEb1IAMEbXw='];

/** The two ways of writing one answer, with the same ids, as text (the Date line taken from the first). */
function both(answer: GatewayAnswer, method: string, connection: string, close: boolean): [string, string] {
  const slow = response(method, connection);
  const flat = [...IDS, ...answer.headers, 'content-length', String(Buffer.byteLength(answer.body))];
  if (close) flat.push('connection', 'close');
  slow.writeHead(answer.status, flat);
  slow.end(answer.body);
  const fast = response(method, connection);
  fast.endChecked(new CheckedAnswer(answer.status, answer.headers, answer.body), IDS, close);
  const text = (r: Http1Response) => (typeof r.bytes === 'string' ? Buffer.from(r.bytes, 'latin1') : (r.bytes as Buffer)).toString('latin1');
  const date = /date: [^\r]*\r\n/;
  const slowText = text(slow);
  return [slowText, text(fast).replace(date, slowText.match(date)?.[0] ?? '')];
}

const gatewayAnswers = API_TYPES.map(flavourOf).flatMap((flavour) => {
  const { lambdaThrottled, ...rest } = flavour.responses;
  return [...Object.entries(rest), ...Object.entries(lambdaThrottled).map(([code, a]) => [`lambda ${code}`, a] as const)]
    .map(([name, answer]) => ({ name: `${flavour.type} ${name}`, answer: answer as GatewayAnswer }));
});

const mocks: { name: string; answer: GatewayAnswer }[] = [
  { name: 'mock, no headers, empty body', answer: { status: 204, headers: [], body: '' } },
  { name: 'mock, UTF-8 body', answer: { status: 200, headers: ['content-type', 'text/plain; charset=utf-8'], body: 'grüße, 世界' } },
  { name: 'mock asking to close', answer: { status: 200, headers: ['Connection', 'close'], body: '{}' } },
  { name: 'mock with its own Date', answer: { status: 200, headers: ['Date', 'Tue, 01 Dec 2026 00:00:00 GMT'], body: 'ok' } },
  { name: 'mock with a status node names no reason for', answer: { status: 599, headers: ['x-a', ''], body: 'x' } },
];

describe('CheckedAnswer: the bytes writeHead and end write', () => {
  const cases = [...gatewayAnswers, ...mocks];
  it('covers every gateway answer of every flavour', () => {
    expect(gatewayAnswers.length).toBeGreaterThanOrEqual(2 * 11);
  });
  for (const { name, answer } of cases) {
    it(name, () => {
      for (const method of ['GET', 'HEAD']) {
        for (const connection of ['keep-alive', 'close']) {
          for (const close of [false, true]) {
            const [slow, fast] = both(answer, method, connection, close);
            expect(fast, `${method}, Connection: ${connection}, close ${close}`).toBe(slow);
          }
        }
      }
    });
  }

  it('refuses what writeHead refuses, when it is built', () => {
    expect(() => new CheckedAnswer(200, ['x-bad', 'a\nb'], '')).toThrow(/Invalid character/);
    expect(() => new CheckedAnswer(200, ['bad name', 'v'], '')).toThrow(/HTTP token/);
    expect(() => new CheckedAnswer(1000, [], '')).toThrow(/Invalid status code/);
  });

  it('writeFixedAnswer falls back to writeHead and end on a response without endChecked (node:http)', () => {
    const answer = flavourOf('rest').responses.throttled;
    const calls: string[] = [];
    const nodeLike = {
      headersSent: false, destroyed: false,
      writeHead: (status: number, headers: unknown) => void calls.push(`head ${status} ${(headers as string[]).filter((_, i) => i % 2 === 0).join(',')}`),
      end: (body?: string | Uint8Array) => void calls.push(`end ${String(body)}`),
      destroy: () => {},
    };
    const viaFixed = writeFixedAnswer(nodeLike, 'rest', answer);
    const direct: string[] = calls.splice(0);
    const viaWrite = writeAnswer(nodeLike, 'rest', answer.status, answer.headers, answer.body);
    expect(viaFixed).toBe(viaWrite);
    expect(direct).toEqual(calls);
    expect(direct[0]).toBe('head 429 x-amzn-RequestId,x-amz-apigw-id,content-type,x-amzn-ErrorType,content-length');
  });
});
