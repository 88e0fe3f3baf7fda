/**
 * Secret scrubbing applied to a RunResult before any renderer sees it. Reports never print
 * header values by construction (the result has none), but free text (a scenario name, a route
 * name, a note copied from an error) can carry one, and `throttle.limits.apiKeys` is keyed by
 * the key itself. So every renderer starts from `redactResult(result)`:
 *   - each API key declared in the limits is replaced by its masked form (maskSecret) wherever
 *     it occurs, including as a map key;
 *   - `Authorization`, `x-api-key` and `X-Amz-Security-Token` followed by `:` or `=` keep their
 *     name and lose their value;
 *   - so do credential-named query parameters and a URL's password (a target or path copied
 *     into a note or a route name).
 * Encoded histograms are left alone: they are base64 and carry no text.
 */

/** `k-gold-0001` -> `k-go****`: how API keys appear in results, logs and reports. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, Math.min(4, Math.floor(secret.length / 2.5)))}****`;
}

const HEADER_VALUE =
  /\b(authorization|x-api-key|x-amz-security-token)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|aws4-hmac-sha256)\s+)?[^\s"'`|,;<>&]+/gi;

/**
 * A credential in a URL: a query parameter whose name says it holds one (`api_key=`, `token=`,
 * pre-signed `X-Amz-Signature=` / `X-Amz-Credential=`), or the userinfo of `scheme://user:pass@`.
 * A name that only looks like one (`?monkey=1`) is masked too: a masked harmless value costs a
 * reader nothing, a printed key costs a rotation.
 */
const QUERY_CREDENTIAL = /([?&][\w.-]*?(?:key|token|secret|password|passwd|signature|credential|auth)[\w.-]*=)[^&#\s"'`|,;:()<>]+/gi;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'`]+@/gi;

/** `https://user:secret@host/p?api_key=k` -> `https://****@host/p?api_key=****`: a URL as messages show it. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1****@').replace(QUERY_CREDENTIAL, '$1****');
}

/** Fields holding compressed histograms: never text, never scanned. */
const OPAQUE_KEYS = new Set(['latencyHistogram', 'latencyUs', 'serviceTimeUs', 'sendLagUs']);

/** A key that is already in masked form (`k-go****`) is not a secret any more. */
function isMasked(key: string): boolean {
  return key.endsWith('****');
}

/** Secrets this process's inputs declared (`${env:NAME}` values of a JSON scenario, scenario/env.ts). */
const inputSecrets = new Set<string>();

/** Masks these values too, in every result and report this process writes. */
export function addInputSecrets(values: Iterable<string>): void {
  for (const value of values) if (value.length > 0) inputSecrets.add(value);
}

/**
 * The part of a RunResult that says which secrets it knows: its declared limits' API keys. Typed
 * by shape, not by result/schema.ts, so that redaction sits below the result it scrubs.
 */
export interface KnowsSecrets {
  readonly throttle?: { readonly limits: { readonly apiKeys: Readonly<Record<string, unknown>> } };
}

/** The API keys a result knows about (from its declared limits) and the inputs' secrets, longest first. */
export function knownSecrets(result: KnowsSecrets): string[] {
  const keys = Object.keys(result.throttle?.limits.apiKeys ?? {}).filter((k) => !isMasked(k) && k.length > 0);
  return [...new Set([...keys, ...inputSecrets])].sort((a, b) => b.length - a.length);
}

/** Masks every known secret and every header-looking value in one string. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
  return out
    .replace(HEADER_VALUE, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ? `${scheme} ` : ''}****`)
    .replace(URL_USERINFO, '$1****@')
    .replace(QUERY_CREDENTIAL, '$1****');
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[redactText(k, secrets)] = OPAQUE_KEYS.has(k) ? v : redactValue(v, secrets);
    }
    return out;
  }
  return value;
}

/** A copy of `result` with every secret masked; the input is not modified. */
export function redactResult<Result extends KnowsSecrets>(result: Result): Result {
  return redactValue(result, knownSecrets(result)) as Result;
}
