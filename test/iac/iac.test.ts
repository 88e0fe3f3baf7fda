/**
 * Limits and emulator configs read from infrastructure code (test/fixtures/iac, written in the
 * shapes `sam`, `aws cloudformation`, `aws apigateway get-export` and `terraform show -json` use):
 * per format, cases that must give exact limits and cases that must be refused with the file,
 * the logical id / address and the property named.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorConfigFromIac, limitsFromIac, parseIacSource } from '../../src/iac/source.ts';
import { limitsFrom } from '../../src/iac/limits-from.ts';

const FIX = 'test/fixtures/iac';
const ACCOUNT = { rateRps: 10_000, burst: 5_000 };
const limitsOf = (spec: string) => limitsFromIac(parseIacSource(spec)!);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lg-iac-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fixture with `edit` applied to its text, written to a temp file; returns the file. */
async function variant(name: string, edit: (text: string) => string): Promise<string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(file, edit(await readFile(join(FIX, name), 'utf8')));
  return file;
}

describe('exact limits, as the code declares them', () => {
  it.each([
    {
      why: 'SAM REST: !Sub/!Ref/!FindInMap resolved from Defaults, MethodSettings escaped paths, a rate-only override inheriting the stage burst, function events with ApiKeyRequired, a usage plan on !Ref Api.Stage with its key',
      spec: `cfn:${FIX}/sam-rest.yaml`,
      expected: {
        api: { type: 'rest', name: 'orders-Prod', id: 'OrdersApi' }, account: ACCOUNT, stageBucketScope: 'method',
        stages: { Prod: { throttle: { rateRps: 100, burst: 50 }, routes: { 'GET /orders/{orderId}': { throttle: { rateRps: 20, burst: 10 } }, 'POST /orders': { throttle: { rateRps: 5, burst: 50 } } } } },
        routes: { 'GET /orders': { apiKeyRequired: false }, 'GET /orders/{orderId}': { apiKeyRequired: true }, 'POST /orders': { apiKeyRequired: true } },
        apiKeys: { 'k-partner-0001-7f3a9c2e4b': { usagePlan: 'partner' } },
        usagePlans: { partner: { throttle: { rateRps: 10, burst: 20 }, methods: { 'GET /orders/{orderId}': { rateRps: 8, burst: 4 } }, quota: { limit: 5000, period: 'DAY', offset: 0 } } },
      },
    },
    {
      why: 'CloudFormation JSON REST: Resource tree from RootResourceId, Fn::Join name, the stage default listed after an override, HttpMethod * = ANY, an unresolvable Lambda ARN nobody needs',
      spec: `cfn:${FIX}/cfn-rest.json`,
      expected: {
        api: { type: 'rest', name: 'inventory-live', id: 'InventoryApi' }, account: ACCOUNT, stageBucketScope: 'method',
        stages: { live: { throttle: { rateRps: 400, burst: 200 }, routes: { 'PUT /items/{sku}': { throttle: { rateRps: 1.5, burst: 3 } }, 'ANY /items': { throttle: { rateRps: 400, burst: 40 } } } } },
        routes: { 'GET /items': { apiKeyRequired: false }, 'GET /items/{sku}': { apiKeyRequired: true }, 'PUT /items/{sku}': { apiKeyRequired: false } },
        apiKeys: { 'k-reader-5c1e0d9a27b3': { usagePlan: 'BasicPlan' } },
        usagePlans: { BasicPlan: { throttle: { rateRps: 2, burst: 4 }, methods: {}, quota: { limit: 100, period: 'WEEK', offset: 0 } } },
      },
    },
    {
      why: 'SAM HTTP API: DefaultRouteSettings, RouteSettings (a rate-only route inherits the default burst), HttpApi events',
      spec: `cfn:${FIX}/sam-http.yaml`,
      expected: {
        api: { type: 'http', name: 'CatalogApi', id: 'CatalogApi' }, account: ACCOUNT, stageBucketScope: 'method', apiKeys: {}, usagePlans: {},
        stages: { v1: { throttle: { rateRps: 60, burst: 30 }, routes: { 'GET /products/{id}': { throttle: { rateRps: 10, burst: 5 } }, 'POST /products': { throttle: { rateRps: 2, burst: 30 } } } } },
        routes: { 'GET /products/{id}': { apiKeyRequired: false }, 'GET /products': { apiKeyRequired: false }, 'POST /products': { apiKeyRequired: false } },
      },
    },
    {
      why: 'AWS::ApiGatewayV2 Api/Route/Stage ($default, fractional rate)',
      spec: `cfn:${FIX}/cfn-http.yaml`,
      expected: {
        api: { type: 'http', name: 'payments', id: 'PaymentsApi' }, account: ACCOUNT, stageBucketScope: 'method', apiKeys: {}, usagePlans: {},
        stages: { $default: { throttle: { rateRps: 250.5, burst: 100 }, routes: { 'POST /charges/{id}/refund': { throttle: { rateRps: 1, burst: 2 } } } } },
        routes: { 'POST /charges': { apiKeyRequired: false }, 'POST /charges/{id}/refund': { apiKeyRequired: false } },
      },
    },
    {
      why: 'Terraform REST plan: references in configuration link ids unknown before apply, method_path */* and cart/{itemId}/DELETE, -1 inherits, usage plan from a nested api_stages block, the key value from a variable',
      spec: `tf-plan:${FIX}/tf-rest-plan.json`,
      expected: {
        api: { type: 'rest', name: 'shop', id: 'awsapigatewayrestapishop' }, account: ACCOUNT, stageBucketScope: 'method',
        stages: { prod: { throttle: { rateRps: 50, burst: 25 }, routes: { 'DELETE /cart/{itemId}': { throttle: { rateRps: 3, burst: 25 } } } } },
        routes: { 'GET /cart': { apiKeyRequired: false }, 'DELETE /cart/{itemId}': { apiKeyRequired: true } },
        apiKeys: { 'k-mobile-9e8d7c6b5a41': { usagePlan: 'mobile' } },
        usagePlans: { mobile: { throttle: { rateRps: 20, burst: 40 }, methods: { 'DELETE /cart/{itemId}': { rateRps: 0.5, burst: 1 } }, quota: { limit: 20000, period: 'MONTH', offset: 0 } } },
      },
    },
    {
      why: 'Terraform HTTP plan: default_route_settings and route_settings blocks',
      spec: `tf-plan:${FIX}/tf-http-plan.json`,
      expected: {
        api: { type: 'http', name: 'events', id: 'awsapigatewayv2apievents' }, account: ACCOUNT, stageBucketScope: 'method', apiKeys: {}, usagePlans: {},
        stages: { $default: { throttle: { rateRps: 1000, burst: 500 }, routes: { 'POST /events': { throttle: { rateRps: 100, burst: 50 } } } } },
        routes: { 'POST /events': { apiKeyRequired: false }, 'GET /events/{id}': { apiKeyRequired: false } },
      },
    },
  ])('$why', async ({ spec, expected }) => {
    expect(await limitsOf(spec)).toEqual(expected);
  });

  it('--limits-from dispatches cfn:, openapi:, tf-plan: to the files and aws: to the SDK', async () => {
    expect((await limitsFrom(`tf-plan:${FIX}/tf-http-plan.json`)).api.id).toBe('awsapigatewayv2apievents');
    await expect(limitsFrom('soap:x')).rejects.toThrow('--limits-from: "soap:x" is invalid (expected aws:rest:<restApiId>/<stage>, aws:http:<apiId>/<stage>, cfn:<template>[#LogicalId]');
  });
});

describe('emulator configs (loadgate emulator --from)', () => {
  it('CloudFormation: MOCK status and HTTP_PROXY uri become integrations; AWS_PROXY the default mock', async () => {
    const c = await emulatorConfigFromIac(`${FIX}/cfn-rest.json`);
    expect(c.routes['GET /items'].integration).toMatchObject({ type: 'mock', status: 200 });
    expect(c.routes['GET /items/{sku}'].integration).toEqual({ type: 'http', url: 'https://inventory.live.example.com/items/{sku}' });
    expect(c.routes['PUT /items/{sku}'].integration).toMatchObject({ type: 'mock', status: 200, body: '{}' });
  });
  it('OpenAPI REST export: the stage from basePath, ANY, api_key security, mock status', async () => {
    const c = await emulatorConfigFromIac(`${FIX}/openapi-rest.yaml`);
    expect([c.limits.api.type, Object.keys(c.limits.stages)]).toEqual(['rest', ['live']]);
    expect(c.routes['GET /pets/{petId}']).toMatchObject({ apiKeyRequired: true, integration: { type: 'http', url: 'http://petstore.example.com/pets/{petId}' } });
    expect(c.routes['ANY /pets/{petId}']).toMatchObject({ apiKeyRequired: false, integration: { type: 'mock', status: 202 } });
    expect(c.routes['GET /pets'].apiKeyRequired).toBe(false);
  });
  it('OpenAPI HTTP API export (importexport-version, payloadFormatVersion): an HTTP API on $default', async () => {
    const c = await emulatorConfigFromIac(`${FIX}/openapi-http.json`);
    expect([c.limits.api.type, c.limits.api.name, Object.keys(c.limits.stages)]).toEqual(['http', 'tickets', ['$default']]);
    expect(Object.keys(c.routes).sort()).toEqual(['GET /tickets', 'GET /tickets/{id}', 'POST /tickets']);
  });
});

describe('refused, naming file, where and property', () => {
  it.each([
    { why: 'a parameter without Default', name: 'sam-rest.yaml', edit: (t: string) => t.replace('    Type: Number\n    Default: 100\n', '    Type: Number\n'),
      message: /sam-rest\.yaml: OrdersApi: Properties\.MethodSettings\[0\]\.ThrottlingRateLimit: Ref DefaultRateLimit: the parameter has no Default/ },
    { why: 'an API key whose value AWS generates', name: 'sam-rest.yaml', edit: (t: string) => t.replace('      Value: !Ref PartnerKeyValue\n', ''),
      message: /sam-rest\.yaml: PartnerKey: Properties\.Value: not set: AWS generates the key/ },
    { why: 'Fn::If (a condition)', name: 'sam-rest.yaml', edit: (t: string) => t.replace('ThrottlingBurstLimit: 50', 'ThrottlingBurstLimit: !If [IsProd, 50, 5]'),
      message: /OrdersApi: Properties\.MethodSettings\[0\]\.ThrottlingBurstLimit: Fn::If is known only when the stack is deployed/ },
    { why: 'a pseudo parameter in a stage name', name: 'sam-rest.yaml', edit: (t: string) => t.replace('StageName: !Ref StageName', 'StageName: !Ref AWS::Region'),
      message: /OrdersApi: Properties\.StageName: Ref AWS::Region is a pseudo parameter/ },
    { why: 'one method on every resource', name: 'cfn-rest.json', edit: (t: string) => t.replace('"ResourcePath": "/*", "HttpMethod": "*"', '"ResourcePath": "/*", "HttpMethod": "GET"'),
      message: /cfn-rest\.json: LiveStage: Properties\.MethodSettings\[1\]: ResourcePath \/\* with HttpMethod GET/ },
    { why: 'a WebSocket API', name: 'cfn-http.yaml', edit: (t: string) => t.replace('ProtocolType: HTTP', 'ProtocolType: WEBSOCKET'),
      message: /cfn-http\.yaml: PaymentsApi: Properties\.ProtocolType: "WEBSOCKET" is not supported/ },
    { why: 'a throttle that is not a number', name: 'sam-http.yaml', edit: (t: string) => t.replace('ThrottlingRateLimit: 60', 'ThrottlingRateLimit: lots'),
      message: /sam-http\.yaml: CatalogApi: Properties\.DefaultRouteSettings\.ThrottlingRateLimit: "lots" is not a number/ },
    { why: 'Terraform: a key value unknown until apply', name: 'tf-rest-plan.json', edit: (t: string) => t.replace('"value": "k-mobile-9e8d7c6b5a41",', ''),
      message: /tf-rest-plan\.json: aws_api_gateway_api_key\.mobile_app: value: unknown until apply/ },
    { why: 'Terraform: a method path the gateway has no bucket for', name: 'tf-rest-plan.json', edit: (t: string) => t.replace('"method_path": "cart/{itemId}/DELETE"', '"method_path": "*/DELETE"'),
      message: /aws_api_gateway_method_settings\.item_delete: method_path: "\*\/DELETE" is not supported/ },
    { why: 'Terraform: a WebSocket API', name: 'tf-http-plan.json', edit: (t: string) => t.replace('"protocol_type": "HTTP"', '"protocol_type": "WEBSOCKET"'),
      message: /aws_apigatewayv2_api\.events: protocol_type: "WEBSOCKET" is not supported/ },
    { why: 'OpenAPI: no throttles at all', name: 'openapi-rest.yaml', edit: (t: string) => t,
      message: /openapi-rest\.yaml: openapi0001: declares no throttle .*OpenAPI has no throttle extension/ },
  ])('$why', async ({ name, edit, message }) => {
    const file = await variant(name, edit);
    const format = name.startsWith('tf') ? 'tf-plan' : name.startsWith('openapi') ? 'openapi' : 'cfn';
    await expect(limitsOf(`${format}:${file}`)).rejects.toThrow(message);
  });

  it('two APIs need #LogicalId; an unknown one is named; child modules are named', async () => {
    const two = await variant('cfn-http.yaml', (t) => t.replace('Resources:\n', 'Resources:\n  OtherApi:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: { Name: other, ProtocolType: HTTP }\n'));
    await expect(limitsOf(`cfn:${two}`)).rejects.toThrow('2 APIs (OtherApi, PaymentsApi): name one as <file>#<LogicalId>');
    expect((await limitsOf(`cfn:${two}#PaymentsApi`)).api.id).toBe('PaymentsApi');
    await expect(limitsOf(`cfn:${two}#Nope`)).rejects.toThrow('#Nope: not an API of this template');
    const moduled = await variant('tf-http-plan.json', (t) => t.replace('"root_module": {\n      "resources"', '"root_module": {\n      "child_modules": [{ "address": "module.edge", "resources": [] }],\n      "resources"'));
    await expect(limitsOf(`tf-plan:${moduled}`)).rejects.toThrow('planned_values.root_module.child_modules[0] (module.edge): resources in child modules are not read');
    await expect(limitsOf(`openapi:${FIX}/tf-http-plan.json`)).rejects.toThrow('not an OpenAPI definition (it looks like tf-plan:)');
  });
});
