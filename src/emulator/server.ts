/**
 * The emulator in this process: one port for everything, routed as LocalStack routes
 * (front-door.ts): the API (every stage under its base path), API Gateway's read-only management
 * API, and the CloudWatch-compatible endpoint. `cloudwatchPort` adds a CloudWatch-only listener.
 *
 *   http://127.0.0.1:<port>/<stage>/...      REST stages, HTTP API named stages
 *   http://127.0.0.1:<port>/...              HTTP API `$default` stage
 *   http://127.0.0.1:<port>/restapis, /v2/apis, ...   SigV4-signed for apigateway: the management API
 *   http://127.0.0.1:<port>/                 signed for monitoring, or X-Amz-Target: CloudWatch
 *   http://127.0.0.1:<cwPort>/               the same CloudWatch, when asked for (--cloudwatch-port)
 *
 * Served by the emulator's own HTTP/1.1 server (http1/server.ts), which refuses malformed
 * requests (400), oversized heads (431) and slow ones (408) as node:http would;
 * client-error.ts gives those answers the endpoint's error shape. Use spawnEmulator (process.ts) to run
 * it off the caller's event loop.
 */
import type { AddressInfo, Server } from 'node:net';
import type { ApiType } from '../core/limits.ts';
import { systemClock, type EmulatorClock } from './clock.ts';
import type { EmulatorConfig } from './config.ts';
import type { ExchangeContext, MetricSink } from './exchange.ts';
import { RequestHandler } from './handler.ts';
import { cloudWatchClientError, gatewayClientError } from './client-error.ts';
import { EmulatorHealth, type EmulatorHealthSnapshot } from './health.ts';
import { createIntegration } from './integrations/create.ts';
import { MetricStore, type RequestMetric } from './metrics/store.ts';
import { createCloudWatchHandler } from './metrics/handler.ts';
import { responsesFor } from './responses.ts';
import { Router } from './router.ts';
import { serviceOf } from './front-door.ts';
import { createManagementHandler } from './management/handler.ts';
import { Http1Server } from './http1/server.ts';
import type { ServedRequest, ServedResponse } from './http1/served.ts';
import { UsageLedger } from './management/usage.ts';

/** A started emulator: where its stages and CloudWatch endpoint are, and how to stop it. */
export interface RunningEmulator {
  /** Stage name -> base URL (no trailing slash): `http://127.0.0.1:3000/prod`. */
  readonly stages: Readonly<Record<string, string>>;
  /** `http://127.0.0.1:<port>`: pass as `endpoint` to @aws-sdk/client-cloudwatch (`endpoint`, unless a CloudWatch port was asked for). */
  readonly cloudwatchEndpoint: string;
  /** `http://127.0.0.1:<port>`, the one port: the endpoint of every AWS client (API Gateway, API Gateway V2, CloudWatch). */
  readonly endpoint: string;
  readonly apiType: ApiType;
  readonly apiName: string;
  readonly apiId: string;
  /** The process serving it (this one for startEmulator, the child for spawnEmulator): for CPU and memory readings. */
  readonly pid: number;
  /** Internal errors so far and, for an emulator in its own process, whether it exited early. */
  health(): EmulatorHealthSnapshot;
  /** Stops both listeners (open connections are closed) and releases integrations. */
  close(): Promise<void>;
}

/** Options of startEmulator. */
export interface StartOptions {
  /** API listener port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default systemClock (performance.now(), Date.now()) */
  readonly clock?: EmulatorClock;
  /** A CloudWatch-only listener as well, on this port (0 picks a free one). @default none: CloudWatch on `port` */
  readonly cloudwatchPort?: number;
  /** Also told of every recorded request (tests, progress). */
  readonly observe?: (m: RequestMetric) => void;
  /** Counts the emulator's own failures. @default a fresh EmulatorHealth */
  readonly health?: EmulatorHealth;
}

/**
 * A listener that could not start, naming which one: the API port and the CloudWatch port are
 * separate flags (`--port`, `--cloudwatch-port`), so the message must say which was taken.
 */
export class ListenError extends Error {
  constructor(
    readonly listener: 'api' | 'cloudwatch',
    readonly host: string,
    readonly port: number,
    readonly code: string,
  ) {
    super(`cannot listen on ${host}:${port} (${code})`);
    this.name = 'ListenError';
  }
}

function listen(server: Server, port: number, host: string, listener: ListenError['listener']): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError(listener, host, port, err.code ?? 'error')));
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `http://host:port`, with brackets for IPv6 and 127.0.0.1 for a wildcard host. */
export function originOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** Stage base URLs as AWS builds them: `/<stage>`, and the bare origin for HTTP API `$default`. */
export function stageUrls(config: EmulatorConfig, origin: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(config.limits.stages)) out[name] = name === '$default' ? origin : `${origin}/${name}`;
  return out;
}

/** Starts the emulator in this process; resolves once its listeners accept connections. */
export async function startEmulator(config: EmulatorConfig, opts: StartOptions = {}): Promise<RunningEmulator> {
  const clock = opts.clock ?? systemClock;
  const host = opts.host ?? '127.0.0.1';
  const { type, name, id } = config.limits.api;
  const store = new MetricStore({ type, name, id }, { detailedMetrics: config.detailedMetrics, nowWallMs: () => clock.wallMs() });
  const observe = opts.observe;
  const metrics: MetricSink = observe ? { record: (m) => (store.record(m), observe(m)) } : store;
  const health = opts.health ?? new EmulatorHealth();
  const ctx: ExchangeContext = { type, responses: responsesFor(type), clock, metrics, integrationTimeoutMs: config.integrationTimeoutMs, health };
  const startedWallMs = clock.wallMs();
  const router = new Router(config, startedWallMs - clock.nowMs(), createIntegration);
  const usage = new UsageLedger(startedWallMs);
  const handler = new RequestHandler(ctx, router, config, usage);
  let management: ReturnType<typeof createManagementHandler> | undefined;
  const front = (req: ServedRequest, res: ServedResponse): void => {
    const service = serviceOf(req);
    if (service === 'api') handler.handle(req, res);
    else if (service === 'cloudwatch') cloudWatchHandler(req, res);
    else if (management !== undefined) management(req, res);
    else res.destroy();
  };
  // Slow clients: 20 s to send headers, the integration timeout plus a minute for a whole request.
  // A missing Host is answered by the handler, in the gateway's shape.
  const timeouts = { headersTimeoutMs: 20_000, requestTimeoutMs: config.integrationTimeoutMs + 60_000, keepAliveTimeoutMs: 5_000 };
  const api = new Http1Server(front, timeouts, gatewayClientError(type));
  const cloudWatchHandler = createCloudWatchHandler(store);
  const cloudwatch = opts.cloudwatchPort === undefined ? undefined : new Http1Server(cloudWatchHandler, timeouts, cloudWatchClientError());
  const closeAll = async (): Promise<void> => {
    await Promise.all([api.close(), cloudwatch?.close()]);
    await Promise.all(router.integrations().map((i) => i.close()));
  };
  try {
    const port = await listen(api.tcp, opts.port ?? 0, host, 'api');
    management = createManagementHandler({ config, startedWallMs, usage, nowWallMs: () => clock.wallMs() }, originOf(host, port));
    const cwPort = cloudwatch ? await listen(cloudwatch.tcp, opts.cloudwatchPort ?? 0, host, 'cloudwatch') : port;
    return Object.freeze({
      stages: Object.freeze(stageUrls(config, originOf(host, port))),
      cloudwatchEndpoint: originOf(host, cwPort),
      endpoint: originOf(host, port),
      apiType: type,
      apiName: name,
      apiId: id,
      pid: process.pid,
      health: () => health.snapshot(),
      close: closeAll,
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
}
