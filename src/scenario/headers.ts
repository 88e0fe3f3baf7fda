/**
 * Header names and values as HTTP allows them, checked before traffic: a name that is not an
 * RFC 7230 token, or a value with CR, LF, NUL or another control character, would make undici
 * refuse every request (counted as "other" errors) or, worse, split the request.
 */
import { UsageError } from '../errors.ts';
import type { Where } from '../validate.ts';

/** RFC 7230 section 3.2.6 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What undici accepts in a value: HTAB, visible ASCII, space, obs-text. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

function where(w: Where, name: string): string {
  return [w.file, w.field ? `${w.field}.${name}` : name].filter(Boolean).join(': ');
}

/** A header name, or a UsageError naming it. */
export function headerName(name: string, w: Where): string {
  if (!TOKEN.test(name)) {
    throw new UsageError(`${[w.file, w.field].filter(Boolean).join(': ')}: header name ${JSON.stringify(name)} is invalid (expected a token: letters, digits and !#$%&'*+-.^_\`|~, no spaces)`, { file: w.file, field: w.field });
  }
  return name;
}

/** A header value, or a UsageError naming the header (never echoing the value: it may be a secret). */
export function headerValue(value: string, name: string, w: Where): string {
  const bad = BAD_VALUE_CHAR.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    const what = code === 13 ? 'CR' : code === 10 ? 'LF' : code === 0 ? 'NUL' : code > 0xff ? `U+${code.toString(16).toUpperCase().padStart(4, '0')} (not Latin-1)` : `control character 0x${code.toString(16).padStart(2, '0')}`;
    throw new UsageError(`${where(w, name)}: the header value contains ${what} at position ${bad.index} (a value is one line of printable characters)`, { file: w.file, field: w.field });
  }
  return value;
}

/** `--header "name: value"` -> [name, value], both checked. */
export function parseHeaderFlag(text: string): [string, string] {
  const w = { file: undefined, field: '--header' };
  const i = text.indexOf(':');
  // Not echoed: a header without its colon is most likely a secret (`authorization Bearer ...`).
  if (i <= 0) throw new UsageError('--header: expected "name: value" (no name before a colon)', { field: '--header' });
  const name = headerName(text.slice(0, i).trim(), w);
  return [name, headerValue(text.slice(i + 1).trim(), name, w)];
}
