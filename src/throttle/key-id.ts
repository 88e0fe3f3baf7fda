/**
 * API keys as the record holds them: a key id, the first 12 hex digits of the key's SHA-256,
 * never the key (docs/architecture.md "Identities without secrets"). The send log, result.json and every
 * re-judgement work on key ids; declared limits name raw keys, so they are re-keyed by the same
 * hash before a replay (limitsKeyedById), and a limits file read later matches the same rows.
 */
import { createHash } from 'node:crypto';
import type { Limits } from '../core/limits.ts';

/** `k-gold-0001` -> `id:3f2a…` (12 hex): stable, not reversible for keys of realistic entropy. */
export function keyIdOf(apiKey: string): string {
  return `id:${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}`;
}

/** The same limits with `apiKeys` keyed by key id, so a model can be fed key ids for keys. */
export function limitsKeyedById(limits: Limits): Limits {
  const apiKeys = Object.fromEntries(Object.entries(limits.apiKeys).map(([key, v]) => [keyIdOf(key), v]));
  return Object.freeze({ ...limits, apiKeys: Object.freeze(apiKeys) });
}
