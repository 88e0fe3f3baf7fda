/**
 * `${env:NAME}` in a JSON scenario: any string value, or a map key (an API key in `limits.apiKeys`),
 * may name an environment variable, whole or inside a longer string:
 *
 *   "headers": { "x-api-key": "${env:API_KEY}", "authorization": "Bearer ${env:TOKEN}" }
 *
 * `$${env:NAME}` stands for the literal text `${env:NAME}`. An unset variable is refused before
 * any traffic, naming the file, the field and the variable (never its value). A TypeScript or
 * JavaScript scenario reads `process.env` itself.
 *
 * Values taken from the environment may be secrets: those long enough to be one (SECRET_MIN_LENGTH)
 * are handed to the redaction point (core/redact.ts), so results and reports mask them wherever
 * they appear, and messages about a field show the `${env:NAME}` form instead of the value.
 */
import { UsageError } from '../errors.ts';
import { at, type Where } from '../validate.ts';

const REFERENCE = /(\$?)\$\{env:([^}]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Shorter values are not masked: masking is by substring over every text of a report, so a short
 * value such as a stage name ("prod") would also mask the words that contain it. 8 characters is
 * shorter than any API Gateway API key (20 or more) or bearer token.
 */
export const SECRET_MIN_LENGTH = 8;

/** A value taken from the environment, and the form to show instead of it. */
export interface EnvValue {
  readonly value: string;
  readonly shownAs: string;
}

export interface Substituted {
  readonly raw: unknown;
  /** Values long enough to be secrets, each with its `${env:NAME}` form. */
  readonly secrets: readonly EnvValue[];
}

/** Replaces every `${env:NAME}` in `raw` (parsed JSON); the input is not modified. */
export function substituteEnv(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): Substituted {
  const secrets = new Map<string, string>();
  const text = (value: string, where: Where): string =>
    value.replace(REFERENCE, (whole, escape: string, name: string) => {
      if (escape === '$') return whole.slice(1);
      if (!VARIABLE_NAME.test(name)) {
        throw UsageError.invalid(file, where.field || '(root)', whole, '${env:NAME} with NAME of letters, digits and _, not starting with a digit');
      }
      const found = env[name];
      if (found === undefined) {
        throw new UsageError(`${file}: ${where.field || '(root)'}: environment variable ${name} is not set (the value of "\${env:${name}}")`, { file, field: where.field });
      }
      if (found.length >= SECRET_MIN_LENGTH && !secrets.has(found)) secrets.set(found, `\${env:${name}}`);
      return found;
    });
  const walk = (value: unknown, where: Where): unknown => {
    if (typeof value === 'string') return text(value, where);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, at(where, i)));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[text(key, at(where, key))] = walk(v, at(where, key));
      return out;
    }
    return value;
  };
  const substituted = walk(raw, { file, field: '' });
  return { raw: substituted, secrets: [...secrets].map(([value, shownAs]) => ({ value, shownAs })) };
}

/**
 * The same error with every environment value in its message shown as `${env:NAME}`: the value as
 * given, JSON-escaped (showValue quotes strings), or cut short by showValue's 80 characters.
 */
export function withoutEnvValues(err: unknown, secrets: readonly EnvValue[]): unknown {
  if (!(err instanceof UsageError) || secrets.length === 0) return err;
  let message = err.message;
  // Longest first, so a value that contains another is replaced whole.
  for (const { value, shownAs } of [...secrets].sort((a, b) => b.value.length - a.value.length)) {
    const escaped = JSON.stringify(value).slice(1, -1);
    message = message.split(escaped).join(shownAs).split(value).join(shownAs);
    for (let keep = escaped.length - 1; keep >= SECRET_MIN_LENGTH; keep--) message = message.split(`${escaped.slice(0, keep)}...`).join(`${shownAs}...`);
  }
  return message === err.message ? err : new UsageError(message, { file: err.file, field: err.field });
}
