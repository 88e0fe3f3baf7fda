/**
 * fast-check generators of hostile HTTP/1.1 traffic for fuzz-http.test.ts: requests built from
 * parts that are each sometimes valid and sometimes junk, pipelined, split across writes and
 * truncated; and CloudWatch calls with junk targets, members and gzip bodies.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';

/** One request as bytes, and whether a well-behaved server must answer it as sent. */
interface OneRequest {
  readonly bytes: Buffer;
  readonly clean: boolean;
  readonly head: boolean;
}

/** A fuzz case for the API port. */
export interface RawCase {
  readonly chunks: readonly Buffer[];
  /** Half-close after writing (most cases), else leave the connection open. */
  readonly endAfter: boolean;
  /** Per response index: it may answer a HEAD (no body, unless node rejected the request). */
  readonly heads: readonly boolean[];
  /** Every request is well formed and complete: at least one answer is due. */
  readonly complete: boolean;
}

const STANDARD = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STANDARD) },
  { weight: 1, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'get', 'GeT', 'BREW', 'CONNECT', 'G\tET', '') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,9}$/) },
);

const hex = fc.constantFrom(...'0123456789ABCDEFabcdefzG%');
const latin1 = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min, max }), { maxLength: 12 }).map((codes) => String.fromCharCode(...codes));
/** A segment that is clean (only URL-safe characters and valid escapes) or possibly junk. */
const segment: fc.Arbitrary<{ text: string; clean: boolean }> = fc.oneof(
  fc.constantFrom('items', 'users', 'files', 'fn', '7', 'a.b', '..', '', '%20', '%2F', '%C3%A9').map((text) => ({ text, clean: true })),
  fc.tuple(hex, hex).map(([a, b]) => ({ text: `%${a}${b}`, clean: true })),
  fc.constantFrom('%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%%', '%u0041').map((text) => ({ text, clean: true })),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,20}$/).map((text) => ({ text, clean: true })),
  latin1(0x21, 0xff).map((text) => ({ text, clean: false })),
  latin1(0, 0x20).map((text) => ({ text, clean: false })),
);
const path = (stage: string): fc.Arbitrary<{ text: string; clean: boolean }> =>
  fc.tuple(fc.constantFrom(stage, stage, '', '/nostage', '/$default'), fc.array(segment, { maxLength: 6 }), fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._-]{0,30}$/)))
    .map(([prefix, segs, query]) => ({
      text: `${prefix}/${segs.map((s) => s.text).join('/')}${query === null ? '' : `?${query}`}`,
      clean: segs.every((s) => s.clean),
    }));

const headerName = fc.oneof(
  fc.constantFrom('x-a', 'accept', 'user-agent', 'x-api-key', 'content-type', 'x-forwarded-for', 'cookie'),
  fc.stringMatching(/^[A-Za-z0-9-]{1,30}$/),
);
const junkHeaderLine = fc.oneof(
  latin1(0x20, 0xff).map((s) => `X-J${s}: v`),
  latin1(0, 0x1f).map((s) => `x-ctl: a${s}b`),
  fc.constantFrom('no colon here', ': empty name', 'x-a : space before colon', ' folded: continuation', 'x-long: ' + 'v'.repeat(9000)),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

type Framing = 'none' | 'length' | 'chunked' | 'chunked-bad' | 'length-short' | 'length-junk' | 'two-lengths';
const framing: fc.Arbitrary<Framing> = fc.constantFrom('none', 'length', 'length', 'chunked', 'chunked-bad', 'length-short', 'length-junk', 'two-lengths');

function framed(kind: Framing, body: Uint8Array): { headers: string[]; payload: Buffer; clean: boolean } {
  const b = Buffer.from(body);
  switch (kind) {
    case 'none':
      return { headers: [], payload: Buffer.alloc(0), clean: true };
    case 'length':
      return { headers: [`Content-Length: ${b.length}`], payload: b, clean: true };
    case 'chunked':
      return { headers: ['Transfer-Encoding: chunked'], payload: Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from(b.length > 0 ? '\r\n0\r\n\r\n' : '\r\n')]), clean: true };
    case 'chunked-bad':
      return { headers: ['Transfer-Encoding: chunked'], payload: Buffer.concat([Buffer.from('zz\r\n'), b]), clean: false };
    case 'length-short':
      return { headers: [`Content-Length: ${b.length + 10}`], payload: b, clean: false };
    case 'length-junk':
      return { headers: ['Content-Length: -1'], payload: b, clean: false };
    case 'two-lengths':
      return { headers: [`Content-Length: ${b.length}`, `Content-Length: ${b.length + 1}`], payload: b, clean: false };
  }
}

function oneRequest(stage: string): fc.Arbitrary<OneRequest> {
  return fc
    .record({
      method,
      path: path(stage),
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'http/1.1'),
      host: fc.boolean(),
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
      junk: fc.array(junkHeaderLine, { maxLength: 2 }),
      extra: fc.subarray(['Expect: 100-continue', 'Connection: close', 'Content-Encoding: gzip', 'Connection: keep-alive']),
      framing,
      body: fc.uint8Array({ maxLength: 6000 }),
    })
    .map((r) => {
      const { headers: frameHeaders, payload, clean: frameClean } = framed(r.framing, r.body);
      const lines = [`${r.method} ${r.path.text} ${r.version}`];
      if (r.host) lines.push('Host: 127.0.0.1');
      for (const [name, value] of r.headers) if (!/^(content-length|transfer-encoding|host)$/i.test(name)) lines.push(`${name}: ${value}`);
      lines.push(...r.junk, ...r.extra, ...frameHeaders);
      const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
      const clean = STANDARD.includes(r.method) && r.path.clean && r.version === 'HTTP/1.1' && r.host && r.junk.length === 0 && frameClean;
      return { bytes: Buffer.concat([head, payload]), clean, head: r.method === 'HEAD' };
    });
}

/** Splits `bytes` at up to two random points: the server must reassemble the pieces. */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** A fuzz case for the API port: 1 to 3 pipelined requests, maybe split, maybe truncated. */
export function rawRequest(stage: string): fc.Arbitrary<RawCase> {
  return fc
    .record({
      requests: fc.array(oneRequest(stage), { minLength: 1, maxLength: 3 }),
      cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 2 }),
      truncateAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
      endAfter: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    })
    .map(({ requests, cuts, truncateAt, endAfter }) => {
      let bytes = Buffer.concat(requests.map((r) => r.bytes));
      if (truncateAt !== null) bytes = bytes.subarray(0, Math.floor(truncateAt * bytes.length));
      const heads = requests.map((r) => r.head);
      return { chunks: split(bytes, cuts), endAfter, heads, complete: truncateAt === null && requests.every((r) => r.clean) };
    });
}

const TARGETS = ['GraniteServiceVersion20100801.ListMetrics', 'GraniteServiceVersion20100801.GetMetricData', 'GraniteServiceVersion20100801.PutMetricData', 'Other.ListMetrics', ''];
const member = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constant(undefined));
const cloudWatchBody = fc.oneof(
  fc.record({ Namespace: member, MetricName: member, Dimensions: member, NextToken: member, RecentlyActive: member }, { requiredKeys: [] }).map((o) => Buffer.from(JSON.stringify(o))),
  fc.record({ MetricDataQueries: member, StartTime: fc.oneof(fc.double(), member), EndTime: fc.oneof(fc.double(), member), ScanBy: member, MaxDatapoints: member }, { requiredKeys: [] }).map((o) => Buffer.from(JSON.stringify(o))),
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  fc.string().map((s) => Buffer.from(s)),
);
const encoding = fc.constantFrom('none', 'gzip', 'gzip-truncated', 'gzip-header-junk', 'deflate-label');

/** A CloudWatch call: a target, an encoding and a body, each sometimes junk. */
export function cloudWatchCall(): fc.Arbitrary<{ chunks: Buffer[] }> {
  return fc.record({ target: fc.constantFrom(...TARGETS), method: fc.constantFrom('POST', 'POST', 'GET', 'PUT'), encoding, body: cloudWatchBody }).map(({ target, method: m, encoding: e, body }) => {
    let payload = body;
    const headers = [`${m} / HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/x-amz-json-1.0', `X-Amz-Target: ${target}`];
    if (e === 'gzip') payload = gzipSync(body);
    if (e === 'gzip-truncated') payload = gzipSync(body).subarray(0, Math.max(1, Math.floor(gzipSync(body).length / 2)));
    if (e === 'gzip-header-junk') payload = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), body]);
    if (e !== 'none') headers.push(`Content-Encoding: ${e === 'deflate-label' ? 'deflate' : 'gzip'}`);
    headers.push(`Content-Length: ${payload.length}`);
    return { chunks: [Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`), payload])] };
  });
}
