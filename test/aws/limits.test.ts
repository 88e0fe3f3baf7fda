/**
 * limitsFromAws: against the emulator's management API where it can answer, and against recorded
 * SDK responses (test/fixtures/aws, aws-sdk-client-mock) only for what it never says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { APIGatewayClient, GetAccountCommand, GetApiKeysCommand, GetResourcesCommand, GetStageCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetStageCommand as GetStageV2Command } from '@aws-sdk/client-apigatewayv2';
import { limitsFromAws, parseLimitsFrom, routeKeyOfMethodSetting } from '../../src/aws/limits.ts';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { startEmulator } from '../../src/emulator/server.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/aws/${name}.json`, import.meta.url), 'utf8'));
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 };

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

describe('--limits-from aws:rest against the emulator\'s management API', () => {
  it('pages GetResources and GetApiKeys past 500 items (limit 500, position) and finds the key on the second page', async () => {
    const routes = Object.fromEntries(Array.from({ length: 520 }, (_, i) => [`GET /r${i}`, { apiKeyRequired: i === 519 }]));
    const apiKeys = Object.fromEntries(Array.from({ length: 505 }, (_, i) => [`k-${String(i).padStart(4, '0')}-secret`, { usagePlan: i === 504 ? 'gold' : 'free' }]));
    const emulator = await startEmulator(parseEmulatorConfig({
      api: { type: 'rest', name: 'big', id: 'big0000001' }, stages: { prod: { throttle: { rateRps: 9, burst: 4 } } }, routes, apiKeys,
      usagePlans: { free: {}, gold: { throttle: { rateRps: 3, burst: 6 }, quota: { limit: 100, period: 'WEEK' } } },
    }, 'big.json'));
    const rest = new APIGatewayClient({ ...creds, endpoint: emulator.endpoint });
    try {
      const last = Object.keys(apiKeys).at(-1)!;
      const limits = await limitsFromAws(parseLimitsFrom('aws:rest:big0000001/prod'), { rest, apiKey: last });
      expect(Object.keys(limits.routes)).toHaveLength(520);
      expect(limits.routes['GET /r519']).toEqual({ apiKeyRequired: true });
      expect(limits.apiKeys).toEqual({ [last]: { usagePlan: 'gold' } });
      expect(limits.usagePlans.gold).toEqual({ throttle: { rateRps: 3, burst: 6 }, methods: {}, quota: { limit: 100, period: 'WEEK', offset: 0 } });
    } finally {
      rest.destroy();
      await emulator.close();
    }
  });
  it('names the source in one line when the service refuses (an unknown stage: NotFoundException)', async () => {
    const emulator = await startEmulator(parseEmulatorConfig({ api: { type: 'rest', name: 'x', id: 'abc123' }, stages: { prod: {} } }, 'x.json'));
    try {
      await expect(limitsFromAws(parseLimitsFrom('aws:rest:abc123/nope'), { aws: { endpointUrl: emulator.endpoint } }))
        .rejects.toThrow('--limits-from aws:rest:abc123/nope: NotFoundException: Invalid stage identifier specified');
    } finally {
      await emulator.close();
    }
  });
});

/**
 * Canned answers, kept for what the emulator never says: AWS's -1 ("inherit") in method settings,
 * a setting with only one of rate and burst, and a GetAccount without throttleSettings. The
 * emulator always answers both numbers, so only recorded answers can test the inheritance rules.
 */
describe('--limits-from aws:rest inheritance (recorded answers)', () => {
  it('maps -1 and absent limits to the next level, and the account default when GetAccount has none', async () => {
    const { client, mock } = restMock();
    const limits = await limitsFromAws(parseLimitsFrom('aws:rest:abc123/prod'), { rest: client, apiKey: 'k-gold-secret-0001' });
    expect(limits.stages.prod.routes['POST /pets'].throttle).toEqual({ rateRps: 5, burst: 50 }); // burst -1 inherits the stage default
    expect(limits.stages.prod.routes['GET /health']).toBeUndefined(); // no throttle set: the default applies
    expect(limits.usagePlans.gold.methods['POST /pets']).toEqual({ rateRps: 1, burst: 8 });
    expect(mock.commandCalls(GetUsagePlansCommand)).toHaveLength(2);
    const bare = restMock({});
    bare.mock.on(GetStageCommand).resolves({ stageName: 'prod', methodSettings: { '~1pets/GET': { throttlingRateLimit: -1, throttlingBurstLimit: 7 } } });
    const fallback = await limitsFromAws(parseLimitsFrom('aws:rest:abc123/prod'), { rest: bare.client });
    expect(fallback.account).toEqual({ rateRps: 10_000, burst: 5_000 }); // AWS default when GetAccount has none
    expect(fallback.stages.prod.throttle).toBeUndefined();
    expect(fallback.stages.prod.routes['GET /pets'].throttle).toEqual({ rateRps: 10_000, burst: 7 }); // rate from the account
  });
});

describe('--limits-from aws:http inheritance (recorded answers: the emulator always sets both numbers)', () => {
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
