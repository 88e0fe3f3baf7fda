/**
 * result.json text or data -> a RunResult checked against the one schema (zod-schema.ts), or a
 * one-line UsageError naming the file and the first bad field.
 */
import type { z } from 'zod';
import { parseJsonOf, showValue, UsageError } from '../errors.ts';
import { SCHEMA_VERSION, type RunResult } from './schema.ts';
import { runResultSchema } from './zod-schema.ts';

export function parseResult(text: string, path = 'result.json'): RunResult {
  return validateResult(parseJsonOf(text, path), path);
}

/**
 * Checks a parsed result.json against the one schema (zod-schema.ts). The first problem becomes
 * one line naming the file and the field: `result.json: totals.sent: expected a number, got "oops"`.
 */
export function validateResult(raw: unknown, path = 'result.json'): RunResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw UsageError.invalid(path, '(root)', raw, 'a loadgate result object');
  const version = (raw as Record<string, unknown>).schemaVersion;
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    const age = version < SCHEMA_VERSION ? 'older' : 'newer';
    throw new UsageError(`${path}: schemaVersion ${version} is ${age} than this loadgate reads (${SCHEMA_VERSION}); ${age === 'older' ? 're-run it with this version' : 'use a newer loadgate'}`, { file: path, field: 'schemaVersion' });
  }
  const parsed = runResultSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldPath(issue.path);
    throw new UsageError(`${path}: ${field}: ${describeIssue(issue)}`, { file: path, field });
  }
  // The raw object, not zod's copy: fields a later version adds are kept for the renderers.
  return raw as RunResult;
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out || '(root)';
}

const ARTICLE: Record<string, string> = { number: 'a number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'an array', int: 'an integer' };

function got(issue: z.core.$ZodIssue): string {
  return issue.input === undefined ? 'nothing (the field is missing)' : showValue(issue.input);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${ARTICLE[issue.expected] ?? issue.expected}, got ${got(issue)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => showValue(v)).join(' or ')}, got ${got(issue)}`;
    case 'too_small':
      return `expected ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}, got ${got(issue)}`;
    case 'too_big':
      return `expected ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}, got ${got(issue)}`;
    default:
      return `${issue.message}, got ${got(issue)}`;
  }
}

