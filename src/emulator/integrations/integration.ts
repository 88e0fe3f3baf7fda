/**
 * An integration at run time: what answers an admitted request. Each kind of
 * integration-config.ts is one implementation (mock.ts, lambda.ts, http-proxy.ts).
 */
import type { Exchange } from '../exchange.ts';

export interface Integration {
  /** Whether `invoke` wants the request body (else the gateway only counts its bytes). */
  readonly needsBody: boolean;
  /** Answers `ex` (now or later) through ex.answer / ex.gateway; calls ex.startIntegration first. */
  invoke(ex: Exchange, body?: Buffer): void;
  /** Releases sockets or timers held between requests. */
  close(): Promise<void>;
}

/** `{"content-type": "a"}` -> ['content-type', 'a']: the form writeHead takes without copying. */
export function flatHeaders(headers: Readonly<Record<string, string>>): readonly string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) out.push(name, value);
  return Object.freeze(out);
}
