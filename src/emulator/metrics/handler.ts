/**
 * The emulator's CloudWatch-compatible endpoint: AWS JSON 1.0 as @aws-sdk/client-cloudwatch 3.x
 * speaks it (`POST /`, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, epoch-second
 * timestamps, query-compatible errors). Serves GetMetricData and ListMetrics from one
 * MetricStore; SigV4 signatures are not checked. Every answer carries `x-amzn-RequestId`.
 *
 * Request bodies are capped at REQUEST_LIMIT_BYTES both as sent and once inflated
 * (docs/emulator.md "Caps"): a body past the cap, or a gzip body that inflates past it, is
 * answered 400 InvalidParameterValue at once, and the connection is closed so the rest of the
 * body is never read. Inflation stops at the cap (zlib's maxOutputLength), so a gzip bomb costs
 * at most the cap in memory.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { CloudWatchApiError, internalError, invalidParameter, malformedBody, unknownOperation } from './api-error.ts';
import { getMetricData } from './get-metric-data.ts';
import { listMetrics } from './list-metrics.ts';
import type { MetricStore } from './store.ts';
import type { Members } from './wire.ts';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/**
 * 1 MiB, the request size CloudWatch takes for PutMetricData (docs/emulator.md "Caps"); loadgate's largest
 * GetMetricData (a few dozen queries) is a few KB.
 */
export const REQUEST_LIMIT_BYTES = 1024 * 1024;

type Operation = (store: MetricStore, body: Members) => Record<string, unknown>;
const OPERATIONS: Readonly<Record<string, Operation>> = { GetMetricData: getMetricData, ListMetrics: listMetrics };

/** A node:http request listener that answers CloudWatch API calls from `store`. */
export function createCloudWatchHandler(store: MetricStore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = randomUUID();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > REQUEST_LIMIT_BYTES) return;
      size += chunk.length;
      if (size <= REQUEST_LIMIT_BYTES) chunks.push(chunk);
      else {
        chunks.length = 0;
        sendError(res, requestId, tooLarge('The request body'), true);
      }
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > REQUEST_LIMIT_BYTES) return;
      try {
        const answer = answerOf(store, req, Buffer.concat(chunks, size));
        send(res, 200, { 'x-amzn-RequestId': requestId }, JSON.stringify(answer));
      } catch (err) {
        sendError(res, requestId, err instanceof CloudWatchApiError ? err : internalError(), false);
      }
    });
  };
}

function tooLarge(what: string): CloudWatchApiError {
  return invalidParameter(`${what} is larger than ${REQUEST_LIMIT_BYTES} bytes.`);
}

function sendError(res: ServerResponse, requestId: string, e: CloudWatchApiError, close: boolean): void {
  const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, 'x-amzn-query-error': `${e.queryCode};${e.fault}` };
  if (close) headers.connection = 'close';
  send(res, e.httpStatus, headers, e.body());
}

function answerOf(store: MetricStore, req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const target = headerOf(req, 'x-amz-target');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (req.method !== 'POST' || !Object.hasOwn(OPERATIONS, operation)) {
    throw unknownOperation(req.method !== 'POST' ? `${req.method ?? ''} ${req.url ?? ''}` : target);
  }
  return OPERATIONS[operation](store, parseBody(req, raw));
}

function parseBody(req: IncomingMessage, raw: Buffer): Members {
  let text: string;
  if (headerOf(req, 'content-encoding') === 'gzip') {
    try {
      text = gunzipSync(raw, { maxOutputLength: REQUEST_LIMIT_BYTES }).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('The inflated request body');
      throw malformedBody('Content-Encoding gzip but the body is not gzip');
    }
  } else text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text === '' ? '{}' : text);
  } catch (err) {
    throw malformedBody((err as Error).message.split('\n')[0].slice(0, 200));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformedBody('expected an object');
  return parsed as Members;
}

function headerOf(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
