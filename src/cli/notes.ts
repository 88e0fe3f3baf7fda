/** The run's notes on stderr, masked as every report is (core/redact.ts): a note may quote the target URL. */
import { redactResult, type KnowsSecrets } from '../core/redact.ts';

export function writeNotes(result: KnowsSecrets & { readonly notes: readonly string[] }): void {
  for (const note of redactResult(result).notes) process.stderr.write(`note: ${note}\n`);
}
