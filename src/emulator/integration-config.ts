/**
 * The integration half of the emulator config: what answers a request once API Gateway has
 * admitted it. Three kinds, each a type of its own:
 *
 * ```json
 * { "type": "mock", "status": 200, "body": {"ok": true}, "headers": {"x-a": "1"}, "latencyMs": { "fixed": 5 } }
 * { "type": "http", "url": "http://127.0.0.1:9000/{proxy}" }
 * { "type": "lambda", "reservedConcurrency": 10, "queueLimit": 0, "latencyMs": { "lognormal": { "median": 40, "sigma": 0.5 } } }
 * ```
 *
 * `latencyMs` is a number (fixed) or one of `{fixed: ms}`, `{uniform: {min, max}}`,
 * `{normal: {mean, stdDev}}` (clipped at 0), `{lognormal: {median, sigma}}`.
 */
import { UsageError } from '../errors.ts';
import { at, number, object, optional, record, string, type Where } from '../validate.ts';

/** A latency distribution in milliseconds. */
export type LatencySpec =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stdDevMs: number }
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly sigma: number };

/** A canned answer: status, body, headers, after a sampled latency. */
export interface MockAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly latencyMs: LatencySpec;
}

/** API Gateway's MOCK integration. */
export interface MockIntegration extends MockAnswer {
  readonly type: 'mock';
}

/** HTTP_PROXY integration: `{name}` placeholders in `url` take the request's path parameters. */
export interface HttpProxyIntegration {
  readonly type: 'http';
  readonly url: string;
}

/**
 * A Lambda with reserved concurrency N: up to N invocations run at once; past N, up to
 * `queueLimit` wait for a slot (so latency grows), and the rest are throttled by Lambda, which
 * API Gateway answers with `throttledStatus` (500 by default, as REST and HTTP APIs answer a
 * Lambda proxy integration whose invoke failed with 429; some captures show 502).
 */
export interface LambdaIntegration extends MockAnswer {
  readonly type: 'lambda';
  readonly reservedConcurrency: number;
  /** @default 0 (a real Lambda never queues synchronous invokes) */
  readonly queueLimit: number;
  /** @default 500 */
  readonly throttledStatus: 500 | 502;
}

export type IntegrationSpec = MockIntegration | HttpProxyIntegration | LambdaIntegration;

/** API Gateway's payload cap, for requests and responses alike: 10 MB (docs/emulator.md "Caps"). */
export const PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

const NO_LATENCY: LatencySpec = Object.freeze({ kind: 'fixed', ms: 0 });

/** The integration of a route that the config names only for its throttle: 200 `{}` at once. */
export const DEFAULT_MOCK: MockIntegration = Object.freeze({
  type: 'mock',
  status: 200,
  body: '{}',
  headers: Object.freeze({ 'content-type': 'application/json' }),
  latencyMs: NO_LATENCY,
});

const ms = (v: unknown, w: Where): number => number(v, w, { min: 0 });

/** Reads a latency distribution (see the file comment for the forms). */
export function parseLatency(value: unknown, where: Where): LatencySpec {
  if (typeof value === 'number') return Object.freeze({ kind: 'fixed', ms: ms(value, where) });
  const o = object(value, where, ['fixed', 'uniform', 'normal', 'lognormal']);
  const kinds = Object.keys(o);
  if (kinds.length !== 1) throw UsageError.invalid(where.file, where.field, value, 'exactly one of fixed, uniform, normal, lognormal');
  const w = at(where, kinds[0]);
  if (o.fixed !== undefined) return Object.freeze({ kind: 'fixed', ms: ms(o.fixed, w) });
  if (o.uniform !== undefined) {
    const u = object(o.uniform, w, ['min', 'max']);
    const minMs = ms(u.min, at(w, 'min'));
    const maxMs = number(u.max, at(w, 'max'), { min: minMs });
    return Object.freeze({ kind: 'uniform', minMs, maxMs });
  }
  if (o.normal !== undefined) {
    const n = object(o.normal, w, ['mean', 'stdDev']);
    return Object.freeze({ kind: 'normal', meanMs: ms(n.mean, at(w, 'mean')), stdDevMs: ms(n.stdDev, at(w, 'stdDev')) });
  }
  const l = object(o.lognormal, w, ['median', 'sigma']);
  return Object.freeze({
    kind: 'lognormal',
    medianMs: number(l.median, at(w, 'median'), { min: 0, exclusiveMin: true }),
    sigma: ms(l.sigma, at(w, 'sigma')),
  });
}

/**
 * Headers that frame the body, which the emulator writes from the body itself: a canned
 * content-length that disagreed with the body left the client waiting for bytes that never came.
 */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding']);

function parseHeaders(value: unknown, where: Where): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(record(value, where))) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw UsageError.invalid(where.file, at(where, name).field, name, 'an HTTP header name');
    if (FRAMING_HEADERS.has(name.toLowerCase())) throw UsageError.invalid(where.file, at(where, name).field, name, 'a header other than content-length and transfer-encoding, which the emulator sets from the body');
    out[name.toLowerCase()] = string(v, at(where, name));
  }
  return out;
}

/** Status, body (a string as is, anything else JSON-encoded), headers and latency of a canned answer. */
function parseAnswer(o: Record<string, unknown>, where: Where): MockAnswer {
  // A 1xx is never a final answer in HTTP/1.1: a client would wait for the real one forever.
  const status = optional(o.status, (v) => number(v, at(where, 'status'), { min: 200, max: 599, integer: true })) ?? 200;
  const body = o.body === undefined ? '{}' : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  checkBodySize(body, at(where, 'body'));
  const headers = { 'content-type': 'application/json', ...(optional(o.headers, (v) => parseHeaders(v, at(where, 'headers'))) ?? {}) };
  const latencyMs = optional(o.latencyMs, (v) => parseLatency(v, at(where, 'latencyMs'))) ?? NO_LATENCY;
  return { status, body, headers: Object.freeze(headers), latencyMs };
}

/**
 * A canned body larger than the gateway's payload cap is a config error, not something to serve:
 * API Gateway can never send it, so an emulator that did would measure an API that cannot exist.
 */
function checkBodySize(body: string, where: Where): void {
  const bytes = Buffer.byteLength(body);
  if (bytes <= PAYLOAD_LIMIT_BYTES) return;
  const field = [where.file, where.field].filter(Boolean).join(': ');
  throw new UsageError(`${field}: a body of ${bytes} bytes is invalid (expected at most ${PAYLOAD_LIMIT_BYTES} bytes, API Gateway's payload cap)`, where);
}

function parseProxyUrl(value: unknown, where: Where): string {
  const text = string(value, where, { nonEmpty: true });
  let url: URL;
  try {
    url = new URL(text.replace(/\{[^{}/]+\}/g, 'p'));
  } catch {
    throw UsageError.invalid(where.file, where.field, text, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw UsageError.invalid(where.file, where.field, text, 'an http:// or https:// URL');
  return text;
}

const ANSWER_KEYS = ['status', 'body', 'headers', 'latencyMs'];

/** One reader per integration kind (an integration kind is not an API flavour: src/api/). */
const INTEGRATION_READERS: Readonly<Record<IntegrationSpec['type'], (value: unknown, where: Where) => IntegrationSpec>> = {
  http: (value, where) => {
    const o = object(value, where, ['type', 'url']);
    return Object.freeze({ type: 'http', url: parseProxyUrl(o.url, at(where, 'url')) });
  },
  mock: (value, where) => {
    const o = object(value, where, ['type', ...ANSWER_KEYS]);
    return Object.freeze({ type: 'mock', ...parseAnswer(o, where) });
  },
  lambda: parseLambda,
};

/** Reads one route's `integration`. */
export function parseIntegration(value: unknown, where: Where): IntegrationSpec {
  const type = string(record(value, where).type, at(where, 'type'), { oneOf: ['mock', 'http', 'lambda'] }) as IntegrationSpec['type'];
  return INTEGRATION_READERS[type](value, where);
}

function parseLambda(value: unknown, where: Where): IntegrationSpec {
  const o = object(value, where, ['type', 'reservedConcurrency', 'queueLimit', 'throttledStatus', ...ANSWER_KEYS]);
  return Object.freeze({
    type: 'lambda',
    ...parseAnswer(o, where),
    reservedConcurrency: number(o.reservedConcurrency, at(where, 'reservedConcurrency'), { min: 1, integer: true }),
    queueLimit: optional(o.queueLimit, (v) => number(v, at(where, 'queueLimit'), { min: 0, integer: true })) ?? 0,
    throttledStatus: (optional(o.throttledStatus, (v) => {
      const s = number(v, at(where, 'throttledStatus'), { integer: true });
      if (s !== 500 && s !== 502) throw UsageError.invalid(where.file, at(where, 'throttledStatus').field, v, '500 or 502');
      return s;
    }) ?? 500) as 500 | 502,
  });
}
