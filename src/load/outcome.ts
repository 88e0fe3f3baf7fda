/**
 * Network failures by kind. Classified by the error's `code` (undici's UND_ERR_* or Node's
 * system codes), never by message text, looking through `cause` chains because undici wraps
 * socket errors.
 */
import type { ErrorKind } from '../result/schema.ts';

export type { ErrorKind } from '../result/schema.ts';

const BY_CODE: Readonly<Record<string, ErrorKind>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  // undici: "other side closed" / socket closed before the response ended.
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  EPROTO: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

function kindOfCode(code: unknown): ErrorKind | undefined {
  if (typeof code !== 'string') return undefined;
  return BY_CODE[code] ?? (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') ? 'tls' : undefined);
}

/** The ErrorKind of a failed request's error: the first known code on the error or its causes. */
export function classifyError(err: unknown): ErrorKind {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const kind = kindOfCode((current as { code?: unknown }).code);
    if (kind) return kind;
    current = (current as { cause?: unknown }).cause;
  }
  return 'other';
}
