/**
 * A document checked against its schema (one definition: the zod schema is also the published
 * JSON Schema), with the parser that builds it. The parser runs in either case: when the schema
 * accepts, it builds the value (and applies the rules JSON Schema cannot state); when the schema
 * refuses, it names the problem in loadgate's usual words, and should it not see one, the
 * schema's first issue is the one line: `<file>: <field>: <value> is invalid (expected <...>)`.
 */
import type { z } from 'zod';
import { showValue, UsageError } from '../errors.ts';

export function checked<T>(schema: z.ZodType, raw: unknown, file: string | undefined, field: string, build: () => T): T {
  const verdict = schema.safeParse(raw, { reportInput: true });
  const value = build();
  if (verdict.success) return value;
  throw issueError(verdict.error.issues[0]!, file, field);
}

function issueError(issue: z.core.$ZodIssue, file: string | undefined, prefix: string): UsageError {
  let path = issue.path;
  if (issue.code === 'unrecognized_keys') path = [...path, issue.keys[0]!];
  let field = prefix;
  for (const key of path) field += typeof key === 'number' ? `[${key}]` : field === '' ? String(key) : `.${String(key)}`;
  field ||= '(root)';
  const where = [file, field].filter(Boolean).join(': ');
  const message = issue.code === 'unrecognized_keys' ? `${where}: unknown field` : `${where}: ${showValue(issue.input)} is invalid (expected ${issue.message})`;
  return new UsageError(message.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1)), { file, field });
}
