/**
 * The target protocols loadgate can send to, by URL scheme. A new protocol is one file that
 * exports a TargetProtocol (load/sender.ts) and one line here (docs/engine.md).
 */
import { UsageError } from '../errors.ts';
import { httpProtocol } from './http-sender.ts';
import type { TargetProtocol } from './sender.ts';

const PROTOCOLS: readonly TargetProtocol[] = [
  httpProtocol,
];

/** Every scheme served, for messages: "http:// or https://". */
export function targetSchemesText(protocols: readonly TargetProtocol[] = PROTOCOLS): string {
  return protocols.flatMap((p) => p.schemes).map((s) => `${s}//`).join(' or ');
}

/** The protocol for `target` (one of `protocols`), or a UsageError naming the field and the schemes served. */
export function protocolFor(target: string, protocols: readonly TargetProtocol[] = PROTOCOLS): TargetProtocol {
  let scheme: string | undefined;
  try {
    scheme = new URL(target).protocol;
  } catch {
    scheme = undefined;
  }
  const found = scheme === undefined ? undefined : protocols.find((p) => p.schemes.includes(scheme));
  if (!found) throw UsageError.invalid(undefined, 'target', target, `an ${targetSchemesText(protocols)} URL`);
  return found;
}
