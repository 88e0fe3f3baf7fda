/** A SendLog built from plain rows, for tests of the stages that read one (replay, compare, reconcile). */
import { ORIGIN, type SendLog } from '../../src/record/send-log.ts';

export interface LoggedRequest {
  readonly sentMs: number;
  readonly endMs: number;
  /** 0 = no response; a 429 is taken as a throttle 429. */
  readonly status: number;
}

export function sendLogOf(rows: readonly LoggedRequest[]): SendLog {
  return {
    count: rows.length,
    arrivalIndex: Uint32Array.from(rows, (_, i) => i),
    intendedMs: Float64Array.from(rows, (r) => r.sentMs),
    sentMs: Float64Array.from(rows, (r) => r.sentMs),
    endMs: Float64Array.from(rows, (r) => r.endMs),
    status: Uint16Array.from(rows, (r) => r.status),
    origin: Uint8Array.from(rows, (r) => (r.status === 429 ? ORIGIN.THROTTLE : ORIGIN.NONE)),
    requestIndex: new Uint16Array(rows.length),
  };
}
