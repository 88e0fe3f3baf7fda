/**
 * Reading and writing result.json, the one record of a run. Reading validates it against the
 * one schema (validate-result.ts, zod-schema.ts), so renderers can trust it, and turns every
 * problem into a one-line UsageError naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import type { RunResult } from './schema.ts';
import { redactResult } from '../core/redact.ts';
import { writeFileAtomic } from './write-files.ts';

export async function readResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read result (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'})`, { file: path });
  }
  // Loaded on first use: zod costs ~80 ms of start-up that `run`, --help and --version never need.
  const { parseResult } = await import('./validate-result.ts');
  return parseResult(text, path);
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
