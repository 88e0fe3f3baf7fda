/**
 * The emulator's CloudWatch-compatible endpoint: AWS JSON 1.0 as @aws-sdk/client-cloudwatch 3.x
 * speaks it (`POST /`, `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, epoch-second
 * timestamps, query-compatible errors). Serves GetMetricData and ListMetrics from one
 * MetricStore; SigV4 signatures are not checked. Every answer carries `x-amzn-RequestId`.
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
/** 500 queries with 30 dimensions each stay far below this. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

type Operation = (store: MetricStore, body: Members) => Record<string, unknown>;
const OPERATIONS: Readonly<Record<string, Operation>> = { GetMetricData: getMetricData, ListMetrics: listMetrics };

/** A node:http request listener that answers CloudWatch API calls from `store`. */
export function createCloudWatchHandler(store: MetricStore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const requestId = randomUUID();
      try {
        if (tooBig) throw invalidParameter(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
        const answer = answerOf(store, req, Buffer.concat(chunks));
        send(res, 200, { 'x-amzn-RequestId': requestId }, JSON.stringify(answer));
      } catch (err) {
        const e = err instanceof CloudWatchApiError ? err : internalError();
        send(res, e.httpStatus, { 'x-amzn-RequestId': requestId, 'x-amzn-query-error': `${e.queryCode};${e.fault}` }, e.body());
      }
    });
  };
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
  try {
    text = (headerOf(req, 'content-encoding') === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  } catch {
    throw malformedBody('Content-Encoding gzip but the body is not gzip');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text === '' ? '{}' : text);
  } catch (err) {
    throw malformedBody((err as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformedBody('expected an object');
  return parsed as Members;
}

function headerOf(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
