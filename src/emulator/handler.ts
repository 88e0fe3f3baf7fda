/**
 * The emulator's request path, in API Gateway's order:
 *
 *   1 body over the payload limit (declared length)  413, connection closed
 *   2 no stage or no route                           REST 403 Missing Authentication Token / HTTP 404
 *   3 route requires a key, key missing or unknown   403 Forbidden
 *   4 throttle model (usage plan, stage, account)    429 Too Many Requests / 429 Limit Exceeded
 *   5 read the body (413 if a chunked body grows past the limit), then the integration
 *
 * The decision is taken on receipt (`clock.nowMs()` when the request's headers arrived), as the
 * gateway decides before it reads a body. The hot path allocates one Exchange per request and
 * no closures unless the request has a body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Limits } from '../throttle/limits.ts';
import { Exchange, type ExchangeContext } from './exchange.ts';
import type { RouteRuntime, Router } from './router.ts';

/** Declared body length: the content-length, -1 for a body of unknown length (chunked), 0 for none. */
function declaredLength(req: IncomingMessage): number {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length);
  return req.headers['transfer-encoding'] !== undefined ? -1 : 0;
}

function ignore(): void {}

/** Reads the body (counting it, keeping it if the integration wants it), then invokes. */
function readBody(ex: Exchange, route: RouteRuntime, limitBytes: number): void {
  const keep = route.integration.needsBody;
  const chunks: Buffer[] = [];
  let bytes = 0;
  let over = false;
  ex.req.on('data', (chunk: Buffer) => {
    if (over) return;
    bytes += chunk.length;
    if (bytes > limitBytes) {
      over = true;
      chunks.length = 0;
      ex.requestBytes = bytes;
      ex.gateway(ex.ctx.responses.tooLarge, true);
    } else if (keep) chunks.push(chunk);
  });
  ex.req.on('end', () => {
    if (over || ex.done) return;
    ex.requestBytes = bytes;
    route.integration.invoke(ex, keep ? Buffer.concat(chunks, bytes) : undefined);
  });
  ex.req.on('error', ignore);
}

/** Answers every request of one emulator; `handle` is the node:http request listener. */
export class RequestHandler {
  readonly #ctx: ExchangeContext;
  readonly #router: Router;
  readonly #apiKeys: Limits['apiKeys'];
  readonly #payloadLimitBytes: number;

  constructor(ctx: ExchangeContext, router: Router, config: { readonly limits: Limits; readonly payloadLimitBytes: number }) {
    this.#ctx = ctx;
    this.#router = router;
    this.#apiKeys = config.limits.apiKeys;
    this.#payloadLimitBytes = config.payloadLimitBytes;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const ctx = this.#ctx;
    const at = { atMs: ctx.clock.nowMs(), atWallMs: ctx.clock.wallMs() };
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const r = this.#router.resolve(method, rawPath);
    const declared = declaredLength(req);
    const where = { stage: r.stage?.name, resource: r.resource, path: r.path, query: q < 0 ? '' : url.slice(q) };
    const ex = new Exchange(ctx, req, res, at, where, declared > 0 ? declared : 0);
    const { responses } = ctx;
    if (declared > this.#payloadLimitBytes) return ex.gateway(responses.tooLarge, true);
    const route = r.route;
    if (route === undefined || r.stage === undefined) return ex.gateway(responses.notFound);
    let apiKey: string | undefined;
    if (route.config.apiKeyRequired) {
      const header = req.headers['x-api-key'];
      if (typeof header !== 'string' || !Object.hasOwn(this.#apiKeys, header)) return ex.gateway(responses.forbidden);
      apiKey = header;
    }
    const verdict = r.stage.model.admit({ routeKey: route.key.key, method, apiKey }, at.atMs);
    if (!verdict.admitted) {
      if (verdict.kind === 'throttle') return ex.gateway(responses.throttled);
      return ex.gateway(verdict.kind === 'quota' ? responses.quota : responses.forbidden);
    }
    if (declared === 0) return route.integration.invoke(ex);
    readBody(ex, route, this.#payloadLimitBytes);
  };
}
