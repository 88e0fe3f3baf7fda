/**
 * SendLogBuilder: the growable implementation of the SendLog (send-log.ts), 33 bytes a request
 * (arrivalIndex 4, intendedMs 8, sentMs 8, endMs 8, status 2, origin 1, requestIndex 2). Rows are
 * appended in send order and completed later by row number; capacity grows geometrically so
 * appends stay O(1) amortised.
 */
import { ORIGIN, type OriginCode, type SendLog } from './send-log.ts';

const INITIAL_ROWS = 16_384;

/** The columns of a SendLog, each a typed-array constructor, in file order (docs/send-log.md). */
export const SEND_LOG_COLUMNS = [
  ['arrivalIndex', Uint32Array],
  ['intendedMs', Float64Array],
  ['sentMs', Float64Array],
  ['endMs', Float64Array],
  ['status', Uint16Array],
  ['origin', Uint8Array],
  ['requestIndex', Uint16Array],
] as const;

export type SendLogColumn = (typeof SEND_LOG_COLUMNS)[number][0];

/** A SendLog of `rows` empty rows (endMs NaN = unfinished). */
export function emptySendLog(rows: number): { -readonly [K in keyof SendLog]: SendLog[K] } {
  const log = { count: 0 } as { -readonly [K in keyof SendLog]: SendLog[K] };
  for (const [name, Type] of SEND_LOG_COLUMNS) (log as unknown as Record<string, unknown>)[name] = new Type(rows);
  log.endMs.fill(Number.NaN);
  return log;
}

/** A SendLog that can be appended to while a run is going, then read as a SendLog. */
export class SendLogBuilder implements SendLog {
  count = 0;
  arrivalIndex: Uint32Array;
  intendedMs: Float64Array;
  sentMs: Float64Array;
  endMs: Float64Array;
  status: Uint16Array;
  origin: Uint8Array;
  requestIndex: Uint16Array;

  constructor(initialRows = INITIAL_ROWS) {
    const log = emptySendLog(Math.max(16, Math.ceil(initialRows)));
    this.arrivalIndex = log.arrivalIndex;
    this.intendedMs = log.intendedMs;
    this.sentMs = log.sentMs;
    this.endMs = log.endMs;
    this.status = log.status;
    this.origin = log.origin;
    this.requestIndex = log.requestIndex;
  }

  /** Appends a sent request and returns its row. */
  append(arrivalIndex: number, requestIndex: number, intendedMs: number, sentMs: number): number {
    if (this.count === this.sentMs.length) this.#grow();
    const row = this.count++;
    this.arrivalIndex[row] = arrivalIndex;
    this.intendedMs[row] = intendedMs;
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
    return sliceSendLog(this, 0, this.count);
  }

  #grow(): void {
    const grown = emptySendLog(this.sentMs.length * 2);
    for (const [name] of SEND_LOG_COLUMNS) (grown[name] as { set(a: ArrayLike<number>): void }).set(this[name]);
    Object.assign(this, { ...grown, count: this.count });
  }
}

/** Rows [from, to) of `log` as a SendLog of their own (copies). */
export function sliceSendLog(log: SendLog, from: number, to: number): SendLog {
  const out = { count: to - from } as Record<string, unknown>;
  for (const [name] of SEND_LOG_COLUMNS) out[name] = log[name].slice(from, to);
  return out as unknown as SendLog;
}
