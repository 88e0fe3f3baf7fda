import { describe, expect, it } from 'vitest';
import { ORIGIN } from '../../src/record/send-log.ts';
import { throttleOrigin } from '../../src/record/throttle-origin.ts';

describe('throttleOrigin', () => {
  it.each([
    { why: 'REST throttle: header', status: 429, errorType: 'TooManyRequestsException', body: '{"message":"Too Many Requests"}', want: ORIGIN.THROTTLE },
    { why: 'REST quota: header', status: 429, errorType: 'LimitExceededException', body: '{"message":"Limit Exceeded"}', want: ORIGIN.QUOTA },
    { why: 'header with the AWS URL suffix', status: 429, errorType: 'TooManyRequestsException:http://internal.amazon.com/coral/', body: '', want: ORIGIN.THROTTLE },
    { why: 'HTTP API: no header, body decides', status: 429, errorType: undefined, body: '{"message":"Too Many Requests"}', want: ORIGIN.THROTTLE },
    { why: 'quota known by body alone', status: 429, errorType: undefined, body: '{"message":"Limit Exceeded"}', want: ORIGIN.QUOTA },
    { why: 'header wins over a misleading body', status: 429, errorType: 'LimitExceededException', body: 'Too Many Requests', want: ORIGIN.QUOTA },
    { why: 'an unknown header falls back to the body', status: 429, errorType: 'SomethingElse', body: 'Limit Exceeded', want: ORIGIN.QUOTA },
    { why: 'a WAF or integration 429 is other', status: 429, errorType: undefined, body: 'slow down please', want: ORIGIN.OTHER },
    { why: 'not a 429: no origin even with the body', status: 503, errorType: undefined, body: 'Too Many Requests', want: ORIGIN.NONE },
    { why: 'a plain 200', status: 200, errorType: undefined, body: '', want: ORIGIN.NONE },
  ])('$why', ({ status, errorType, body, want }) => {
    expect(throttleOrigin(status, errorType, body)).toBe(want);
  });
});
