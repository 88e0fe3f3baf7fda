/**
 * HTTP_PROXY integration: the request goes on to `url` (its `{name}` / `{name+}` placeholders
 * filled from the route's path parameters, the query string appended) with the caller's method,
 * headers and body; the target's answer comes back as it is. No answer within the integration
 * timeout: REST 504 / HTTP API 503. Connection refused, reset, bad response, or an answer over
 * the gateway's 10 MB payload cap (read no further than the cap): 502.
 */
import { Agent, request } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { PAYLOAD_LIMIT_BYTES, type HttpProxyIntegration } from '../integration-config.ts';
import type { Exchange } from '../exchange.ts';
import { pathParameters, type RouteKey } from '../../routing/route-key.ts';
import type { Integration } from './integration.ts';

/** Headers that belong to one hop (RFC 9110 7.6.1) or that we set ourselves. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length', 'expect']);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

function backHeaders(headers: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  return out;
}

function abort(controller: AbortController): void {
  controller.abort();
}

/** Thrown when the target's answer passes the payload cap: the caller answers 502. */
class TooLargeAnswer extends Error {}

/** The whole body, or TooLargeAnswer as soon as it passes `limitBytes` (the rest is not read). */
async function boundedBody(body: AsyncIterable<Buffer>, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > limitBytes) throw new TooLargeAnswer();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes);
}

/** Runs an HttpProxyIntegration for one route. */
export class HttpProxyRunner implements Integration {
  readonly needsBody = true;
  readonly spec: HttpProxyIntegration;
  readonly #route: RouteKey;
  readonly #templated: boolean;
  /** Greedy parameters (`{proxy+}`) keep their slashes; others are encoded as one segment. */
  readonly #greedy: ReadonlySet<string>;
  readonly #agent = new Agent({ keepAliveTimeout: 4_000 });

  constructor(spec: HttpProxyIntegration, route: RouteKey) {
    this.spec = spec;
    this.#route = route;
    this.#templated = /\{[^{}/]+\}/.test(spec.url);
    this.#greedy = new Set(route.segments.filter((seg) => seg.endsWith('+}')).map((seg) => seg.slice(1, -2)));
  }

  /** The target URL for a request path below the stage. */
  targetUrl(path: string, query: string): string {
    if (!this.#templated) return this.spec.url + query;
    const params = pathParameters(this.#route, path);
    const url = this.spec.url.replace(/\{([^{}/]+?)\+?\}/g, (_m, name: string) => {
      const value = params[name] ?? '';
      return this.#greedy.has(name) ? value : encodeURIComponent(value);
    });
    return url + query;
  }

  /** Forwards the request; `body` is the whole request body the gateway read (or undefined). */
  invoke(ex: Exchange, body?: Buffer): void {
    ex.startIntegration();
    const controller = new AbortController();
    const timer = setTimeout(abort, ex.remainingMs(), controller);
    const method = ex.method === 'ANY' ? 'GET' : ex.method;
    request(this.targetUrl(ex.path, ex.query), {
      method: method as 'GET',
      headers: forwardHeaders(ex.req.headers),
      body: body && body.length > 0 ? body : undefined,
      dispatcher: this.#agent,
      signal: controller.signal,
    })
      .then(async (r) => {
        const data = await boundedBody(r.body, PAYLOAD_LIMIT_BYTES);
        clearTimeout(timer);
        ex.answer(r.statusCode, backHeaders(r.headers), data);
      })
      .catch((err: unknown) => {
        clearTimeout(timer);
        if (err instanceof TooLargeAnswer) controller.abort();
        else if (controller.signal.aborted) return ex.timedOut();
        ex.gateway(ex.ctx.responses.badGateway);
      });
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
