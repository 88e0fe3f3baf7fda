/**
 * Raw HTTP/1.1 over a net.Socket, for tests that send what no well-behaved client would: write
 * bytes, read until the server closes (or goes quiet), split what came back into responses and
 * check that each one is well formed.
 */
import { connect } from 'node:net';

/** One parsed response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * Sends `chunks` (each written as it is; `endAfter` then half-closes our side) and collects
 * what the server sends until it closes or `quietMs` pass without a byte.
 */
export function exchangeRaw(port: number, chunks: readonly Buffer[], opts: { quietMs?: number; endAfter?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(got));
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, opts.quietMs ?? 150);
    };
    socket.on('connect', () => {
      for (const c of chunks) if (!socket.destroyed) socket.write(c);
      if (opts.endAfter) socket.end();
      arm();
    });
    socket.on('data', (d: Buffer) => {
      got.push(d);
      arm();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

/**
 * Splits a byte stream into responses; throws naming the offset when something is not a well
 * formed HTTP/1.1 response. Interim 1xx responses are skipped. `maybeHead` says which responses
 * (by index) may answer a HEAD: those carry no body when what follows the head is the next
 * response or the end (a HEAD the parser rejected is answered with a body).
 */
export function parseResponses(bytes: Buffer, maybeHead: (index: number) => boolean = () => false): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`incomplete head at byte ${at}: ${JSON.stringify(bytes.subarray(at, at + 80).toString('latin1'))}`);
    const lines = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(lines[0]);
    if (!m) throw new Error(`bad status line at byte ${at}: ${JSON.stringify(lines[0])}`);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const h = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
      if (!h) throw new Error(`bad header line ${JSON.stringify(line)}`);
      headers[h[1].toLowerCase()] = h[2];
    }
    const status = Number(m[1]);
    at = end + 4;
    if (status >= 100 && status < 200) continue;
    let body: Buffer = Buffer.alloc(0);
    const bodyless = maybeHead(out.length) && (at === bytes.length || bytes.subarray(at, at + 9).toString('latin1') === 'HTTP/1.1 ');
    if (!bodyless && status !== 204 && status !== 304) {
      if (headers['content-length'] !== undefined) {
        const length = Number(headers['content-length']);
        if (!Number.isInteger(length) || at + length > bytes.length) throw new Error(`body shorter than content-length ${headers['content-length']}`);
        body = bytes.subarray(at, at + length);
        at += length;
      } else if (headers['transfer-encoding'] === 'chunked') {
        throw new Error('chunked answers are not expected from the emulator');
      } else {
        body = bytes.subarray(at);
        at = bytes.length;
      }
    }
    out.push({ status, headers, body });
  }
  return out;
}
