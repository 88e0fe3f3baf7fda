/**
 * The send log on disk, `send-log.bin` beside result.json (docs/send-log.md is the reference):
 *
 *   "LGSENDLG"  u32 version  u32 H  H bytes of JSON header
 *   chunk*:     u32 n (> 0)  then each column of SEND_LOG_COLUMNS for those n rows, little-endian
 *   end:        u32 0
 *
 * Chunks are appended as rows complete, so a long run can spill its log while it goes and a
 * killed run leaves a readable prefix (no end mark: `complete: false`). The header holds what a
 * re-judgement needs besides the rows (origin wall time, request identities as key ids), never
 * a secret.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { LoadgateError } from '../errors.ts';
import { emptySendLog, SEND_LOG_COLUMNS } from './send-log-builder.ts';
import type { RequestIdentity, SendLog } from './send-log.ts';

export const SEND_LOG_FILE = 'send-log.bin';
export const SEND_LOG_VERSION = 1;
const MAGIC = Buffer.from('LGSENDLG', 'latin1');

/** What the file says besides its rows. */
export interface SendLogHeader {
  /** Epoch ms of run time 0 (quota periods are UTC calendar periods). */
  readonly originWallMs: number;
  /** By requestIndex. */
  readonly requests: readonly RequestIdentity[];
}

/** Appends chunks of rows to a send-log file; `close()` writes the end mark. */
export class SendLogFileWriter {
  readonly #fd: number;
  #closed = false;

  constructor(path: string, header: SendLogHeader) {
    this.#fd = openSync(path, 'w');
    const json = Buffer.from(JSON.stringify({ format: 'loadgate-send-log', version: SEND_LOG_VERSION, columns: SEND_LOG_COLUMNS.map(([n, T]) => [n, T.name]), ...header }));
    const head = Buffer.alloc(16);
    MAGIC.copy(head, 0);
    head.writeUInt32LE(SEND_LOG_VERSION, 8);
    head.writeUInt32LE(json.length, 12);
    this.#write(head);
    this.#write(json);
  }

  /** Writes rows [from, to) of `log` as one chunk. */
  append(log: SendLog, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    const count = Buffer.alloc(4);
    count.writeUInt32LE(n);
    this.#write(count);
    for (const [name, Type] of SEND_LOG_COLUMNS) {
      const column = log[name];
      // Typed arrays are little-endian on every platform Node runs on (x64, arm64).
      this.#write(Buffer.from(column.buffer, column.byteOffset + from * Type.BYTES_PER_ELEMENT, n * Type.BYTES_PER_ELEMENT));
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#write(Buffer.alloc(4));
    closeSync(this.#fd);
  }

  #write(bytes: Buffer): void {
    for (let at = 0; at < bytes.length; ) at += writeSync(this.#fd, bytes, at, bytes.length - at);
  }
}

/** Writes a whole send log to `path` in one chunk. */
export function writeSendLogFile(path: string, log: SendLog, header: SendLogHeader): void {
  const writer = new SendLogFileWriter(path, header);
  try {
    writer.append(log, 0, log.count);
  } finally {
    writer.close();
  }
}

export interface ReadSendLog {
  readonly header: SendLogHeader;
  readonly log: SendLog;
  /** False when the end mark is missing: the writer was killed; the rows read are a prefix. */
  readonly complete: boolean;
}

/** Reads a send-log file; a file that is not one, or of another version, is a one-line error. */
export function readSendLogFile(path: string): ReadSendLog {
  const bad = (why: string) => new LoadgateError('CONFIG', `${path}: not a loadgate send log (${why})`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new LoadgateError('CONFIG', `${path}: cannot read the send log (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (bytes.length < 16 || !bytes.subarray(0, 8).equals(MAGIC)) throw bad('no LGSENDLG mark');
  const version = bytes.readUInt32LE(8);
  if (version !== SEND_LOG_VERSION) throw bad(`version ${version}; this loadgate reads version ${SEND_LOG_VERSION}`);
  const headerBytes = bytes.readUInt32LE(12);
  if (16 + headerBytes > bytes.length) throw bad('truncated header');
  let header: SendLogHeader;
  try {
    const parsed = JSON.parse(bytes.subarray(16, 16 + headerBytes).toString('utf8')) as SendLogHeader;
    header = { originWallMs: parsed.originWallMs, requests: parsed.requests };
  } catch {
    throw bad('its header is not JSON');
  }
  const rowBytes = SEND_LOG_COLUMNS.reduce((s, [, T]) => s + T.BYTES_PER_ELEMENT, 0);
  // First pass: count rows, so the columns are allocated once.
  let at = 16 + headerBytes;
  let rows = 0;
  let complete = false;
  const chunks: [number, number][] = [];
  while (at + 4 <= bytes.length) {
    const n = bytes.readUInt32LE(at);
    if (n === 0) {
      complete = true;
      break;
    }
    if (at + 4 + n * rowBytes > bytes.length) break; // a chunk cut short by a kill: keep the prefix
    chunks.push([at + 4, n]);
    rows += n;
    at += 4 + n * rowBytes;
  }
  const log = emptySendLog(rows);
  let row = 0;
  for (const [start, n] of chunks) {
    let offset = start;
    for (const [name, Type] of SEND_LOG_COLUMNS) {
      const size = n * Type.BYTES_PER_ELEMENT;
      new Uint8Array(log[name].buffer, row * Type.BYTES_PER_ELEMENT, size).set(bytes.subarray(offset, offset + size));
      offset += size;
    }
    row += n;
  }
  log.count = rows;
  return { header, log, complete };
}
