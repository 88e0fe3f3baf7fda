/**
 * The wire of API Gateway's management API as botocore's apigateway and apigatewayv2 models
 * describe it (protocol rest-json): JSON bodies, errors as `x-amzn-ErrorType: <Shape>` plus a
 * body `{"message": "..."}`, `x-amzn-RequestId` on every answer, paging by an opaque token
 * (`position` on apigateway, `nextToken` on apigatewayv2).
 */
import { randomUUID } from 'node:crypto';
import type { ServedResponse } from '../http1/served.ts';

/** An error the management API answers with, as the real service shapes it. */
export class ManagementError extends Error {
  constructor(
    readonly status: number,
    /** The error shape of the service model: NotFoundException, BadRequestException, ... */
    readonly shape: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string): ManagementError => new ManagementError(404, 'NotFoundException', message);
export const badRequest = (message: string): ManagementError => new ManagementError(400, 'BadRequestException', message);

/** The account id the emulator answers for (LocalStack's too): no real account exists. */
export const EMULATOR_ACCOUNT_ID = '000000000000';

/** Writes one JSON answer (or error) with the request id header. */
export function sendJson(res: ServedResponse, status: number, body: unknown, errorShape?: string): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  };
  if (errorShape !== undefined) headers['x-amzn-ErrorType'] = errorShape;
  res.writeHead(status, headers);
  res.end(text);
}

export function sendError(res: ServedResponse, e: ManagementError): void {
  sendJson(res, e.status, { message: e.message }, e.shape);
}

/** One page of `items` from an opaque token; the next token is absent on the last page. */
export function page<T>(items: readonly T[], token: string | null, limitText: string | null, defaultLimit: number, maxLimit: number): { items: T[]; next?: string } {
  const limit = limitText === null ? defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw badRequest(`Invalid limit: ${limitText} (expected an integer from 1 to ${maxLimit})`);
  let start = 0;
  if (token !== null && token !== '') {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw badRequest(`Invalid pagination token: ${token}`);
  }
  const end = start + limit;
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}) };
}

/** Epoch seconds, the rest-json timestamp apigateway uses (no timestampFormat in its model). */
export const epochSeconds = (wallMs: number): number => Math.floor(wallMs / 1000);
/** apigatewayv2 declares `timestampFormat: iso8601` for its dates. */
export const iso8601 = (wallMs: number): string => new Date(Math.floor(wallMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
