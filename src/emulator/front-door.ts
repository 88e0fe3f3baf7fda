/**
 * Which service a request on the emulator's port is for, the way LocalStack's service router
 * decides (docs/emulator.md "One port"):
 *
 *   1 SigV4 credential scope (`Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/SERVICE/...`,
 *     or `X-Amz-Credential` in a presigned query): `apigateway` -> the management API (`/v2/...` is
 *     apigatewayv2, the rest apigateway), `monitoring` -> CloudWatch, any other (`execute-api`) -> the API
 *   2 no signature, `X-Amz-Target: GraniteServiceVersion20100801.*` -> CloudWatch (JSON 1.0)
 *   3 no signature, the path `/service/GraniteServiceVersion20100801/...` with
 *     `smithy-protocol: rpc-v2-cbor` -> CloudWatch (Smithy RPC v2 CBOR)
 *   else the emulated API.
 *
 * The emulated API is never shadowed: the control plane is reached only by what AWS clients send
 * and an API's callers do not (a signature for apigateway or monitoring, CloudWatch's target header
 * or CBOR protocol header), never by a path alone, so `GET /restapis` unsigned is the API's own route.
 * The hot path pays for two header lookups and one string test.
 */
import type { ServedRequest } from './http1/served.ts';

export type Service = 'api' | 'management' | 'cloudwatch';

const CREDENTIAL = /Credential=[^/,\s]*\/[^/,\s]*\/[^/,\s]*\/([^/,\s]+)\//;
const SERVICE_BY_SIGNING_NAME: Readonly<Record<string, Service>> = { apigateway: 'management', monitoring: 'cloudwatch' };

/** The service `req` is for. */
export function serviceOf(req: ServedRequest): Service {
  const headers = req.headers;
  const auth = headers.authorization;
  if (auth !== undefined) {
    if (auth.startsWith('AWS4-HMAC-SHA256')) return SERVICE_BY_SIGNING_NAME[CREDENTIAL.exec(auth)?.[1] ?? ''] ?? 'api';
    return 'api';
  }
  const url = req.url ?? '/';
  if (url.includes('X-Amz-Credential=')) {
    const scope = new URL(url, 'http://emulator').searchParams.get('X-Amz-Credential')?.split('/')[3] ?? '';
    return SERVICE_BY_SIGNING_NAME[scope] ?? 'api';
  }
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('GraniteServiceVersion20100801.')) return 'cloudwatch';
  if (headers['smithy-protocol'] === 'rpc-v2-cbor' && url.startsWith('/service/GraniteServiceVersion20100801/')) return 'cloudwatch';
  return 'api';
}
