/**
 * Identifiers the management API hands out for things the emulator config names by value or
 * name (API keys by value, usage plans by name, resources by path): 10 lowercase letters and
 * digits, as AWS's ids look, derived from a hash so they are the same in every run.
 */
import { createHash } from 'node:crypto';

export function stableId(kind: string, text: string): string {
  const digest = createHash('sha256').update(`${kind}\n${text}`).digest();
  let id = '';
  for (let i = 0; i < 10; i++) id += '0123456789abcdefghijklmnopqrstuvwxyz'[digest[i] % 36];
  return id;
}
