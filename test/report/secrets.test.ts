/**
 * Secrets never reach a report: an API key declared in the limits, or an Authorization /
 * x-api-key / X-Amz-Security-Token value that slipped into free text (scenario name, route
 * name, a note), is masked in every format; API keys show only as maskSecret's form.
 */
import { describe, expect, it } from 'vitest';
import { renderers, REPORT_FORMATS } from '../../src/report/render.ts';
import { redactText } from '../../src/core/redact.ts';
import { renderTerminal } from '../../src/report/terminal.ts';
import type { RunResult } from '../../src/result/schema.ts';
import { maskSecret } from '../../src/core/redact.ts';
import { FIXTURE_API_KEY, fixture } from './helpers.ts';

const BEARER = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-Q1w2E3';
const SESSION = 'IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN';

function leaky(): RunResult {
  const base = fixture('throttled');
  return {
    ...base,
    scenario: { ...base.scenario, name: `smoke with x-api-key: ${FIXTURE_API_KEY}` },
    routes: [{ ...base.routes[0], route: `GET /items?key=${FIXTURE_API_KEY}` }, ...base.routes.slice(1)],
    notes: [...base.notes, `target said 403 to Authorization: Bearer ${BEARER}`, `X-Amz-Security-Token=${SESSION}`],
    gates: [...(base.gates ?? []), { expr: `header x-api-key="${FIXTURE_API_KEY}"`, passed: true, actual: FIXTURE_API_KEY, threshold: '== set' }],
  };
}

describe('secrets in reports', () => {
  it.each(REPORT_FORMATS)('the %s report contains no API key, bearer token or session token', (format) => {
    const out = renderers[format](leaky());
    expect(out).not.toContain(FIXTURE_API_KEY);
    expect(out).not.toContain(BEARER);
    expect(out).not.toContain(BEARER.slice(0, 20));
    expect(out).not.toContain(SESSION);
  });

  it('shows API keys in their masked form, next to their usage plan', () => {
    const text = renderTerminal(fixture('throttled'), { color: false });
    expect(text).toMatch(new RegExp(`Usage plan gold .*per key \\(${maskSecret(FIXTURE_API_KEY).replace(/\*/g, '\\*')}\\)`));
  });

  it('keeps the header name so the reader knows something was there', () => {
    expect(redactText(`Authorization: Bearer ${BEARER} then more`, [])).toBe('Authorization: Bearer **** then more');
    expect(redactText(`x-api-key=abc123, next`, [])).toBe('x-api-key=****, next');
    expect(redactText(`"X-Amz-Security-Token": "${SESSION}"`, [])).toBe('"X-Amz-Security-Token": "****"');
  });

  it('masks credentials a URL carries: query parameters named for one, pre-signed AWS parameters, a password', () => {
    const signed = 'https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261201&X-Amz-Signature=9f86d081884c7d65&X-Amz-Expires=60';
    expect(redactText(signed, [])).toBe('https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=****&X-Amz-Signature=****&X-Amz-Expires=60');
    expect(redactText('GET /items?page=2&api_key=undeclared-1234&sort=asc', [])).toBe('GET /items?page=2&api_key=****&sort=asc');
    expect(redactText('note: /ws?access_token=abc.def.ghi said 403', [])).toBe('note: /ws?access_token=**** said 403');
    expect(redactText('target http://loadgate:hunter2@127.0.0.1:8080/prod refused', [])).toBe('target http://****@127.0.0.1:8080/prod refused');
  });

  it('leaves text without secrets alone', () => {
    const text = 'GET /users/{id} p99 < 250ms, Authorization header not sent';
    expect(redactText(text, [FIXTURE_API_KEY])).toBe(text);
    const url = 'http://127.0.0.1:8080/prod/items?page=2&limit=50#top user@example.com';
    expect(redactText(url, [])).toBe(url);
  });

  it('does not modify the result it renders', () => {
    const result = fixture('throttled');
    const before = JSON.stringify(result);
    for (const format of REPORT_FORMATS) renderers[format](result);
    expect(JSON.stringify(result)).toBe(before);
  });
});
