/**
 * The send log of a long run, kept flat: rows live in chunks of CHUNK_ROWS (33 bytes a row, about
 * 2 MB a chunk), and as soon as the oldest chunk is full and every row in it has completed it is
 * appended to the send-log file (record/send-log-file.ts) and freed. Memory holds only the chunks
 * that still have requests in flight (at 10k rps and a 35 s timeout, at most ~6), however long
 * the run; rows reach the file in send order, as a SendLog has them. A written chunk is cleared
 * and reused for the next one instead of freed: a fresh 2 MB of typed arrays every 6.5 s (at
 * 10k rps) is freed only when V8 gets round to a full GC, and left RSS creeping meanwhile.
 *
 *   rows:  [ chunk 0: all complete ] [ chunk 1: all complete ] [ chunk 2: 3 in flight ] [ chunk 3 ...
 *            -> written, freed          -> written, freed         kept                   kept
 */
import type { SendLogFileWriter } from './send-log-file.ts';
import { SEND_LOG_COLUMNS, emptySendLog } from './send-log-builder.ts';
import { ORIGIN, type OriginCode, type SendLog } from './send-log.ts';

export const CHUNK_ROWS = 1 << 16;
const CHUNK_SHIFT = 16;
const ROW_MASK = CHUNK_ROWS - 1;

type Chunk = { -readonly [K in keyof SendLog]: SendLog[K] };

/** Where the recorder appends and completes rows (SendLogBuilder and SpillingSendLog both are). */
export interface SendLogRows {
  readonly count: number;
  append(arrivalIndex: number, requestIndex: number, intendedMs: number, sentMs: number): number;
  complete(row: number, endMs: number, status: number, origin?: OriginCode): void;
}

export class SpillingSendLog implements SendLogRows {
  count = 0;
  readonly #writer: SendLogFileWriter;
  /** By chunk number; undefined once written. */
  readonly #chunks: (Chunk | undefined)[] = [];
  /** Rows of each chunk not yet completed. */
  readonly #pending: number[] = [];
  #written = 0;
  #finished = false;
  /** Written chunks waiting to be reused (at most one is ever needed: rows go out in order). */
  readonly #spare: Chunk[] = [];

  constructor(writer: SendLogFileWriter) {
    this.#writer = writer;
  }

  /** Chunks held in memory right now. */
  get liveChunks(): number {
    return this.#chunks.length - this.#written;
  }

  append(arrivalIndex: number, requestIndex: number, intendedMs: number, sentMs: number): number {
    const row = this.count++;
    const c = row >>> CHUNK_SHIFT;
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      chunk = this.#spare.pop() ?? emptySendLog(CHUNK_ROWS);
      this.#chunks[c] = chunk;
      this.#pending[c] = 0;
    }
    const i = row & ROW_MASK;
    chunk.arrivalIndex[i] = arrivalIndex;
    chunk.requestIndex[i] = requestIndex;
    chunk.intendedMs[i] = intendedMs;
    chunk.sentMs[i] = sentMs;
    this.#pending[c]++;
    return row;
  }

  complete(row: number, endMs: number, status: number, origin: OriginCode = ORIGIN.NONE): void {
    const c = row >>> CHUNK_SHIFT;
    const chunk = this.#chunks[c];
    if (chunk === undefined || this.#finished) return;
    const i = row & ROW_MASK;
    chunk.endMs[i] = endMs;
    chunk.status[i] = status;
    chunk.origin[i] = origin;
    if (--this.#pending[c] === 0) this.#writeCompleteHead();
  }

  /** Writes every remaining row (unfinished ones with no end time) and closes the file. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (let c = this.#written; c < this.#chunks.length; c++) {
      const rows = Math.min(CHUNK_ROWS, this.count - c * CHUNK_ROWS);
      this.#writer.append(this.#chunks[c]!, 0, rows);
      this.#chunks[c] = undefined;
    }
    this.#written = this.#chunks.length;
    this.#writer.close();
  }

  #writeCompleteHead(): void {
    while (this.#written < this.#chunks.length) {
      const c = this.#written;
      const full = (c + 1) * CHUNK_ROWS <= this.count;
      if (!full || this.#pending[c] > 0) return;
      const chunk = this.#chunks[c]!;
      this.#writer.append(chunk, 0, CHUNK_ROWS);
      this.#chunks[c] = undefined;
      this.#written++;
      if (this.#spare.length === 0) this.#spare.push(cleared(chunk));
    }
  }
}

/** `chunk` as emptySendLog makes it: no end time (NaN), everything else 0. */
function cleared(chunk: Chunk): Chunk {
  for (const [name] of SEND_LOG_COLUMNS) chunk[name].fill(name === 'endMs' ? Number.NaN : 0);
  return chunk;
}
