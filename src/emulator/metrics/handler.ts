/**
 * The emulator's CloudWatch-compatible endpoint, in each protocol clients speak (protocols/):
 * AWS JSON 1.0 (the JS SDK, botocore), Query with XML answers (awscli v2) and Smithy RPC v2 CBOR,
 * each request answered in the protocol it came in. Serves the operations of operations.ts from
 * one MetricStore; SigV4 signatures are not checked. Every answer carries `x-amzn-RequestId`.
 *
 * Request bodies are capped at REQUEST_LIMIT_BYTES both as sent and once inflated
 * (docs/emulator.md "Caps"): a body past the cap, or a gzip body that inflates past it, is
 * answered 400 InvalidParameterValue at once, and the connection is closed so the rest of the
 * body is never read. Inflation stops at the cap (zlib's maxOutputLength), so a gzip bomb costs
 * at most the cap in memory.
 */
import { randomUUID } from 'node:crypto';
import type { ServedRequest, ServedResponse } from '../http1/served.ts';
import { gunzipSync } from 'node:zlib';
import { CloudWatchApiError, internalError, invalidParameter, malformedBody, unknownOperation } from './api-error.ts';
import { OPERATIONS, operationOf } from './operations.ts';
import { headerOf, type CloudWatchProtocol, type EncodedAnswer } from './protocols/protocol.ts';
import { protocolOf } from './protocols/registry.ts';
import type { MetricStore } from './store.ts';

/**
 * 1 MiB, the request size CloudWatch takes for PutMetricData (docs/emulator.md "Caps"); loadgate's largest
 * GetMetricData (a few dozen queries) is a few KB.
 */
export const REQUEST_LIMIT_BYTES = 1024 * 1024;

/** A request listener (http1/served.ts: the emulator's server, or node:http's) that answers CloudWatch API calls from `store`. */
export function createCloudWatchHandler(store: MetricStore): (req: ServedRequest, res: ServedResponse) => void {
  return (req, res) => {
    const requestId = randomUUID();
    const protocol = protocolOf(req);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > REQUEST_LIMIT_BYTES) return;
      size += chunk.length;
      if (size <= REQUEST_LIMIT_BYTES) chunks.push(chunk);
      else {
        chunks.length = 0;
        send(res, protocol.encodeError(tooLarge('The request body'), requestId, undefined), true);
      }
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > REQUEST_LIMIT_BYTES) return;
      send(res, answerOf(store, protocol, req, Buffer.concat(chunks, size), requestId), false);
    });
  };
}

function answerOf(store: MetricStore, protocol: CloudWatchProtocol, req: ServedRequest, raw: Buffer, requestId: string): EncodedAnswer {
  let operation: string | undefined;
  try {
    const call = protocol.decode(req, inflated(req, raw));
    const run = operationOf(call.operation);
    if (!run) throw unknownOperation(call.operation, Object.keys(OPERATIONS));
    operation = call.operation;
    return protocol.encodeResult(operation, run(store, call.readInput()), requestId);
  } catch (err) {
    return protocol.encodeError(err instanceof CloudWatchApiError ? err : internalError(), requestId, operation);
  }
}

function tooLarge(what: string): CloudWatchApiError {
  return invalidParameter(`${what} is larger than ${REQUEST_LIMIT_BYTES} bytes.`);
}

function inflated(req: ServedRequest, raw: Buffer): Buffer {
  if (headerOf(req, 'content-encoding') !== 'gzip') return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: REQUEST_LIMIT_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('The inflated request body');
    throw malformedBody('Content-Encoding gzip but the body is not gzip');
  }
}

function send(res: ServedResponse, answer: EncodedAnswer, close: boolean): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string | number> = { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) };
  if (close) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
