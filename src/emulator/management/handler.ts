/**
 * The management API's request listener: apigateway (`/account`, `/restapis...`, `/usageplans...`,
 * `/apikeys`) and apigatewayv2 (`/v2/...`), GET only, as front-door.ts hands them over. SigV4
 * signatures are not checked (any credentials do). Every other method is refused in the
 * service's error shape, since this is a read-only view of the config the emulator serves.
 */
import type { ServedRequest, ServedResponse } from '../http1/served.ts';
import { APIGATEWAY_OPERATIONS, type ManagementState } from './apigateway.ts';
import { APIGATEWAYV2_OPERATIONS } from './apigatewayv2.ts';
import { badRequest, ManagementError, sendError, sendJson } from './wire.ts';

export type { ManagementState } from './apigateway.ts';

/** A request listener (http1/served.ts) answering the management API from `state`; `origin` is the emulator's URL. */
export function createManagementHandler(state: ManagementState, origin: string): (req: ServedRequest, res: ServedResponse) => void {
  return (req, res) => {
    req.resume();
    try {
      sendJson(res, 200, answer(state, req, origin));
    } catch (err) {
      if (err instanceof ManagementError) sendError(res, err);
      else sendError(res, new ManagementError(500, 'InternalServerErrorException', 'Internal server error'));
    }
  };
}

function answer(state: ManagementState, req: ServedRequest, origin: string): unknown {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const v2 = url.pathname === '/v2' || url.pathname.startsWith('/v2/');
  const operations = v2 ? APIGATEWAYV2_OPERATIONS : APIGATEWAY_OPERATIONS;
  for (const [pattern, operation] of operations) {
    const m = pattern.exec(url.pathname);
    if (!m) continue;
    if (req.method !== 'GET') throw badRequest(`${req.method} ${url.pathname}: the emulator serves API Gateway's management API read-only (GET); change the emulator config instead`);
    const params = m.slice(1).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw badRequest(`Invalid path parameter: ${p}`);
      }
    });
    return operation(state, params, url.searchParams, origin);
  }
  throw new ManagementError(404, 'UnknownOperationException', `${req.method} ${url.pathname}: not an operation the emulator's ${v2 ? 'apigatewayv2' : 'apigateway'} management API serves`);
}
