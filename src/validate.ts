/**
 * Small readers for untrusted configuration (scenario files, emulator configs, limits files).
 * Each reader either returns a typed value or throws a UsageError naming file, field and value.
 * Readers never fill in defaults: callers apply defaults once, after validation.
 */
import { UsageError } from './errors.ts';

/** Where a value sits: the file it came from and its dotted path (`stages.prod.throttle.rateRps`). */
export interface Where {
  readonly file: string | undefined;
  readonly field: string;
}

export function at(where: Where, key: string | number): Where {
  const field = typeof key === 'number' ? `${where.field}[${key}]` : where.field ? `${where.field}.${key}` : key;
  return { file: where.file, field };
}

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with only the `known` keys. */
export function object(value: unknown, where: Where, known: readonly string[]): Obj {
  if (!isObject(value)) throw UsageError.invalid(where.file, where.field || '(root)', value, 'an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw UsageError.unknownField(where.file, at(where, key).field, known);
  }
  return value;
}

/** An object used as a map from names to entries (no key restriction). */
export function record(value: unknown, where: Where): Obj {
  if (!isObject(value)) throw UsageError.invalid(where.file, where.field, value, 'an object');
  return value;
}

export function number(value: unknown, where: Where, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number {
  const { min, max, integer, exclusiveMin } = opts;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max) &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const parts = [integer ? 'an integer' : 'a number'];
    if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '>='} ${min}`);
    if (max !== undefined) parts.push(`<= ${max}`);
    throw UsageError.invalid(where.file, where.field, value, parts.join(' '));
  }
  return value;
}

export function string(value: unknown, where: Where, opts: { nonEmpty?: boolean; oneOf?: readonly string[] } = {}): string {
  if (typeof value !== 'string' || (opts.nonEmpty && value.length === 0)) {
    throw UsageError.invalid(where.file, where.field, value, opts.nonEmpty ? 'a non-empty string' : 'a string');
  }
  if (opts.oneOf && !opts.oneOf.includes(value)) {
    throw UsageError.invalid(where.file, where.field, value, `one of ${opts.oneOf.join(', ')}`);
  }
  return value;
}

export function boolean(value: unknown, where: Where): boolean {
  if (typeof value !== 'boolean') throw UsageError.invalid(where.file, where.field, value, 'true or false');
  return value;
}

export function array(value: unknown, where: Where, opts: { nonEmpty?: boolean } = {}): unknown[] {
  if (!Array.isArray(value) || (opts.nonEmpty && value.length === 0)) {
    throw UsageError.invalid(where.file, where.field, value, opts.nonEmpty ? 'a non-empty array' : 'an array');
  }
  return value;
}

export function optional<T>(value: unknown, read: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as `250ms`, `10s`, `1.5m`, `2h`, `1m30s`, or a bare number of seconds.
 * Returns milliseconds.
 */
export function durationMs(value: unknown, where: Where): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value === 'string') {
    const text = value.trim();
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
    let total = 0;
    let matched = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      total += Number(m[1]) * DURATION_UNITS_MS[m[2]];
      matched = re.lastIndex;
    }
    if (matched === text.length && matched > 0) return total;
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  }
  throw UsageError.invalid(where.file, where.field, value, 'a duration such as 500ms, 10s, 2m or 1m30s');
}
