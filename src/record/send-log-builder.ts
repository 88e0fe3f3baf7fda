/**
 * SendLogBuilder: the growable implementation of the SendLog (send-log.ts), 21 bytes a request
 * (sentMs 8, endMs 8, status 2, origin 1, requestIndex 2). Rows are appended in send order and
 * completed later by row number; capacity grows geometrically so appends stay O(1) amortised
 * and a 1M-request run needs about 21 MB (up to twice that while one growth copies).
 */
import { ORIGIN, type OriginCode, type SendLog } from './send-log.ts';

const INITIAL_ROWS = 16_384;

/** A SendLog that can be appended to while a run is going, then read as a SendLog. */
export class SendLogBuilder implements SendLog {
  count = 0;
  sentMs: Float64Array;
  endMs: Float64Array;
  status: Uint16Array;
  origin: Uint8Array;
  requestIndex: Uint16Array;

  constructor(initialRows = INITIAL_ROWS) {
    const rows = Math.max(16, Math.ceil(initialRows));
    this.sentMs = new Float64Array(rows);
    this.endMs = new Float64Array(rows).fill(Number.NaN);
    this.status = new Uint16Array(rows);
    this.origin = new Uint8Array(rows);
    this.requestIndex = new Uint16Array(rows);
  }

  /** Appends a sent request and returns its row. */
  append(requestIndex: number, sentMs: number): number {
    if (this.count === this.sentMs.length) this.#grow();
    const row = this.count++;
    this.sentMs[row] = sentMs;
    this.requestIndex[row] = requestIndex;
    return row;
  }

  /** Completes a row: end time, HTTP status (0 = no response) and 429 origin. */
  complete(row: number, endMs: number, status: number, origin: OriginCode = ORIGIN.NONE): void {
    this.endMs[row] = endMs;
    this.status[row] = status;
    this.origin[row] = origin;
  }

  /** A plain SendLog whose arrays are trimmed to `count` (copies; call once, at the end). */
  toSendLog(): SendLog {
    const n = this.count;
    return {
      count: n,
      sentMs: this.sentMs.slice(0, n),
      endMs: this.endMs.slice(0, n),
      status: this.status.slice(0, n),
      origin: this.origin.slice(0, n),
      requestIndex: this.requestIndex.slice(0, n),
    };
  }

  #grow(): void {
    const rows = this.sentMs.length * 2;
    const sentMs = new Float64Array(rows);
    sentMs.set(this.sentMs);
    const endMs = new Float64Array(rows).fill(Number.NaN);
    endMs.set(this.endMs);
    const status = new Uint16Array(rows);
    status.set(this.status);
    const origin = new Uint8Array(rows);
    origin.set(this.origin);
    const requestIndex = new Uint16Array(rows);
    requestIndex.set(this.requestIndex);
    Object.assign(this, { sentMs, endMs, status, origin, requestIndex });
  }
}
