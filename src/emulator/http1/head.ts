/**
 * One request head, parsed to llhttp's rules (docs/emulator.md "The HTTP/1.1 server"): the
 * request line, the header lines, and what they say of the body and the connection; and the
 * checks llhttp makes on a head before it is whole. framer.ts finds where heads begin and end.
 */
import { METHODS } from 'node:http';

/** node's --max-http-header-size default, counted as llhttp counts it: request line and headers. */
export const MAX_HEAD_BYTES = 16 * 1024;

const METHOD_LIST: readonly string[] = METHODS;
const KNOWN_METHODS: ReadonlySet<string> = new Set(METHODS);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A value may hold HTAB, visible ASCII, space and obs-text (0x80-0xff), nothing else. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const BAD_TARGET_CHAR = /[^\x21-\x7e]/;
const DIGITS = /^\d+$/;
/** The versions llhttp takes in a request line; a request in 2.0 or 0.9 framing is read as HTTP/1.0. */
const VERSIONS: ReadonlySet<string> = new Set(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9']);

/**
 * Header names whose repeats node:http drops (the first one wins), so `headers` here match what
 * a node:http listener sees; every other repeat is joined with ", " (set-cookie is a list).
 */
const FIRST_WINS: ReadonlySet<string> = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);

/** A framing error, with the code llhttp gives it (client-error.ts picks the status by it). */
export class FramingError extends Error {
  constructor(
    readonly code: 'HPE_HEADER_OVERFLOW' | 'HPE_INVALID_METHOD' | 'HPE_INVALID_URL' | 'HPE_INVALID_VERSION' | 'HPE_INVALID_HEADER_TOKEN' | 'HPE_INVALID_CONTENT_LENGTH' | 'HPE_UNEXPECTED_CONTENT_LENGTH' | 'HPE_INVALID_TRANSFER_ENCODING' | 'HPE_INVALID_CHUNK_SIZE' | 'HPE_STRICT',
    message: string,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

/** One request's head, as node:http's IncomingMessage shows it. */
export interface RequestHead {
  readonly method: string;
  readonly url: string;
  readonly httpVersionMinor: number;
  /** Lower-case names; repeats as node:http merges them. Frozen. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** False when the connection ends after this request (HTTP/1.0 without keep-alive, Connection: close). */
  readonly keepAlive: boolean;
  /** Expect: 100-continue on HTTP/1.1. */
  readonly expectsContinue: boolean;
  /** Content-Length, -1 for a chunked body. */
  readonly bodyLength: number;
}

/**
 * Refuses a head that is already wrong before it is whole, as llhttp does at the first bad
 * byte: binary noise or a control character in a header is answered 400 at once, not after the
 * headers timeout. Runs on a head split across reads, and on a whole one over the 16 KB cap.
 */
export function checkHeadSoFar(text: string): void {
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) return checkRequestLineSoFar(text.endsWith('\r') ? text.slice(0, -1) : text);
  const lastEnd = text.lastIndexOf('\r\n');
  parseHead(text.slice(0, lastEnd), true);
  // A line's CR may have come without its LF yet.
  const partial = text.endsWith('\r') ? text.slice(lastEnd + 2, -1) : text.slice(lastEnd + 2);
  const colon = partial.indexOf(':');
  const name = colon < 0 ? partial : partial.slice(0, colon);
  if ((name !== '' && !TOKEN.test(name)) || (colon >= 0 && BAD_VALUE_CHAR.test(partial.slice(colon + 1)))) throw new FramingError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
}

/** A request line not yet ended: llhttp refuses at the first byte no method, target or version can go on from. */
function checkRequestLineSoFar(line: string): void {
  const sp1 = line.indexOf(' ');
  if (sp1 < 0) {
    if (!METHOD_LIST.some((m) => m.startsWith(line))) throw new FramingError('HPE_INVALID_METHOD', 'Invalid method encountered');
    return;
  }
  if (!KNOWN_METHODS.has(line.slice(0, sp1))) throw new FramingError('HPE_INVALID_METHOD', 'Invalid method encountered');
  const sp2 = line.indexOf(' ', sp1 + 1);
  const url = sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
  if (BAD_TARGET_CHAR.test(url) || (sp2 >= 0 && url === '')) throw new FramingError('HPE_INVALID_URL', 'Invalid URL');
  if (sp2 >= 0) {
    const version = line.slice(sp2 + 1);
    if (![...VERSIONS].some((v) => v.startsWith(version))) throw new FramingError('HPE_INVALID_VERSION', 'Invalid HTTP version');
  }
}

/** Parses one head (without its final CRLF CRLF); throws FramingError. `partial`: the head so far, checked line by line only. */
export function parseHead(text: string, partial = false): RequestHead {
  const lineEnd = text.indexOf('\r\n');
  const requestLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0) throw new FramingError('HPE_INVALID_METHOD', 'Invalid method encountered');
  const method = requestLine.slice(0, sp1);
  if (!KNOWN_METHODS.has(method)) throw new FramingError('HPE_INVALID_METHOD', 'Invalid method encountered');
  const url = requestLine.slice(sp1 + 1, sp2);
  if (url === '' || BAD_TARGET_CHAR.test(url)) throw new FramingError('HPE_INVALID_URL', 'Invalid URL');
  const version = requestLine.slice(sp2 + 1);
  if (!VERSIONS.has(version)) throw new FramingError('HPE_INVALID_VERSION', 'Invalid HTTP version');
  const httpVersionMinor = version.charCodeAt(7) - 48;
  // llhttp's rule: HTTP/1.1 semantics only where both major and minor are above 0 (so 2.0 is kept alive as 1.0 is).
  const persistentByDefault = version === 'HTTP/1.1';
  const headers: Record<string, string | string[]> = {};
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let connection = '';
  let expect = '';
  let at = lineEnd < 0 ? text.length : lineEnd + 2;
  while (at < text.length) {
    let end = text.indexOf('\r\n', at);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', at);
    if (colon < 0 || colon > end) throw new FramingError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
    const name = text.slice(at, colon);
    if (!TOKEN.test(name)) throw new FramingError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
    const value = trimOws(text.slice(colon + 1, end));
    if (BAD_VALUE_CHAR.test(value)) throw new FramingError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
    const key = name.toLowerCase();
    if (key === 'content-length') {
      if (!DIGITS.test(value)) throw new FramingError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
      if (contentLength !== undefined && Number(contentLength) !== Number(value)) throw new FramingError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length');
      contentLength = value;
    } else if (key === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    else if (key === 'connection') connection += `${value.toLowerCase()},`;
    else if (key === 'expect') expect = value.toLowerCase();
    addHeader(headers, key, value);
    at = end + 2;
  }
  let bodyLength = 0;
  if (partial) return { method, url, httpVersionMinor, headers, keepAlive: false, expectsContinue: false, bodyLength };
  if (transferEncoding !== undefined) {
    if (contentLength !== undefined) throw new FramingError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length can\'t be present with Transfer-Encoding');
    // RFC 9112 6.3: a request whose final coding is not chunked has no length a server can trust.
    if (!/(?:^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding)) throw new FramingError('HPE_INVALID_TRANSFER_ENCODING', 'Request has invalid `Transfer-Encoding`');
    bodyLength = -1;
  } else if (contentLength !== undefined) {
    bodyLength = Number(contentLength);
    if (!Number.isSafeInteger(bodyLength)) throw new FramingError('HPE_INVALID_CONTENT_LENGTH', 'Content-Length overflow');
  }
  const keepAlive = persistentByDefault ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
  // Frozen: framer.ts shares one head among every request that sent the same bytes.
  for (const v of Object.values(headers)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze({ method, url, httpVersionMinor, headers: Object.freeze(headers), keepAlive, expectsContinue: persistentByDefault && expect === '100-continue', bodyLength });
}

function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 32 || s.charCodeAt(start) === 9)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** `list` is comma-terminated lower-case Connection values. */
function hasToken(list: string, token: string): boolean {
  if (!list.includes(token)) return false;
  for (const part of list.split(',')) if (part.trim() === token) return true;
  return false;
}

function addHeader(headers: Record<string, string | string[]>, key: string, value: string): void {
  const had = headers[key];
  if (had === undefined) headers[key] = key === 'set-cookie' ? [value] : value;
  else if (key === 'set-cookie') (had as string[]).push(value);
  else if (!FIRST_WINS.has(key)) headers[key] = `${had as string}${key === 'cookie' ? '; ' : ', '}${value}`;
}
