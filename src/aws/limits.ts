/**
 * Configured limits read from API Gateway with the AWS SDK v3 (docs/aws-rules.md §5), as the Limits
 * schema of core/limits.ts:
 *
 *   aws:rest:<restApiId>/<stage>   GetAccount, GetStage (methodSettings `*\/*` and
 *                                  `~1pets~1{petId}/GET`), GetResources (routes, apiKeyRequired),
 *                                  GetApiKeys + GetUsagePlans for one API key (paged by position)
 *   aws:http:<apiId>/<stage>       GetAccount, apigatewayv2 GetStage (DefaultRouteSettings, RouteSettings)
 *
 * A limit of -1 or absent inherits from the next level (route -> stage default -> account).
 * The clients follow the AWS conventions of credentials.ts (--region, --profile, --endpoint-url,
 * AWS_ENDPOINT_URL_API_GATEWAY / _APIGATEWAYV2): against `loadgate emulator` (its management API)
 * this runs offline with the real SDK clients.
 */
import { APIGatewayClient, GetAccountCommand, GetApiKeysCommand, GetResourcesCommand, GetStageCommand, GetUsagePlansCommand, type UsagePlan } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetStageCommand as GetStageV2Command } from '@aws-sdk/client-apigatewayv2';
import { isApiType, type ApiType } from '../api/flavours.ts';
import { LoadgateError, UsageError } from '../errors.ts';
import { AWS_ACCOUNT_DEFAULT, parseLimits, type ThrottleSpec } from '../core/limits.ts';
import type { Limits } from '../core/limits.ts';
import { clientConfig, type AwsSettings } from './credentials.ts';

/** Which API and stage `--limits-from` names. */
export interface AwsLimitsSource {
  readonly type: ApiType;
  readonly apiId: string;
  readonly stage: string;
}

export interface AwsLimitsOptions {
  /** The x-api-key value whose usage plan applies (REST). Never printed unmasked. */
  readonly apiKey?: string;
  readonly rest?: APIGatewayClient;
  readonly http?: ApiGatewayV2Client;
  /** Region, profile and endpoint of the clients made here (when `rest` / `http` are not given). */
  readonly aws?: AwsSettings;
}

/** API Gateway's management API allows about 10 calls a second: be patient, but not forever. */
const REQUEST_TIMEOUT_MS = 10_000;

/** How one flavour's configured limits are read from its control plane. */
interface LimitsReader {
  /** What the control plane calls the API's id, for the usage line. */
  readonly idName: string;
  read(source: AwsLimitsSource, opts: AwsLimitsOptions, rest: APIGatewayClient, account: ThrottleSpec): Promise<Limits>;
}

/** The flavours whose limits AWS's control plane can tell; others are refused by parseLimitsFrom. */
const READERS: Partial<Record<ApiType, LimitsReader>> = {
  rest: { idName: 'restApiId', read: (source, opts, rest, account) => restLimits(rest, source, account, opts.apiKey) },
  http: { idName: 'apiId', read: (source, opts, _rest, account) => httpLimits(opts.http ?? new ApiGatewayV2Client(clientConfig('apigatewayv2', opts.aws ?? {}, REQUEST_TIMEOUT_MS)), source, account) },
};

/** Parses `aws:rest:<id>/<stage>` or `aws:http:<id>/<stage>`; UsageError otherwise. */
export function parseLimitsFrom(spec: string): AwsLimitsSource {
  const m = /^aws:([a-z0-9-]+):([A-Za-z0-9]+)\/([$A-Za-z0-9_-]+)$/.exec(spec.trim());
  if (!m || !isApiType(m[1]) || !Object.hasOwn(READERS, m[1])) {
    const forms = Object.entries(READERS).map(([t, r]) => `aws:${t}:<${r.idName}>/<stage>`);
    throw UsageError.invalid(undefined, '--limits-from', spec, `${forms.join(', ')}, cfn:<template>[#LogicalId], openapi:<file> or tf-plan:<plan.json>[#address]`);
  }
  return { type: m[1], apiId: m[2], stage: m[3] };
}

/** Reads the configured limits of one stage from AWS. */
export async function limitsFromAws(source: AwsLimitsSource, opts: AwsLimitsOptions = {}): Promise<Limits> {
  const rest = opts.rest ?? new APIGatewayClient(clientConfig('apigateway', opts.aws ?? {}, REQUEST_TIMEOUT_MS));
  try {
    const account = await rest.send(new GetAccountCommand({}));
    const accountSpec = spec(account.throttleSettings?.rateLimit, account.throttleSettings?.burstLimit, AWS_ACCOUNT_DEFAULT) ?? AWS_ACCOUNT_DEFAULT;
    return await READERS[source.type]!.read(source, opts, rest, accountSpec);
  } catch (err) {
    if (err instanceof LoadgateError) throw err;
    const e = err as { name?: string; message?: string };
    throw new LoadgateError('AWS', `--limits-from aws:${source.type}:${source.apiId}/${source.stage}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, 2);
  }
}

/** A bucket from AWS numbers: -1 or absent inherits from `parent`; nothing set at all = undefined. */
function spec(rate: number | undefined, burst: number | undefined, parent: ThrottleSpec | undefined): ThrottleSpec | undefined {
  const r = rate !== undefined && rate >= 0 ? rate : undefined;
  const b = burst !== undefined && burst >= 0 ? burst : undefined;
  if (r === undefined && b === undefined) return undefined;
  const rateRps = r ?? parent?.rateRps;
  const burstCount = b ?? parent?.burst;
  return rateRps === undefined || burstCount === undefined ? undefined : { rateRps, burst: Math.floor(burstCount) };
}

/** `~1pets~1{petId}/GET` -> `GET /pets/{petId}`; `*\/*` -> undefined (the stage default). */
export function routeKeyOfMethodSetting(key: string): string | undefined {
  if (key === '*/*') return undefined;
  const slash = key.lastIndexOf('/');
  const path = key.slice(0, slash).replace(/~1/g, '/').replace(/~0/g, '~');
  const method = key.slice(slash + 1);
  return `${method === '*' ? 'ANY' : method.toUpperCase()} ${path.startsWith('/') ? path : `/${path}`}`;
}

async function restLimits(client: APIGatewayClient, source: AwsLimitsSource, account: ThrottleSpec, apiKey: string | undefined): Promise<Limits> {
  const stage = await client.send(new GetStageCommand({ restApiId: source.apiId, stageName: source.stage }));
  const settings = stage.methodSettings ?? {};
  const stageDefault = spec(settings['*/*']?.throttlingRateLimit, settings['*/*']?.throttlingBurstLimit, account);
  const overrides: Record<string, { throttle: ThrottleSpec }> = {};
  for (const [key, s] of Object.entries(settings)) {
    const routeKey = routeKeyOfMethodSetting(key);
    const t = routeKey && spec(s.throttlingRateLimit, s.throttlingBurstLimit, stageDefault ?? account);
    if (routeKey && t) overrides[routeKey] = { throttle: t };
  }
  const routes: Record<string, { apiKeyRequired: boolean }> = {};
  let position: string | undefined;
  do {
    const page = await client.send(new GetResourcesCommand({ restApiId: source.apiId, position, limit: 500, embed: ['methods'] }));
    for (const r of page.items ?? []) for (const [method, m] of Object.entries(r.resourceMethods ?? {})) routes[`${method === '*' ? 'ANY' : method} ${r.path ?? '/'}`] = { apiKeyRequired: m.apiKeyRequired ?? false };
    position = page.position;
  } while (position);
  const plans = apiKey === undefined ? undefined : await usagePlanFor(client, source, apiKey);
  return parseLimits(
    {
      api: { type: 'rest', name: source.apiId, id: source.apiId },
      account,
      stages: { [source.stage]: { ...(stageDefault ? { throttle: stageDefault } : {}), routes: overrides } },
      routes,
      ...(plans ?? {}),
    },
    `aws:rest:${source.apiId}/${source.stage}`,
  );
}

/** The usage plan of `apiKey` (by value) that covers this API stage, in Limits form. */
async function usagePlanFor(client: APIGatewayClient, source: AwsLimitsSource, apiKey: string): Promise<object | undefined> {
  let keyId: string | undefined;
  let position: string | undefined;
  do {
    const page = await client.send(new GetApiKeysCommand({ includeValues: true, position, limit: 500 }));
    keyId ??= page.items?.find((k) => k.value === apiKey)?.id;
    position = keyId ? undefined : page.position;
  } while (position);
  if (!keyId) return undefined;
  let plan: UsagePlan | undefined;
  do {
    const page = await client.send(new GetUsagePlansCommand({ keyId, position, limit: 500 }));
    plan ??= page.items?.find((p) => p.apiStages?.some((s) => s.apiId === source.apiId && s.stage === source.stage));
    position = plan ? undefined : page.position;
  } while (position);
  if (!plan) return undefined;
  const name = plan.name ?? plan.id ?? 'usage-plan';
  const stage = plan.apiStages?.find((s) => s.apiId === source.apiId && s.stage === source.stage);
  const planThrottle = spec(plan.throttle?.rateLimit, plan.throttle?.burstLimit, undefined);
  const methods: Record<string, ThrottleSpec> = {};
  for (const [key, t] of Object.entries(stage?.throttle ?? {})) {
    const m = spec(t.rateLimit, t.burstLimit, planThrottle);
    if (m) methods[key] = m;
  }
  const quota = plan.quota?.limit !== undefined && plan.quota.period ? { limit: plan.quota.limit, period: plan.quota.period, offset: plan.quota.offset ?? 0 } : undefined;
  return { apiKeys: { [apiKey]: { usagePlan: name } }, usagePlans: { [name]: { ...(planThrottle ? { throttle: planThrottle } : {}), methods, ...(quota ? { quota } : {}) } } };
}

async function httpLimits(client: ApiGatewayV2Client, source: AwsLimitsSource, account: ThrottleSpec): Promise<Limits> {
  const stage = await client.send(new GetStageV2Command({ ApiId: source.apiId, StageName: source.stage }));
  const d = stage.DefaultRouteSettings;
  const stageDefault = spec(d?.ThrottlingRateLimit, d?.ThrottlingBurstLimit, account);
  const routes: Record<string, { throttle: ThrottleSpec }> = {};
  for (const [key, s] of Object.entries(stage.RouteSettings ?? {})) {
    const t = spec(s.ThrottlingRateLimit, s.ThrottlingBurstLimit, stageDefault ?? account);
    if (t) routes[key] = { throttle: t };
  }
  return parseLimits(
    { api: { type: 'http', name: source.apiId, id: source.apiId }, account, stages: { [source.stage]: { ...(stageDefault ? { throttle: stageDefault } : {}), routes } } },
    `aws:http:${source.apiId}/${source.stage}`,
  );
}
