/**
 * The emulator's request path, in API Gateway's order:
 *
 *   1 body over the payload limit (declared length)  413, connection closed
 *     a path whose percent-encoding does not decode, 400 Bad Request (docs/emulator.md)
 *     or an HTTP/1.1 request without Host
 *   2 no stage or no route                           REST 403 Missing Authentication Token / HTTP 404
 *   3 route requires a key, key missing or unknown   403 Forbidden
 *   4 throttle model (usage plan, stage, account)    429 Too Many Requests / 429 Limit Exceeded
 *   5 read the body (413 if a chunked body grows past the limit), then the integration
 *
 * The decision is taken on receipt (`clock.nowMs()` when the request's headers arrived), as the
 * gateway decides before it reads a body. Whatever throws on the way (a bug) is answered with the
 * gateway's 500 and counted (Exchange.fault), never left to kill the process. The hot path allocates one Exchange per request and
 * no closures unless the request has a body; the throttle key of a request without an API key is
 * the resolution's own (router.ts), so the model finds its buckets by identity.
 */
import type { ServedRequest, ServedResponse } from './http1/served.ts';
import type { Limits } from '../core/limits.ts';
import { Exchange, type ExchangeContext } from './exchange.ts';
import { writeAnswer } from './responses.ts';
import type { Resolution, RouteRuntime, Router } from './router.ts';
import type { UsageLedger } from './management/usage.ts';
import type { RequestKey } from '../throttle/model.ts';

/** Declared body length: the content-length, -1 for a body of unknown length (chunked), 0 for none. */
function declaredLength(req: ServedRequest): number {
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
    try {
      route.integration.invoke(ex, keep ? Buffer.concat(chunks, bytes) : undefined);
    } catch (err) {
      ex.fault(err);
    }
  });
  ex.req.on('error', ignore);
}

/** Answers every request of one emulator; `handle` is the request listener (http1/served.ts). */
export class RequestHandler {
  readonly #ctx: ExchangeContext;
  readonly #router: Router;
  readonly #apiKeys: Limits['apiKeys'];
  readonly #payloadLimitBytes: number;
  readonly #usage: UsageLedger | undefined;

  /** `usage`: told of every request admitted with an API key (the management API's GetUsage). */
  constructor(ctx: ExchangeContext, router: Router, config: { readonly limits: Limits; readonly payloadLimitBytes: number }, usage?: UsageLedger) {
    this.#usage = usage;
    this.#ctx = ctx;
    this.#router = router;
    this.#apiKeys = config.limits.apiKeys;
    this.#payloadLimitBytes = config.payloadLimitBytes;
  }

  readonly handle = (req: ServedRequest, res: ServedResponse): void => {
    let ex: Exchange | undefined;
    try {
      const ctx = this.#ctx;
      const atMs = ctx.clock.nowMs();
      const atWallMs = ctx.clock.wallMs();
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      const r = this.#router.resolve(req.method ?? 'GET', rawPath);
      const declared = declaredLength(req);
      ex = new Exchange(ctx, req, res, atMs, atWallMs, r, q < 0 ? '' : url.slice(q), declared > 0 ? declared : 0);
      this.#admit(ex, r, declared);
    } catch (err) {
      if (ex !== undefined) ex.fault(err);
      else this.#faultBeforeExchange(req, res, err);
    }
  };

  /** Steps 1 to 5 of the file comment for one exchange. */
  #admit(ex: Exchange, r: Resolution, declared: number): void {
    const { responses } = this.#ctx;
    if (declared > this.#payloadLimitBytes) return ex.gateway(responses.tooLarge, true);
    if (r.malformed || (ex.req.headers.host === undefined && ex.req.httpVersionMinor === 1)) return ex.gateway(responses.badRequest, true);
    const route = r.route;
    if (route === undefined || r.stage === undefined) return ex.gateway(responses.notFound);
    let apiKey: string | undefined;
    if (route.config.apiKeyRequired) {
      const header = ex.req.headers['x-api-key'];
      if (typeof header !== 'string' || !Object.hasOwn(this.#apiKeys, header)) return ex.gateway(responses.forbidden);
      apiKey = header;
    }
    const key = apiKey === undefined ? (r.requestKey as RequestKey) : { routeKey: route.key.key, method: ex.method, apiKey };
    const verdict = r.stage.model.admit(key, ex.atMs);
    if (!verdict.admitted) {
      if (verdict.kind === 'throttle') return ex.gateway(responses.throttled);
      return ex.gateway(verdict.kind === 'quota' ? responses.quota : responses.forbidden);
    }
    if (apiKey !== undefined) this.#usage?.count(apiKey, ex.atWallMs);
    if (declared === 0) return route.integration.invoke(ex);
    readBody(ex, route, this.#payloadLimitBytes);
  }

  /** Failed before the exchange existed: answer the 500 directly (not recorded: no stage known). */
  #faultBeforeExchange(req: ServedRequest, res: ServedResponse, err: unknown): void {
    this.#ctx.health.fault(err);
    try {
      const answer = this.#ctx.responses.internalError;
      if (!res.headersSent) writeAnswer(res, this.#ctx.type, answer.status, answer.headers, answer.body, true);
      else res.destroy();
    } catch {
      res.destroy();
    }
    req.resume();
  }
}
