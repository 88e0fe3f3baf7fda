/**
 * Where a 429 came from. API Gateway answers a throttle with `x-amzn-ErrorType:
 * TooManyRequestsException` and `{"message":"Too Many Requests"}`, an exhausted usage-plan quota
 * with `LimitExceededException` and `{"message":"Limit Exceeded"}` (docs/aws-rules.md §2).
 * The header wins when present (REST); HTTP APIs send no such header, so the body decides.
 * Anything else (a WAF, a proxy, the integration's own 429) is `other`.
 */
import { ORIGIN, type OriginCode } from './send-log.ts';

/** Longest body prefix worth keeping for classification. */
export const ORIGIN_BODY_BYTES = 1024;

function fromErrorType(errorType: string): OriginCode | undefined {
  // The header may carry a suffix: "TooManyRequestsException:http://internal.amazon.com/...".
  if (errorType.startsWith('TooManyRequestsException')) return ORIGIN.THROTTLE;
  if (errorType.startsWith('LimitExceededException')) return ORIGIN.QUOTA;
  return undefined;
}

function fromBody(body: string): OriginCode | undefined {
  if (body.includes('Too Many Requests')) return ORIGIN.THROTTLE;
  if (body.includes('Limit Exceeded')) return ORIGIN.QUOTA;
  return undefined;
}

/**
 * The ORIGIN code of a response: NONE unless the status is 429; then throttle, quota or other,
 * from the `x-amzn-ErrorType` value (undefined when absent) and the start of the body.
 */
export function throttleOrigin(status: number, errorType: string | undefined, body: string): OriginCode {
  if (status !== 429) return ORIGIN.NONE;
  return (errorType !== undefined ? fromErrorType(errorType) : undefined) ?? fromBody(body) ?? ORIGIN.OTHER;
}
