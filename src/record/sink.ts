/**
 * RecordSink: everything the sender may tell the recorder, and nothing else. Calls are flat
 * (numbers, no outcome objects) because they run once or twice per request on the hot path.
 */
import type { ErrorKind } from '../result/schema.ts';
import type { OriginCode } from './send-log.ts';

/** What the recorder needs back about a request when it settles (the sender's handler carries it). */
export interface SentRequest {
  /** Row in the send log. */
  readonly row: number;
  readonly requestIndex: number;
  /** When the schedule wanted it sent, ms since run start. */
  readonly intendedMs: number;
  /** When it was handed to a connection, ms since run start. */
  readonly sentMs: number;
}

/** What the open loop and the sender report, in the order things happen. */
export interface RecordSink {
  /** Arrival `arrivalIndex` of the schedule was handed to a connection; returns its send-log row. */
  sent(arrivalIndex: number, requestIndex: number, intendedMs: number, sentMs: number): number;
  /** A due arrival found the in-flight cap reached and was not sent. */
  dropped(intendedMs: number): void;
  /** An HTTP response ended (body read). */
  answered(request: SentRequest, endMs: number, status: number, origin: OriginCode): void;
  /** The request got no HTTP response. */
  failed(request: SentRequest, endMs: number, kind: ErrorKind): void;
}
