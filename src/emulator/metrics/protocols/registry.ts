/**
 * The CloudWatch protocols the emulator speaks, in the order a request is matched against them
 * (as AWS routes: the CBOR path or `smithy-protocol` header, then `X-Amz-Target`, then a form
 * body). A request none claims is answered in JSON 1.0, what loadgate's own client speaks.
 */
import type { IncomingMessage } from 'node:http';
import { CBOR_PROTOCOL } from './cbor.ts';
import { JSON_PROTOCOL } from './json.ts';
import type { CloudWatchProtocol } from './protocol.ts';
import { QUERY_PROTOCOL } from './query.ts';

const PROTOCOLS: readonly CloudWatchProtocol[] = [CBOR_PROTOCOL, JSON_PROTOCOL, QUERY_PROTOCOL];

/** The protocol a request is in. */
export function protocolOf(req: IncomingMessage): CloudWatchProtocol {
  return PROTOCOLS.find((p) => p.claims(req)) ?? JSON_PROTOCOL;
}
