/** limitsFromAws against recorded SDK responses (test/fixtures/aws), through aws-sdk-client-mock. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { APIGatewayClient, GetAccountCommand, GetApiKeysCommand, GetResourcesCommand, GetStageCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetStageCommand as GetStageV2Command } from '@aws-sdk/client-apigatewayv2';
import { limitsFromAws, parseLimitsFrom, routeKeyOfMethodSetting } from '../../src/aws/limits.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/aws/${name}.json`, import.meta.url), 'utf8'));
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };

function restMock(account = fixture('rest-get-account')) {
  const client = new APIGatewayClient(creds);
  const mock = mockClient(client);
  mock.on(GetAccountCommand).resolves(account);
  mock.on(GetStageCommand, { restApiId: 'abc123', stageName: 'prod' }).resolves(fixture('rest-get-stage'));
  mock.on(GetResourcesCommand).resolves(fixture('rest-get-resources-page1'));
  mock.on(GetResourcesCommand, { position: 'cGFnZTI=' }).resolves(fixture('rest-get-resources-page2'));
  mock.on(GetApiKeysCommand).resolves(fixture('rest-get-api-keys'));
  mock.on(GetUsagePlansCommand).resolves(fixture('rest-get-usage-plans-page1'));
  mock.on(GetUsagePlansCommand, { keyId: 'kid0001', position: 'bmV4dA==' }).resolves(fixture('rest-get-usage-plans-page2'));
  return { client, mock };
}

describe('--limits-from aws:rest', () => {
  it('maps account, stage default, method overrides, resources and the key\'s usage plan (paged)', async () => {
    const { client, mock } = restMock();
    const limits = await limitsFromAws(parseLimitsFrom('aws:rest:abc123/prod'), { rest: client, apiKey: 'k-gold-secret-0001' });
    expect(limits.account).toEqual({ rateRps: 10_000, burst: 5_000 });
    expect(limits.stages.prod.throttle).toEqual({ rateRps: 100, burst: 50 });
    expect(limits.stages.prod.routes['GET /pets/{petId}'].throttle).toEqual({ rateRps: 20, burst: 10 });
    expect(limits.stages.prod.routes['POST /pets'].throttle).toEqual({ rateRps: 5, burst: 50 }); // burst -1 inherits the stage default
    expect(limits.stages.prod.routes['GET /health']).toBeUndefined(); // no throttle set: the default applies
    expect(limits.routes['GET /pets/{petId}']).toEqual({ apiKeyRequired: true }); // from the second page
    expect(limits.apiKeys['k-gold-secret-0001']).toEqual({ usagePlan: 'gold' });
    expect(limits.usagePlans.gold.throttle).toEqual({ rateRps: 4, burst: 8 });
    expect(limits.usagePlans.gold.methods['GET /pets/{petId}']).toEqual({ rateRps: 3, burst: 2 });
    expect(limits.usagePlans.gold.methods['POST /pets']).toEqual({ rateRps: 1, burst: 8 });
    expect(limits.usagePlans.gold.quota).toEqual({ limit: 1000, period: 'DAY', offset: 10 });
    expect(mock.commandCalls(GetResourcesCommand)).toHaveLength(2);
    expect(mock.commandCalls(GetUsagePlansCommand)).toHaveLength(2);
  });
  it('falls back to the next level when settings are missing', async () => {
    const { client, mock } = restMock({});
    mock.on(GetStageCommand).resolves({ stageName: 'prod', methodSettings: { '~1pets/GET': { throttlingRateLimit: -1, throttlingBurstLimit: 7 } } });
    const limits = await limitsFromAws(parseLimitsFrom('aws:rest:abc123/prod'), { rest: client });
    expect(limits.account).toEqual({ rateRps: 10_000, burst: 5_000 }); // AWS default when GetAccount has none
    expect(limits.stages.prod.throttle).toBeUndefined();
    expect(limits.stages.prod.routes['GET /pets'].throttle).toEqual({ rateRps: 10_000, burst: 7 }); // rate from the account
    expect(limits.apiKeys).toEqual({});
  });
  it('names the source in one line when AWS refuses', async () => {
    const { client, mock } = restMock();
    mock.on(GetStageCommand).rejects(Object.assign(new Error('Invalid stage identifier specified'), { name: 'NotFoundException' }));
    await expect(limitsFromAws(parseLimitsFrom('aws:rest:abc123/nope'), { rest: client })).rejects.toThrow('--limits-from aws:rest:abc123/nope: NotFoundException: Invalid stage identifier specified');
  });
});

describe('--limits-from aws:http', () => {
  it('maps DefaultRouteSettings and RouteSettings, inheriting what is not set', async () => {
    const { client: rest } = restMock();
    const http = new ApiGatewayV2Client(creds);
    mockClient(http).on(GetStageV2Command, { ApiId: 'h77api', StageName: '$default' }).resolves(fixture('http-get-stage'));
    const limits = await limitsFromAws({ type: 'http', apiId: 'h77api', stage: '$default' }, { rest, http });
    expect(limits.api.type).toBe('http');
    expect(limits.stages.$default.throttle).toEqual({ rateRps: 60, burst: 30 });
    expect(limits.stages.$default.routes['GET /pets'].throttle).toEqual({ rateRps: 10, burst: 5 });
    expect(limits.stages.$default.routes['POST /pets'].throttle).toEqual({ rateRps: 2, burst: 30 });
    expect(limits.stages.$default.routes['GET /health']).toBeUndefined();
  });
});

describe('parsing', () => {
  it.each([
    ['*/*', undefined],
    ['~1pets~1{petId}/GET', 'GET /pets/{petId}'],
    ['~1/*', 'ANY /'],
  ])('%s -> %s', (key, route) => expect(routeKeyOfMethodSetting(key)).toBe(route));
  it('rejects a malformed --limits-from in one line', () => {
    expect(() => parseLimitsFrom('aws:soap:x/y')).toThrow('--limits-from: "aws:soap:x/y" is invalid');
  });
});
