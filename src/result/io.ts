/**
 * Reading and writing result.json, the one record of a run. Reading validates enough of the
 * shape that renderers can trust it, and turns every problem into a one-line UsageError.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION, type RunResult } from './schema.ts';
import { redactResult } from './redact.ts';
import { writeFileAtomic } from './write-files.ts';

const REQUIRED_SECTIONS = ['runId', 'scenario', 'totals', 'schedule', 'latencyMs', 'serviceTimeMs', 'timeline', 'cloudwatch'] as const;

export async function readResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read result (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'})`, { file: path });
  }
  return parseResult(text, path);
}

export function parseResult(text: string, path = 'result.json'): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`, { file: path });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw UsageError.invalid(path, '(root)', raw, 'a loadgate result object');
  const obj = raw as Record<string, unknown>;
  if (obj.schemaVersion !== SCHEMA_VERSION) {
    throw UsageError.invalid(path, 'schemaVersion', obj.schemaVersion, `${SCHEMA_VERSION} (a loadgate result.json)`);
  }
  for (const key of REQUIRED_SECTIONS) {
    if (obj[key] === undefined) throw UsageError.invalid(path, key, undefined, 'present in a loadgate result');
  }
  return raw as RunResult;
}

/**
 * Writes atomically (temp file + rename), so an interrupted write never leaves half a result,
 * and with every secret masked (API keys as `k-go****`, header values dropped): result.json is
 * shared as a CI artifact.
 */
export async function writeResult(path: string, result: RunResult): Promise<void> {
  await writeFileAtomic(path, resultText(result));
}

/** result.json's text: the result with every secret masked, pretty-printed. */
export function resultText(result: RunResult): string {
  return `${JSON.stringify(redactResult(result), null, 2)}\n`;
}
