/**
 * The CloudWatch side of a run: finds the API's AWS/ApiGateway metrics (ListMetrics, never
 * assuming one dimension set), pulls them for the run's whole minutes (GetMetricData, paged),
 * polls until they stop arriving, and reconciles them with the client (reconcile.ts).
 * Works the same against the emulator's endpoint and against AWS. Never throws.
 */
import { setTimeout as delay } from 'node:timers/promises';
// Types only: the SDK client loads when a pull starts (cloudWatchClient), so a command that never
// pulls CloudWatch never pays for it (docs/architecture.md "Packaging").
import type { CloudWatchClient, Dimension, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { apiDimensionOf, flavourOf, metricNameOf, type ApiType } from '../api/flavours.ts';
import type { CloudWatchSection } from '../result/schema.ts';
import { maskSecret } from '../core/redact.ts';
import { clientConfig, emulatorCredentials, type ClientSpec } from './credentials.ts';
import { reconcile, type ClientSideMinutes, type GatewayMinute } from './reconcile.ts';

/** Which API's metrics to pull, and from where. */
export interface CloudWatchTarget {
  readonly source: 'emulator' | 'aws';
  readonly apiType: ApiType;
  /** REST APIs are named by ApiName in CloudWatch. */
  readonly apiName?: string;
  /** HTTP APIs are named by ApiId. */
  readonly apiId?: string;
  readonly stage?: string;
  readonly region?: string;
  readonly profile?: string;
  /** CloudWatch endpoint override (the emulator's, a VPC endpoint). */
  readonly endpoint?: string;
}

/** The wall-clock span to pull; widened to whole minutes. */
export interface CloudWatchWindow {
  readonly startWallMs: number;
  readonly endWallMs: number;
}

/** How long to keep polling for late datapoints. */
export interface PullOptions {
  /** Stop polling after this long. @default emulator 5000, aws 180000; 0 = one pull */
  readonly maxWaitMs?: number;
  /** Between polls. @default emulator 250, aws 15000 */
  readonly pollIntervalMs?: number;
  /** Per HTTP request to CloudWatch. @default emulator 2000, aws 10000 */
  readonly requestTimeoutMs?: number;
  /** The run's interrupt: ends the polling and the SDK call in progress at once. */
  readonly signal?: AbortSignal;
}

/** The namespace of a section that names no flavour (nothing could be pulled). */
const API_GATEWAY_NAMESPACE = 'AWS/ApiGateway';
const MINUTE_MS = 60_000;

/** AWS's names of the metrics loadgate reads, from the API flavour (src/api/). */
function metricNames(apiType: ApiType): { count: string; error4xx: string; error5xx: string } {
  const name = (kind: 'count' | 'error4xx' | 'error5xx') => metricNameOf(apiType, kind) ?? kind;
  return { count: name('count'), error4xx: name('error4xx'), error5xx: name('error5xx') };
}

/** Pulls and reconciles; failures give status 'unavailable' with a one-line reason. */
export async function pullCloudWatch(target: CloudWatchTarget, window: CloudWatchWindow,
  client: ClientSideMinutes, opts: PullOptions = {}): Promise<CloudWatchSection> {
  const emulator = target.source === 'emulator';
  const settings: Required<Omit<PullOptions, 'signal'>> = {
    maxWaitMs: opts.maxWaitMs ?? (emulator ? 5_000 : 180_000),
    pollIntervalMs: opts.pollIntervalMs ?? (emulator ? 250 : 15_000),
    requestTimeoutMs: opts.requestTimeoutMs ?? (emulator ? 2_000 : 10_000),
  };
  const own = ownDimension(target);
  if (!own) return unavailable(target, `no ${ownDimensionHint(target.apiType)} to look metrics up by: pass --api-name/--api-id or aws.apiName/aws.apiId`);
  const span = spanOf(window, client);
  const sdk = await import('@aws-sdk/client-cloudwatch');
  const cw = await cloudWatchClient({ ...target, requestTimeoutMs: settings.requestTimeoutMs });
  const abort = new AbortController();
  const hardStop = setTimeout(() => abort.abort(), settings.maxWaitMs + settings.requestTimeoutMs + 1_000);
  const signal = opts.signal ? AbortSignal.any([abort.signal, opts.signal]) : abort.signal;
  try {
    if (opts.signal?.aborted) return unavailable(target, 'interrupted before the CloudWatch pull');
    const ctx: PollContext = { sdk, cw, target, own, span, client, settings, signal };
    return await pollAndReconcile(ctx);
  } catch (err) {
    if (opts.signal?.aborted) return unavailable(target, 'interrupted during the CloudWatch pull');
    return unavailable(target, reasonOf(err, target, settings.requestTimeoutMs));
  } finally {
    clearTimeout(hardStop);
    cw.destroy();
  }
}

interface PollContext {
  readonly sdk: typeof import('@aws-sdk/client-cloudwatch');
  readonly cw: CloudWatchClient;
  readonly target: CloudWatchTarget;
  readonly own: Dimension & { Name: string; Value: string };
  readonly span: { readonly fromMs: number; readonly toMs: number };
  readonly client: ClientSideMinutes;
  readonly settings: Required<Omit<PullOptions, 'signal'>>;
  readonly signal: AbortSignal;
}

async function pollAndReconcile(ctx: PollContext): Promise<CloudWatchSection> {
  const startedMs = Date.now();
  const clientTotal = ctx.client.minutes.reduce((n, m) => n + m.requests, 0);
  const stableNeeded = ctx.target.source === 'emulator' ? 1 : 2;
  let dims: Dimension[] | undefined;
  let gateway: GatewayMinute[] = [];
  let previous = '';
  let unchanged = 0;
  let polls = 0;
  for (;;) {
    dims ??= await discoverDimensions(ctx);
    gateway = await fetchMinutes(ctx, dims ?? documentedDimensions(ctx));
    polls += 1;
    const total = gateway.reduce((n, g) => n + (g.count ?? 0), 0);
    const fingerprint = JSON.stringify(gateway);
    unchanged = fingerprint === previous ? unchanged + 1 : 0;
    previous = fingerprint;
    if (total === clientTotal && (total > 0 || unchanged >= stableNeeded)) break;
    if (unchanged >= stableNeeded && (total > 0 || ctx.target.source === 'emulator')) break;
    if (Date.now() - startedMs + ctx.settings.pollIntervalMs > ctx.settings.maxWaitMs) break;
    await delay(ctx.settings.pollIntervalMs, undefined, { signal: ctx.signal });
  }
  const usedDims = dims ?? documentedDimensions(ctx);
  const waitedS = Math.round((Date.now() - startedMs) / 100) / 10;
  const where = `${usedDims.map((d) => `${d.Name}=${d.Value}`).join(', ')} from ${new Date(ctx.span.fromMs).toISOString()} to ${new Date(ctx.span.toMs).toISOString()}`;
  if (!gateway.some((g) => g.count !== null) && clientTotal > 0) {
    return unavailable(ctx.target, `no ${namespaceOf(ctx.target)} datapoints for ${where} after ${polls} poll(s) in ${waitedS} s${dims ? '' : ' (ListMetrics found no such metric)'}`);
  }
  const { minutes, reconciliation } = reconcile(ctx.client, gateway, ctx.span.fromMs, ctx.span.toMs);
  const verdict = reconciliation.difference === 0
    ? `CloudWatch Count matches the client's ${reconciliation.clientRequests} requests`
    : `CloudWatch counted ${reconciliation.gatewayCount} requests, the client ${reconciliation.clientRequests} (difference ${reconciliation.difference})`;
  return {
    status: 'ok',
    reason: `${verdict}; ${where}; ${polls} poll(s) in ${waitedS} s${dims ? '' : '; dimensions as documented (ListMetrics found none)'}`,
    source: ctx.target.source,
    namespace: namespaceOf(ctx.target),
    dimensions: usedDims.map((d) => ({ Name: d.Name!, Value: d.Value! })),
    minutes,
    reconciliation,
  };
}

/**
 * The dimension set of the API's (stage's) aggregate metrics as ListMetrics names it: the
 * metric with exactly the API's own dimension, plus, with a stage, the one other dimension
 * whose value is the stage name. Undefined when CloudWatch lists none (yet).
 */
async function discoverDimensions(ctx: PollContext): Promise<Dimension[] | undefined> {
  const metricName = metricNames(ctx.target.apiType).count;
  let token: string | undefined;
  do {
    const page = await ctx.cw.send(new ctx.sdk.ListMetricsCommand({
      Namespace: namespaceOf(ctx.target), MetricName: metricName, Dimensions: [{ Name: ctx.own.Name, Value: ctx.own.Value }], NextToken: token,
    }), { abortSignal: ctx.signal });
    for (const m of page.Metrics ?? []) {
      const dims = m.Dimensions ?? [];
      const others = dims.filter((d) => d.Name !== ctx.own.Name);
      if (ctx.target.stage === undefined ? others.length === 0 : others.length === 1 && others[0].Value === ctx.target.stage) {
        return [ctx.own, ...others.map((d) => ({ Name: d.Name, Value: d.Value }))];
      }
    }
    token = page.NextToken;
  } while (token);
  return undefined;
}

function documentedDimensions(ctx: PollContext): Dimension[] {
  return ctx.target.stage === undefined ? [ctx.own] : [ctx.own, { Name: 'Stage', Value: ctx.target.stage }];
}

type QueryKey = 'count' | 'error4xx' | 'error5xx' | 'lat' | 'p50' | 'p90' | 'p99' | 'ilat' | 'iln';

function queriesFor(apiType: CloudWatchTarget['apiType'], dims: Dimension[]): MetricDataQuery[] {
  const names = metricNames(apiType);
  const q = (id: QueryKey, metric: string, stat: string): MetricDataQuery => ({
    Id: id, MetricStat: { Metric: { Namespace: flavourOf(apiType).metrics.namespace, MetricName: metric, Dimensions: dims }, Period: 60, Stat: stat },
  });
  return [
    q('count', names.count, 'Sum'), q('error4xx', names.error4xx, 'Sum'), q('error5xx', names.error5xx, 'Sum'),
    q('lat', 'Latency', 'Average'), q('p50', 'Latency', 'p50'), q('p90', 'Latency', 'p90'), q('p99', 'Latency', 'p99'),
    q('ilat', 'IntegrationLatency', 'Average'), q('iln', 'IntegrationLatency', 'SampleCount'),
  ];
}

/** GetMetricData for the span, every page, folded into one row per minute with data. */
async function fetchMinutes(ctx: PollContext, dims: Dimension[]): Promise<GatewayMinute[]> {
  const values = new Map<number, Partial<Record<QueryKey, number>>>();
  let token: string | undefined;
  do {
    const page = await ctx.cw.send(new ctx.sdk.GetMetricDataCommand({
      MetricDataQueries: queriesFor(ctx.target.apiType, dims),
      StartTime: new Date(ctx.span.fromMs), EndTime: new Date(ctx.span.toMs),
      ScanBy: 'TimestampAscending', NextToken: token,
    }), { abortSignal: ctx.signal });
    for (const r of page.MetricDataResults ?? []) {
      if (r.StatusCode === 'Forbidden' || r.StatusCode === 'InternalError') {
        throw new Error(`GetMetricData answered ${r.StatusCode} for ${r.Id}: ${r.Messages?.map((m) => m.Value).join('; ') ?? ''}`);
      }
      (r.Timestamps ?? []).forEach((t, i) => {
        const row = values.get(t.getTime()) ?? {};
        row[r.Id as QueryKey] = r.Values?.[i];
        values.set(t.getTime(), row);
      });
    }
    token = page.NextToken;
  } while (token);
  return [...values.entries()].sort(([a], [b]) => a - b).map(([minuteStartWallMs, v]) => ({
    minuteStartWallMs,
    count: v.count ?? null, error4xx: v.error4xx ?? null, error5xx: v.error5xx ?? null,
    latencyAvgMs: v.lat ?? null, latencyP50Ms: v.p50 ?? null, latencyP90Ms: v.p90 ?? null, latencyP99Ms: v.p99 ?? null,
    integrationLatencyAvgMs: v.ilat ?? null, integrationLatencyCount: v.iln ?? null,
  }));
}

function ownDimension(target: CloudWatchTarget): { Name: string; Value: string } | undefined {
  return apiDimensionOf(target.apiType, { name: target.apiName, id: target.apiId });
}

function namespaceOf(target: Pick<CloudWatchTarget, 'apiType'>): 'AWS/ApiGateway' {
  return flavourOf(target.apiType).metrics.namespace;
}

/** `ApiName (REST API)`: the dimension a flavour's metrics are keyed by, for messages. */
function ownDimensionHint(apiType: ApiType): string {
  const f = flavourOf(apiType);
  return `${f.metrics.apiDimension} (${f.label})`;
}

/** The run's window in whole minutes, widened to every minute the client sent in. */
function spanOf(window: CloudWatchWindow, client: ClientSideMinutes): { fromMs: number; toMs: number } {
  let fromMs = Math.floor(window.startWallMs / MINUTE_MS) * MINUTE_MS;
  let toMs = Math.ceil(window.endWallMs / MINUTE_MS) * MINUTE_MS;
  const first = client.minutes[0]?.minuteStartWallMs;
  const last = client.minutes.at(-1)?.minuteStartWallMs;
  if (first !== undefined && first < fromMs) fromMs = first;
  if (last !== undefined && last + MINUTE_MS > toMs) toMs = last + MINUTE_MS;
  return { fromMs, toMs: Math.max(toMs, fromMs + MINUTE_MS) };
}

/** The section when nothing could be pulled. */
export function unavailable(target: Pick<CloudWatchTarget, 'source'> & Partial<Pick<CloudWatchTarget, 'apiType'>> | null, reason: string): CloudWatchSection {
  const namespace = target?.apiType ? namespaceOf({ apiType: target.apiType }) : API_GATEWAY_NAMESPACE;
  return { status: 'unavailable', reason, source: target?.source ?? null, namespace, dimensions: [], minutes: [], reconciliation: null };
}

/** One line saying what went wrong, in the user's terms; no stack, no secrets. */
export function reasonOf(err: unknown, target: CloudWatchTarget, requestTimeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.Code ?? e?.name ?? 'Error';
  const message = oneLine(e?.message ?? String(err));
  const where = target.endpoint ?? `CloudWatch in ${target.region ?? 'the default region'}`;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return `no AWS credentials found by the standard chain${target.profile ? ` (profile ${target.profile})` : ''}: ${message}`;
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) || e?.$metadata?.httpStatusCode === 403) {
    return `access denied by ${where} (${name}): the credentials need cloudwatch:ListMetrics and cloudwatch:GetMetricData: ${message}`;
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) {
    return `${where} throttled the requests (${name}) after retries: ${message}`;
  }
  if (name === 'AbortError' || name === 'TimeoutError' || /ETIMEDOUT|timed? ?out|socket hang up/i.test(`${e?.code ?? ''} ${message}`)) {
    return `${where} did not answer in time (request timeout ${requestTimeoutMs} ms): ${message}`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET/.test(`${e?.code ?? ''} ${message}`)) {
    return `cannot reach ${where}: ${message}`;
  }
  if (/Region is missing/i.test(message)) return `no AWS region: pass --region or set AWS_REGION (${message})`;
  return `${where} failed (${name}): ${message}`;
}

/** Access key ids and session tokens can appear in SignatureDoesNotMatch messages: mask them. */
function redact(text: string): string {
  return text
    .replace(/\b(A[KS]IA[A-Z0-9]{12,})\b/g, (id: string) => maskSecret(id))
    .replace(/(x-amz-security-token[=:]\s*)[^\s&,;]+/gi, '$1****')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1****');
}

function oneLine(text: string): string {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/**
 * A CloudWatch client for `spec`. Creating it looks nothing up; the first call does. A caller
 * that says `source: 'aws'` with an explicit endpoint gets the credential chain even on loopback
 * (cloudwatch-step.ts and metrics.ts call a loopback endpoint `emulator` themselves); an endpoint
 * from AWS_ENDPOINT_URL[_CLOUDWATCH] follows credentials.ts's loopback rule.
 */
export async function cloudWatchClient(spec: ClientSpec): Promise<CloudWatchClient> {
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  const config = clientConfig('cloudwatch', { region: spec.region, profile: spec.profile, endpointUrl: spec.endpoint }, spec.requestTimeoutMs);
  if (spec.source === 'aws' && spec.endpoint !== undefined) {
    const { credentials: _dummy, ...chain } = config;
    return new CloudWatchClient({ ...chain, ...(spec.profile !== undefined ? { profile: spec.profile } : {}), maxAttempts: 2 });
  }
  if (spec.source === 'emulator') {
    // The poll loop is the retry: a second SDK attempt against the emulator only adds waiting.
    return new CloudWatchClient({ ...config, region: config.region ?? 'us-east-1', profile: undefined, credentials: emulatorCredentials(), maxAttempts: 1 });
  }
  return new CloudWatchClient(config);
}
