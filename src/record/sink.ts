/**
 * RecordSink: everything a sender may tell the recorder, and nothing else. It knows no protocol:
 * a response arrives as an `AnsweredOutcome` that the sender filled in (for HTTP the code is the
 * status and the class comes from it, answerClassOf in load/http-sender.ts). Calls pass no new objects: they run
 * once or twice per request on the hot path, so a sender hands over objects it already has (the
 * HTTP sender's per-request handler is both the SentRequest and the outcome).
 */
import type { ErrorKind } from '../result/schema.ts';
import type { OriginCode } from './send-log.ts';
import type { SecondOutcome } from './series.ts';

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

/** What an answer means for the run, whatever the protocol (result.json's per-second columns). */
export type AnswerClass = Exclude<SecondOutcome, 'errors'>;

/** A response the target gave, in protocol-neutral terms. */
export interface AnsweredOutcome {
  /**
   * The protocol's response code: the send log's status column and `totals.byStatus` hold it
   * (an HTTP status for HTTP; 1..65535, as 0 means "no response", docs/send-log.md).
   */
  readonly code: number;
  readonly answerClass: AnswerClass;
  /** Who throttled, for a throttling answer (record/throttle-origin.ts); ORIGIN.NONE otherwise. */
  readonly origin: OriginCode;
}

/** What the open loop and the sender report, in the order things happen. */
export interface RecordSink {
  /** Arrival `arrivalIndex` of the schedule was handed to a connection; returns its send-log row. */
  sent(arrivalIndex: number, requestIndex: number, intendedMs: number, sentMs: number): number;
  /** A due arrival found the in-flight cap reached and was not sent. */
  dropped(intendedMs: number): void;
  /** The target answered (the whole response read). */
  answered(request: SentRequest, endMs: number, outcome: AnsweredOutcome): void;
  /** The request got no response. */
  failed(request: SentRequest, endMs: number, kind: ErrorKind): void;
  /**
   * A connection to the target was set up in `connectMs` (TCP, and TLS where there is one), before
   * time 0 (`warm`) or during the run. Not send lag: docs/architecture.md "Schedule kept" reports it apart.
   */
  connected(connectMs: number, warm: boolean): void;
}
