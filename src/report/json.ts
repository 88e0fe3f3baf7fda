/**
 * result.json as a report format: stable pretty JSON (2-space indent, keys in a fixed order:
 * sorted), with secrets masked. Sorting makes two renders of the same result byte-identical and
 * diffs between runs readable.
 */
import type { RunResult } from '../result/schema.ts';
import { redactResult } from '../core/redact.ts';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Renders a result as stable, pretty JSON ending with a newline. */
export function renderJson(result: RunResult): string {
  return `${JSON.stringify(sortKeys(redactResult(result)), null, 2)}\n`;
}
