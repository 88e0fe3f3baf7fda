/**
 * API Gateway's read-only management API on the emulator's port, read by the real SDK clients
 * (@aws-sdk/client-api-gateway, -apigatewayv2) with an endpoint override: the shapes botocore's
 * models give, errors as the services raise them, GetUsage counted by the quota the emulator
 * enforces, and `--limits-from` reading back exactly the limits the emulator was started with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, GetAccountCommand, GetApiKeysCommand, GetResourcesCommand, GetRestApisCommand, GetStageCommand,
  GetStagesCommand, GetUsageCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand, GetRoutesCommand, GetStageCommand as GetStageV2Command, GetStagesCommand as GetStagesV2Command } from '@aws-sdk/client-apigatewayv2';
import { limitsFromAws, parseLimitsFrom } from '../../src/aws/limits.ts';
import { parseLimits } from '../../src/core/limits.ts';
import { harness, type Harness } from './helpers.ts';

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 };

const REST_LIMITS = {
  api: { type: 'rest', name: 'shop', id: 'shop123abc' },
  account: { rateRps: 8000, burst: 4000 },
  stages: {
    prod: { throttle: { rateRps: 100, burst: 50 }, routes: { 'GET /pets/{petId}': { throttle: { rateRps: 20, burst: 10 } }, 'ANY /admin': { throttle: { rateRps: 2.5, burst: 3 } } } },
    beta: { routes: {} },
  },
  routes: { 'GET /pets': { apiKeyRequired: false }, 'GET /pets/{petId}': { apiKeyRequired: true }, 'POST /pets': { apiKeyRequired: true }, 'ANY /admin': { apiKeyRequired: false } },
  apiKeys: { 'k-gold-secret-0001': { usagePlan: 'gold' }, 'k-gold-secret-0002': { usagePlan: 'gold' }, 'k-free-secret-0003': { usagePlan: 'free' } },
  usagePlans: {
    gold: { throttle: { rateRps: 40, burst: 80 }, methods: { 'GET /pets/{petId}': { rateRps: 30, burst: 20 } }, quota: { limit: 7, period: 'DAY', offset: 2 } },
    free: { throttle: { rateRps: 1, burst: 2 } },
  },
};

describe('apigateway (REST) against the emulator', () => {
  let h: Harness;
  let rest: APIGatewayClient;
  beforeAll(async () => {
    h = await harness(REST_LIMITS);
    rest = new APIGatewayClient({ ...creds, endpoint: h.emulator.endpoint });
  });
  afterAll(async () => {
    rest.destroy();
    await h.close();
  });

  it('--limits-from aws:rest reads back exactly the limits the emulator enforces (both keys and plans)', async () => {
    const expected = parseLimits(REST_LIMITS, 'x');
    for (const key of ['k-gold-secret-0001', 'k-free-secret-0003']) {
      const limits = await limitsFromAws(parseLimitsFrom('aws:rest:shop123abc/prod'), { rest, apiKey: key });
      const plan = expected.apiKeys[key].usagePlan;
      expect(limits.account).toEqual(expected.account);
      expect(limits.stages).toEqual({ prod: expected.stages.prod });
      expect(limits.routes).toEqual(expected.routes);
      expect(limits.apiKeys).toEqual({ [key]: { usagePlan: plan } });
      expect(limits.usagePlans[plan]).toEqual(expected.usagePlans[plan]);
    }
    const beta = await limitsFromAws(parseLimitsFrom('aws:rest:shop123abc/beta'), { rest });
    expect(beta.stages.beta).toEqual({ routes: {} });
  });

  it('answers in the wire shape botocore describes (item lists, epoch-second dates, method settings keys)', async () => {
    const apis = await rest.send(new GetRestApisCommand({}));
    expect(apis.items).toHaveLength(1);
    expect(apis.items?.[0]).toMatchObject({ id: 'shop123abc', name: 'shop', apiKeySource: 'HEADER' });
    expect(apis.items?.[0].createdDate).toBeInstanceOf(Date);
    expect(Math.abs((apis.items?.[0].createdDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    const stage = await rest.send(new GetStageCommand({ restApiId: 'shop123abc', stageName: 'prod' }));
    expect(Object.keys(stage.methodSettings ?? {}).sort()).toEqual(['*/*', '~1admin/*', '~1pets~1{petId}/GET']);
    expect(stage.methodSettings?.['~1admin/*']).toMatchObject({ throttlingRateLimit: 2.5, throttlingBurstLimit: 3 });
    const stages = await rest.send(new GetStagesCommand({ restApiId: 'shop123abc' }));
    expect(stages.item?.map((s) => s.stageName)).toEqual(['prod', 'beta']);
    const account = await rest.send(new GetAccountCommand({}));
    expect(account.throttleSettings).toEqual({ rateLimit: 8000, burstLimit: 4000 });
  });

  it('pages resources by position and limit, each path prefix a resource with its parent', async () => {
    const seen: { path?: string; parentId?: string; id?: string; resourceMethods?: object }[] = [];
    let position: string | undefined;
    let pages = 0;
    do {
      const page = await rest.send(new GetResourcesCommand({ restApiId: 'shop123abc', limit: 2, position, embed: ['methods'] }));
      expect(page.items!.length).toBeLessThanOrEqual(2);
      seen.push(...page.items!);
      position = page.position;
      pages += 1;
    } while (position);
    expect(seen.map((r) => r.path).sort()).toEqual(['/', '/admin', '/pets', '/pets/{petId}']);
    expect(pages).toBe(2);
    const byPath = Object.fromEntries(seen.map((r) => [r.path, r]));
    expect(byPath['/pets/{petId}'].parentId).toBe(byPath['/pets'].id);
    expect(byPath['/pets'].resourceMethods).toEqual({ GET: { httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: false }, POST: { httpMethod: 'POST', authorizationType: 'NONE', apiKeyRequired: true } });
    const bare = await rest.send(new GetResourcesCommand({ restApiId: 'shop123abc' }));
    expect(bare.items?.find((r) => r.path === '/pets')?.resourceMethods).toEqual({ GET: {}, POST: {} });
  });

  it('lists keys (values only when asked), plans by key, and a plan\'s keys', async () => {
    const hidden = await rest.send(new GetApiKeysCommand({}));
    expect(hidden.items).toHaveLength(3);
    expect(hidden.items?.every((k) => k.value === undefined && /^[a-z0-9]{10}$/.test(k.id ?? ''))).toBe(true);
    const shown = await rest.send(new GetApiKeysCommand({ includeValues: true }));
    const gold1 = shown.items!.find((k) => k.value === 'k-gold-secret-0001')!;
    const plans = await rest.send(new GetUsagePlansCommand({ keyId: gold1.id }));
    expect(plans.items?.map((p) => p.name)).toEqual(['gold']);
    expect(plans.items?.[0].apiStages?.map((s) => s.stage)).toEqual(['prod', 'beta']);
    expect(plans.items?.[0].apiStages?.[0].throttle).toEqual({ '/pets/{petId}/GET': { rateLimit: 30, burstLimit: 20 } });
    const keys = await rest.send(new GetUsagePlanKeysCommand({ usagePlanId: plans.items![0].id }));
    expect(keys.items?.map((k) => k.value).sort()).toEqual(['k-gold-secret-0001', 'k-gold-secret-0002']);
  });

  it('GetUsage counts what the quota counted: admitted keyed requests, then 429 Limit Exceeded at the quota', async () => {
    const plans = await rest.send(new GetUsagePlansCommand({}));
    const gold = plans.items!.find((p) => p.name === 'gold')!;
    const keys = await rest.send(new GetApiKeysCommand({ includeValues: true }));
    const id = keys.items!.find((k) => k.value === 'k-gold-secret-0002')!.id!;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await h.send('GET', '/prod/pets/1', { headers: { 'x-api-key': 'k-gold-secret-0002' } })).status);
    // limit 7 - offset 2 = 5 in the first period; the rest are refused and not counted.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const today = new Date().toISOString().slice(0, 10);
    const usage = await rest.send(new GetUsageCommand({ usagePlanId: gold.id, keyId: id, startDate: today, endDate: today }));
    expect(usage.items).toEqual({ [id]: [[5, 0]] });
    expect(usage.usagePlanId).toBe(gold.id);
  });

  it('raises the services\' errors: NotFoundException for an unknown API, stage or plan; BadRequest without dates', async () => {
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => e);
    const api = await err(rest.send(new GetStageCommand({ restApiId: 'nope', stageName: 'prod' })));
    expect([api?.name, api?.message, api?.$metadata.httpStatusCode]).toEqual(['NotFoundException', 'Invalid API identifier specified 000000000000:nope', 404]);
    const stage = await err(rest.send(new GetStageCommand({ restApiId: 'shop123abc', stageName: 'gamma' })));
    expect([stage?.name, stage?.message]).toEqual(['NotFoundException', 'Invalid stage identifier specified']);
    expect((await err(rest.send(new GetUsagePlanKeysCommand({ usagePlanId: 'zzz' }))))?.name).toBe('NotFoundException');
    const usage = await err(rest.send(new GetUsageCommand({ usagePlanId: 'zzz', startDate: '', endDate: '' })));
    expect(usage?.name).toBe('NotFoundException');
  });

  it('leaves unsigned requests to the API: GET /restapis without SigV4 is the emulated API\'s (403 on REST)', async () => {
    const a = await h.send('GET', '/restapis');
    expect(a.status).toBe(403);
    expect(JSON.parse(a.body)).toEqual({ message: 'Missing Authentication Token' });
  });
});

describe('apigatewayv2 (HTTP API) against the emulator', () => {
  const HTTP = {
    api: { type: 'http', name: 'orders', id: 'h77api' },
    stages: { $default: { throttle: { rateRps: 60, burst: 30 }, routes: { 'GET /orders': { throttle: { rateRps: 10, burst: 5 } } } }, dev: { routes: {} } },
    routes: { 'GET /orders': {}, 'POST /orders': {}, 'GET /v2/apis': { integration: { type: 'mock', status: 200, body: { mine: true } } } },
  };
  let h: Harness;
  let v2: ApiGatewayV2Client;
  let rest: APIGatewayClient;
  beforeAll(async () => {
    h = await harness(HTTP);
    v2 = new ApiGatewayV2Client({ ...creds, endpoint: h.emulator.endpoint });
    rest = new APIGatewayClient({ ...creds, endpoint: h.emulator.endpoint });
  });
  afterAll(async () => {
    v2.destroy();
    rest.destroy();
    await h.close();
  });

  it('--limits-from aws:http reads back the stage default and route settings of each stage', async () => {
    const expected = parseLimits(HTTP, 'x', '', { extraRouteKeys: ['integration'] });
    const limits = await limitsFromAws(parseLimitsFrom('aws:http:h77api/$default'), { rest, http: v2 });
    expect(limits.stages).toEqual({ $default: expected.stages.$default });
    expect(limits.account).toEqual(expected.account);
    expect((await limitsFromAws(parseLimitsFrom('aws:http:h77api/dev'), { rest, http: v2 })).stages.dev).toEqual({ routes: {} });
  });

  it('GetApis, GetStages, GetRoutes in apigatewayv2\'s shape; REST API lists are empty', async () => {
    const apis = await v2.send(new GetApisCommand({}));
    expect(apis.Items?.map((a) => [a.ApiId, a.Name, a.ProtocolType])).toEqual([['h77api', 'orders', 'HTTP']]);
    expect(apis.Items?.[0].CreatedDate).toBeInstanceOf(Date);
    const stages = await v2.send(new GetStagesV2Command({ ApiId: 'h77api' }));
    expect(stages.Items?.map((s) => s.StageName)).toEqual(['$default', 'dev']);
    const stage = await v2.send(new GetStageV2Command({ ApiId: 'h77api', StageName: 'dev' }));
    expect(stage.DefaultRouteSettings).toEqual({ DataTraceEnabled: false, DetailedMetricsEnabled: false });
    const routes = await v2.send(new GetRoutesCommand({ ApiId: 'h77api', MaxResults: '2' }));
    expect(routes.Items).toHaveLength(2);
    const rest2 = await v2.send(new GetRoutesCommand({ ApiId: 'h77api', NextToken: routes.NextToken }));
    expect([...routes.Items!, ...rest2.Items!].map((r) => r.RouteKey).sort()).toEqual(['GET /orders', 'GET /v2/apis', 'POST /orders']);
    expect((await rest.send(new GetRestApisCommand({}))).items).toEqual([]);
    const missing = await v2.send(new GetStageV2Command({ ApiId: 'other', StageName: 'dev' })).catch((e: Error) => e);
    expect((missing as Error).name).toBe('NotFoundException');
  });

  it('an API route named like the control plane stays the API\'s own when unsigned', async () => {
    const a = await h.send('GET', '/v2/apis');
    expect([a.status, JSON.parse(a.body)]).toEqual([200, { mine: true }]);
    const signedForExecuteApi = await h.send('GET', '/v2/apis', { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0' } });
    expect(JSON.parse(signedForExecuteApi.body)).toEqual({ mine: true });
  });
});
