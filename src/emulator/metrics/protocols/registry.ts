/**
 * The CloudWatch protocols the emulator speaks, in the order a request is matched against them
 * (as AWS routes: the CBOR path or `smithy-protocol` header, then `X-Amz-Target`, then a form
 * body). A request none claims is answered in JSON 1.0, what loadgate's own client speaks.
 */
import type { ServedRequest } from '../../http1/served.ts';
import { CBOR_PROTOCOL } from './cbor.ts';
import { JSON_PROTOCOL } from './json.ts';
import { headerOf, type CloudWatchProtocol } from './protocol.ts';
import { QUERY_PROTOCOL } from './query.ts';

const PROTOCOLS: readonly CloudWatchProtocol[] = [CBOR_PROTOCOL, JSON_PROTOCOL, QUERY_PROTOCOL];
const SERVICE = 'GraniteServiceVersion20100801';
/** SigV4's credential scope names the service: `Credential=<key>/<date>/<region>/monitoring/aws4_request`. */
const MONITORING_SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/monitoring\/aws4_request/;

/** The protocol a request is in. */
export function protocolOf(req: ServedRequest): CloudWatchProtocol {
  return PROTOCOLS.find((p) => p.claims(req)) ?? JSON_PROTOCOL;
}

/**
 * True when a request on a port shared with other services is for CloudWatch, told from its
 * headers and path alone (the body is not read yet): a SigV4 scope for `monitoring`, an
 * `X-Amz-Target` of CloudWatch's service, or the CBOR path of that service.
 */
export function isCloudWatchRequest(req: ServedRequest): boolean {
  return MONITORING_SCOPE.test(headerOf(req, 'authorization'))
    || headerOf(req, 'x-amz-target').startsWith(`${SERVICE}.`)
    || (req.url ?? '').startsWith(`/service/${SERVICE}/`);
}
