/**
 * Zod leaves shared by the document schemas (scenario, limits, emulator config): each carries the
 * same `expected` wording as the readers of validate.ts, so a refusal reads the same whichever
 * layer finds it.
 */
import { z } from 'zod';

/** "a number >= 0 <= 10": the readers' wording of a numeric range. */
function rangeText(opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean }): string {
  const parts = [opts.integer ? 'an integer' : 'a number'];
  if (opts.min !== undefined) parts.push(`${opts.exclusiveMin ? '>' : '>='} ${opts.min}`);
  if (opts.max !== undefined) parts.push(`<= ${opts.max}`);
  return parts.join(' ');
}

export function num(opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): z.ZodNumber {
  const error = rangeText(opts);
  let schema = z.number({ error });
  if (opts.integer) schema = schema.int({ error });
  if (opts.min !== undefined) schema = opts.exclusiveMin ? schema.gt(opts.min, { error }) : schema.gte(opts.min, { error });
  if (opts.max !== undefined) schema = schema.lte(opts.max, { error });
  return schema;
}

export const text = (): z.ZodString => z.string({ error: 'a string' });
export const nonEmpty = (): z.ZodString => z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
export const bool = (): z.ZodBoolean => z.boolean({ error: 'true or false' });
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `one of ${values.join(', ')}` });

/**
 * A duration as the readers take it (validate.ts durationMs): a number of seconds >= 0, or
 * `250ms`, `10s`, `1.5m`, `2h`, `1m30s`, or a bare number as a string.
 */
export const duration = () =>
  z.union([z.number().gte(0), z.string().regex(/^\s*(?:(?:\d+(?:\.\d+)?(?:ms|s|m|h))+|\d+(?:\.\d+)?)\s*$/)], {
    error: 'a duration such as 500ms, 10s, 2m or 1m30s',
  }).meta({ description: "'250ms', '10s', '2m', '1m30s', or a number of seconds" });

/** An object with exactly these fields (the readers refuse unknown ones). */
export const exact = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape, { error: 'an object' });

/** A map from names to entries. */
export const map = <T extends z.ZodType>(entry: T) => z.record(z.string(), entry, { error: 'an object' });

/** The `$schema` an editor reads; loadgate ignores it. */
export const schemaRef = () => z.string().optional().meta({ description: 'the JSON Schema of this file, for editors (ignored by loadgate)' });
