/**
 * Readers for CloudWatch request members, whichever protocol decoded them. Parameter paths in messages use the query-protocol
 * spelling AWS's own messages use (`MetricDataQueries.member.1.MetricStat.Period`).
 */
import { invalidParameter, invalidNextToken, missingParameter } from './api-error.ts';
import type { Dimension } from './catalog.ts';

/** A decoded JSON object. */
export type Members = Readonly<Record<string, unknown>>;

/** The value as an object, or InvalidParameterValue naming `path`. */
export function members(value: unknown, path: string): Members {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameter(`The parameter ${path} must be a structure.`);
  }
  return value as Members;
}

/** A required member: MissingParameter when absent. */
export function required(obj: Members, key: string, path: string): unknown {
  const v = obj[key];
  if (v === undefined || v === null) throw missingParameter(path ? `${path}.${key}` : key);
  return v;
}

/** A string member (undefined when absent). */
export function optString(obj: Members, key: string, path: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`The parameter ${join(path, key)} must be a string.`);
  return v;
}

/** A list member (empty when absent). */
export function optList(obj: Members, key: string, path: string): readonly unknown[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidParameter(`The parameter ${join(path, key)} must be a list.`);
  return v;
}

/** An integer member within [min, max] (undefined when absent). */
export function optInteger(obj: Members, key: string, path: string, min: number, max: number): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidParameter(`The value ${JSON.stringify(v)} for parameter ${join(path, key)} is not valid (expected an integer from ${min} to ${max}).`);
  }
  return v;
}

/**
 * A required timestamp: epoch seconds (JSON 1.0), an ISO 8601 string (Query) or a Date (CBOR's
 * tag 1); returns epoch ms.
 */
export function timestampMs(obj: Members, key: string): number {
  const v = required(obj, key, '');
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw invalidParameter(`The value ${JSON.stringify(v)} for parameter ${key} is not a valid timestamp.`);
  return ms;
}

/** Dimensions [{Name, Value}]; `valueOptional` for ListMetrics filters. */
export function dimensions(list: readonly unknown[], path: string, valueOptional: boolean): { Name: string; Value?: string }[] {
  if (list.length > 30) throw invalidParameter(`The collection ${path} must not have more than 30 members.`);
  return list.map((raw, i) => {
    const at = `${path}.member.${i + 1}`;
    const d = members(raw, at);
    const Name = required(d, 'Name', at);
    if (typeof Name !== 'string' || Name === '') throw invalidParameter(`The parameter ${at}.Name must be a non-empty string.`);
    const Value = valueOptional ? optString(d, 'Value', at) : required(d, 'Value', at);
    if (Value !== undefined && typeof Value !== 'string') throw invalidParameter(`The parameter ${at}.Value must be a string.`);
    return Value === undefined ? { Name } : { Name, Value };
  });
}

/** Narrows dimensions whose Value is required. */
export function fullDimensions(list: { Name: string; Value?: string }[]): Dimension[] {
  return list.map((d) => ({ Name: d.Name, Value: d.Value ?? '' }));
}

/**
 * Opaque paging tokens: the offset to resume at, bound to the request it was issued for (a
 * token replayed with another request is InvalidNextToken, as on AWS).
 */
export function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

/** The offset a token carries; InvalidNextToken when it is not ours or not for this request. */
export function decodeToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const t = members(parsed, 'NextToken');
    if (t.f === fingerprint && typeof t.o === 'number' && Number.isInteger(t.o) && t.o >= 0) return t.o;
  } catch {
    // any decoding failure is the same answer as a mismatch
  }
  throw invalidNextToken();
}

/** A short stable hash of a request, for binding paging tokens to it. */
export function fingerprintOf(request: Members): string {
  const text = JSON.stringify({ ...request, NextToken: undefined });
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
