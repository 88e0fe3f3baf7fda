/**
 * A CloudFormation or SAM template as the emulator config of one of its APIs (the only one, or
 * the one `#LogicalId` names). Read, with intrinsics resolved by intrinsics.ts:
 *
 *   REST   AWS::ApiGateway::RestApi (Body), ::Resource + ::Method (routes, ApiKeyRequired,
 *          MOCK / HTTP_PROXY integrations), ::Stage (MethodSettings), ::UsagePlan (ApiStages,
 *          Throttle, Quota), ::ApiKey (Value), ::UsagePlanKey; AWS::Serverless::Api (StageName,
 *          MethodSettings, DefinitionBody, Auth.ApiKeyRequired, Auth.UsagePlan)
 *   HTTP   AWS::ApiGatewayV2::Api (Body), ::Route, ::Stage (DefaultRouteSettings, RouteSettings);
 *          AWS::Serverless::HttpApi (StageName, DefaultRouteSettings, RouteSettings, DefinitionBody)
 *   both   AWS::Serverless::Function events of Type Api / HttpApi, on their API or SAM's implicit
 *          ServerlessRestApi (stage Prod) / ServerlessHttpApi ($default)
 *
 * MethodSettings' ResourcePath is CloudFormation's escaped form (`/~1pets~1{id}`, `/*` = every
 * resource); a limit left out inherits the next level, as on AWS. The account is AWS's default.
 */
import { apiTypeOfControlPlane, flavourOf } from '../api/flavours.ts';
import { AWS_ACCOUNT_DEFAULT } from '../core/limits.ts';
import { isResourceRef, known, Resolver } from './intrinsics.ts';
import { apiTypeOf, routesFromOpenApi } from './openapi.ts';
import { numberOf, refuse, throttleOf, type RawConfig } from './problem.ts';

type Props = Record<string, unknown>;
interface Resource { readonly id: string; readonly type: string; readonly props: Props }
const obj = (v: unknown): Props => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Props) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const API_TYPES: Readonly<Record<string, 'rest' | 'http'>> = {
  'AWS::ApiGateway::RestApi': 'rest', 'AWS::Serverless::Api': 'rest', 'AWS::ApiGatewayV2::Api': 'http', 'AWS::Serverless::HttpApi': 'http',
};

/** Template -> the raw emulator config of one API (`apiId`: its logical id, when there are several). */
export function configFromTemplate(template: unknown, file: string, apiId?: string): RawConfig {
  const t = obj(template);
  if (typeof t.Resources !== 'object' || t.Resources === null) throw refuse(file, 'Resources', undefined, 'missing: not a CloudFormation or SAM template');
  const r = new Resolver(file, t);
  const resources: Resource[] = Object.entries(obj(t.Resources)).map(([id, v]) => {
    const type = String(obj(v).Type);
    return { id, type, props: type === 'AWS::Serverless::Function' ? obj(obj(v).Properties) : (r.resolve(obj(v).Properties ?? {}, id, 'Properties') as Props) };
  });
  const events = functionEvents(file, resources, r);
  const apis = new Map<string, { type: 'rest' | 'http'; resource?: Resource }>();
  for (const res of resources) if (API_TYPES[res.type]) apis.set(res.id, { type: API_TYPES[res.type], resource: res });
  for (const e of events) if (!apis.has(e.api)) apis.set(e.api, { type: e.type });
  const chosen = apiId ?? (apis.size === 1 ? [...apis.keys()][0] : undefined);
  if (chosen === undefined) throw refuse(file, 'Resources', undefined, apis.size === 0 ? 'no API Gateway API (AWS::ApiGateway::RestApi, AWS::ApiGatewayV2::Api, AWS::Serverless::Api / HttpApi or a function event)' : `${apis.size} APIs (${[...apis.keys()].join(', ')}): name one as <file>#<LogicalId>`);
  const api = apis.get(chosen);
  if (!api) throw refuse(file, `#${chosen}`, undefined, `not an API of this template (APIs: ${[...apis.keys()].join(', ') || 'none'})`);
  const props = api.resource?.props ?? {};
  const refersTo = (v: unknown): boolean => isResourceRef(v) && v.$ref === chosen;
  if (api.resource?.type === 'AWS::ApiGatewayV2::Api' && props.ProtocolType !== 'HTTP') {
    throw refuse(file, chosen, 'Properties.ProtocolType', `${JSON.stringify(props.ProtocolType)} is not supported (the emulator serves REST and HTTP APIs)`);
  }
  // A name only labels the API (CloudWatch's ApiName): an unresolvable one falls back to the logical id.
  const config: RawConfig = { api: { type: api.type, name: typeof props.Name === 'string' ? props.Name : chosen, id: chosen }, stages: {}, routes: {}, apiKeys: {}, usagePlans: {} };
  const body = obj(known(props.Body ?? props.DefinitionBody));
  if (Object.keys(body).length > 0) {
    if (apiTypeOf(body) !== api.type) throw refuse(file, chosen, 'Properties.Body', `an ${apiTypeOf(body)} API definition on a ${api.type} API`);
    routesFromOpenApi(body, file, chosen, config);
  }
  if (props.DefinitionUri !== undefined) throw refuse(file, chosen, 'Properties.DefinitionUri', 'a definition in another file or S3 is not read: inline it as DefinitionBody, or pass the file as openapi:<file>');
  for (const e of events.filter((e) => e.api === chosen)) config.routes[e.routeKey] = { ...(e.apiKeyRequired ?? obj(props.Auth).ApiKeyRequired === true ? { apiKeyRequired: true } : {}) };
  if (flavourOf(api.type).controlPlane === 'apigateway') restApi(file, chosen, props, resources, refersTo, config, r);
  else httpApi(file, chosen, props, resources, refersTo, config);
  const routing = flavourOf(api.type).routing;
  // SAM names the stage of an implicit REST API "Prod"; an explicit one without stages gets the flavour's default.
  if (Object.keys(config.stages).length === 0) config.stages[api.resource || routing.defaultStage ? routing.defaultStageName : 'Prod'] = { routes: {} };
  return config;
}

interface FunctionEvent { readonly api: string; readonly type: 'rest' | 'http'; readonly routeKey: string; readonly apiKeyRequired?: boolean }

function functionEvents(file: string, resources: readonly Resource[], r: Resolver): FunctionEvent[] {
  const out: FunctionEvent[] = [];
  for (const fn of resources.filter((x) => x.type === 'AWS::Serverless::Function')) {
    for (const [name, raw] of Object.entries(obj(fn.props.Events))) {
      const e = obj(raw);
      if (e.Type !== 'Api' && e.Type !== 'HttpApi') continue;
      const where = `Properties.Events.${name}.Properties`;
      const p = r.resolve(e.Properties ?? {}, fn.id, where) as Props;
      const rest = e.Type === 'Api';
      const ref = rest ? p.RestApiId : p.ApiId;
      const api = ref === undefined ? (rest ? 'ServerlessRestApi' : 'ServerlessHttpApi') : isResourceRef(ref) ? ref.$ref : undefined;
      if (api === undefined) throw refuse(file, fn.id, `${where}.${rest ? 'RestApiId' : 'ApiId'}`, 'not a Ref to an API of this template');
      const method = typeof p.Method === 'string' ? p.Method.toUpperCase() : undefined;
      const routeKey = !rest && p.Path === undefined ? '$default' : `${method === undefined || method === 'ANY' || method === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : method} ${String(p.Path)}`;
      out.push({ api, type: apiTypeOfControlPlane(rest ? 'apigateway' : 'apigatewayv2'), routeKey, apiKeyRequired: obj(p.Auth).ApiKeyRequired === undefined ? undefined : obj(p.Auth).ApiKeyRequired === true });
    }
  }
  return out;
}

/** `/~1pets~1{id}` + `GET` -> `GET /pets/{id}`; `/*` + `*` -> undefined (the stage default). */
function routeOfMethodSetting(file: string, where: string, property: string, path: string, method: string): string | undefined {
  if (path === '/*' && method === '*') return undefined;
  if (path === '/*') throw refuse(file, where, property, `ResourcePath /* with HttpMethod ${method}: a limit for one method on every resource is not supported (use /* with *, or one resource)`);
  // The first / separates; the path's own slashes are escaped as ~1 (`/~1pets~1{id}` is /pets/{id}).
  const decoded = path.replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  return `${method === '*' ? 'ANY' : method.toUpperCase()} ${decoded.startsWith('/') ? decoded : `/${decoded}`}`;
}

function methodSettings(file: string, where: string, settings: unknown, stage: RawConfig['stages'][string]): void {
  // Route overrides inherit the stage default, which a later entry may set: defaults first.
  const pending: (() => void)[] = [];
  list(known(settings)).forEach((raw, i) => {
    const s = obj(known(raw));
    const property = `Properties.MethodSettings[${i}]`;
    const num = (k: string, integer = false) => (s[k] === undefined ? undefined : numberOf(s[k], file, where, `${property}.${k}`, { integer }));
    const rate = num('ThrottlingRateLimit');
    const burst = num('ThrottlingBurstLimit', true);
    const route = routeOfMethodSetting(file, where, property, String(known(s.ResourcePath) ?? '/*'), String(known(s.HttpMethod) ?? '*'));
    if (route === undefined) stage.throttle = throttleOf(rate, burst, AWS_ACCOUNT_DEFAULT) ?? stage.throttle;
    else pending.push(() => {
      const t = throttleOf(rate, burst, stage.throttle ?? AWS_ACCOUNT_DEFAULT);
      if (t) stage.routes[route] = { throttle: t };
    });
  });
  for (const apply of pending) apply();
}

function restApi(file: string, apiId: string, props: Props, resources: readonly Resource[], refersTo: (v: unknown) => boolean, config: RawConfig, r: Resolver): void {
  const paths = new Map<string, string>();
  const pathOf = (ref: unknown, where: string, property: string): string => {
    if (isResourceRef(ref) && ref.$ref === apiId && ref.attr === 'RootResourceId') return '/';
    const res = isResourceRef(ref) && !ref.attr ? resources.find((x) => x.id === ref.$ref && x.type === 'AWS::ApiGateway::Resource') : undefined;
    if (!res) throw refuse(file, where, property, `not a resource of this API (a Ref to an AWS::ApiGateway::Resource, or Fn::GetAtt ${apiId}.RootResourceId)`);
    let p = paths.get(res.id);
    if (p === undefined) {
      const parent = pathOf(res.props.ParentId, res.id, 'Properties.ParentId');
      paths.set(res.id, (p = `${parent === '/' ? '' : parent}/${String(res.props.PathPart)}`));
    }
    return p;
  };
  for (const m of resources.filter((x) => x.type === 'AWS::ApiGateway::Method' && refersTo(x.props.RestApiId))) {
    const path = pathOf(m.props.ResourceId, m.id, 'Properties.ResourceId');
    const method = String(m.props.HttpMethod).toUpperCase();
    const i = obj(m.props.Integration);
    const type = String(i.Type ?? '').toUpperCase();
    const status = Number(obj(list(i.IntegrationResponses)[0]).StatusCode ?? 200);
    const integration = type === 'MOCK' ? { type: 'mock', status } : type === 'HTTP_PROXY' && typeof i.Uri === 'string' ? { type: 'http', url: i.Uri } : undefined;
    config.routes[`${method} ${path}`] = { ...(m.props.ApiKeyRequired === true || m.props.ApiKeyRequired === 'true' ? { apiKeyRequired: true } : {}), ...(integration ? { integration } : {}) };
  }
  const stageNames = new Map<string, string>();
  const serverless = resources.find((x) => x.id === apiId)?.type === 'AWS::Serverless::Api';
  if (serverless) {
    const name = r.string(props.StageName, apiId, 'Properties.StageName');
    config.stages[name] = { routes: {} };
    methodSettings(file, apiId, props.MethodSettings, config.stages[name]);
    stageNames.set(`${apiId}.Stage`, name);
    samUsagePlan(file, apiId, props, config);
  }
  for (const s of resources.filter((x) => x.type === 'AWS::ApiGateway::Stage' && refersTo(x.props.RestApiId))) {
    const name = r.string(s.props.StageName, s.id, 'Properties.StageName');
    config.stages[name] = { routes: {} };
    methodSettings(file, s.id, s.props.MethodSettings, config.stages[name]);
    stageNames.set(s.id, name);
  }
  for (const d of resources.filter((x) => x.type === 'AWS::ApiGateway::Deployment' && refersTo(x.props.RestApiId) && x.props.StageName !== undefined)) {
    const name = r.string(d.props.StageName, d.id, 'Properties.StageName');
    config.stages[name] ??= { routes: {} };
    if (d.props.StageDescription !== undefined) throw refuse(file, d.id, 'Properties.StageDescription', 'not read: declare the stage as an AWS::ApiGateway::Stage with MethodSettings');
  }
  usagePlans(file, resources, refersTo, stageNames, config);
}

function throttleSettings(file: string, where: string, property: string, v: unknown): { rateRps: number; burst: number } | undefined {
  const t = obj(v);
  if (v === undefined) return undefined;
  return throttleOf(
    t.RateLimit === undefined ? undefined : numberOf(t.RateLimit, file, where, `${property}.RateLimit`),
    t.BurstLimit === undefined ? undefined : numberOf(t.BurstLimit, file, where, `${property}.BurstLimit`, { integer: true }),
    AWS_ACCOUNT_DEFAULT,
  );
}

function quotaOf(file: string, where: string, property: string, v: unknown): RawConfig['usagePlans'][string]['quota'] {
  if (v === undefined) return undefined;
  const q = obj(v);
  return { limit: numberOf(q.Limit, file, where, `${property}.Limit`, { integer: true }), period: String(q.Period), offset: q.Offset === undefined ? 0 : numberOf(q.Offset, file, where, `${property}.Offset`, { integer: true }) };
}

function samUsagePlan(file: string, apiId: string, props: Props, config: RawConfig): void {
  const plan = obj(obj(props.Auth).UsagePlan);
  if (plan.CreateUsagePlan === undefined || plan.CreateUsagePlan === 'NONE') return;
  if (plan.CreateUsagePlan !== 'PER_API') throw refuse(file, apiId, 'Properties.Auth.UsagePlan.CreateUsagePlan', `${JSON.stringify(plan.CreateUsagePlan)} is not supported (PER_API or NONE)`);
  const name = typeof plan.UsagePlanName === 'string' ? plan.UsagePlanName : `${apiId}UsagePlan`;
  const throttle = throttleSettings(file, apiId, 'Properties.Auth.UsagePlan.Throttle', plan.Throttle);
  const quota = quotaOf(file, apiId, 'Properties.Auth.UsagePlan.Quota', plan.Quota);
  config.usagePlans[name] = { ...(throttle ? { throttle } : {}), ...(quota ? { quota } : {}) };
}

function usagePlans(file: string, resources: readonly Resource[], refersTo: (v: unknown) => boolean, stageNames: ReadonlyMap<string, string>, config: RawConfig): void {
  const planNames = new Map<string, string>();
  for (const p of resources.filter((x) => x.type === 'AWS::ApiGateway::UsagePlan')) {
    const stages = list(p.props.ApiStages).map(obj).filter((s) => refersTo(s.ApiId));
    if (stages.length === 0) continue;
    const name = typeof p.props.UsagePlanName === 'string' ? p.props.UsagePlanName : p.id;
    const methods: Record<string, { rateRps: number; burst: number }> = {};
    stages.forEach((s, i) => {
      const stage = isResourceRef(s.Stage) ? stageNames.get(s.Stage.$ref) : s.Stage;
      if (typeof stage !== 'string') throw refuse(file, p.id, `Properties.ApiStages[${i}].Stage`, 'not a stage name or a Ref to a stage of this API');
      for (const [key, t] of Object.entries(obj(s.Throttle))) {
        const spec = throttleSettings(file, p.id, `Properties.ApiStages[${i}].Throttle.${key}`, t);
        if (spec && methods[key] && JSON.stringify(methods[key]) !== JSON.stringify(spec)) throw refuse(file, p.id, `Properties.ApiStages[${i}].Throttle.${key}`, 'differs between stages: the emulator keeps one per-method limit per plan');
        if (spec) methods[key] = spec;
      }
    });
    const throttle = throttleSettings(file, p.id, 'Properties.Throttle', p.props.Throttle);
    const quota = quotaOf(file, p.id, 'Properties.Quota', p.props.Quota);
    config.usagePlans[name] = { ...(throttle ? { throttle } : {}), methods, ...(quota ? { quota } : {}) };
    planNames.set(p.id, name);
  }
  for (const k of resources.filter((x) => x.type === 'AWS::ApiGateway::UsagePlanKey')) {
    const plan = isResourceRef(k.props.UsagePlanId) ? planNames.get(k.props.UsagePlanId.$ref) : undefined;
    if (plan === undefined) continue;
    const key = isResourceRef(k.props.KeyId) ? resources.find((x) => x.id === (k.props.KeyId as { $ref: string }).$ref && x.type === 'AWS::ApiGateway::ApiKey') : undefined;
    if (!key) throw refuse(file, k.id, 'Properties.KeyId', 'not a Ref to an AWS::ApiGateway::ApiKey of this template');
    known(key.props.Value);
    if (typeof key.props.Value !== 'string') throw refuse(file, key.id, 'Properties.Value', 'not set: AWS generates the key when the stack is deployed, so no request can carry it here (set Value, e.g. from a parameter Default)');
    if (config.apiKeys[key.props.Value] && config.apiKeys[key.props.Value].usagePlan !== plan) throw refuse(file, k.id, 'Properties.UsagePlanId', `the key is already in plan ${config.apiKeys[key.props.Value].usagePlan}: the emulator gives a key one plan per API`);
    config.apiKeys[key.props.Value] = { usagePlan: plan };
  }
}

function routeSettings(file: string, where: string, property: string, v: unknown, parent: { rateRps: number; burst: number }) {
  const s = obj(v);
  return throttleOf(
    s.ThrottlingRateLimit === undefined ? undefined : numberOf(s.ThrottlingRateLimit, file, where, `${property}.ThrottlingRateLimit`),
    s.ThrottlingBurstLimit === undefined ? undefined : numberOf(s.ThrottlingBurstLimit, file, where, `${property}.ThrottlingBurstLimit`, { integer: true }),
    parent,
  );
}

function httpStage(file: string, where: string, name: string, props: Props, config: RawConfig): void {
  const throttle = routeSettings(file, where, 'Properties.DefaultRouteSettings', props.DefaultRouteSettings, AWS_ACCOUNT_DEFAULT);
  const stage: RawConfig['stages'][string] = { ...(throttle ? { throttle } : {}), routes: {} };
  for (const [key, s] of Object.entries(obj(props.RouteSettings))) {
    const t = routeSettings(file, where, `Properties.RouteSettings.${key}`, s, throttle ?? AWS_ACCOUNT_DEFAULT);
    if (t) stage.routes[key] = { throttle: t };
  }
  config.stages[name] = stage;
}

function httpApi(file: string, apiId: string, props: Props, resources: readonly Resource[], refersTo: (v: unknown) => boolean, config: RawConfig): void {
  for (const route of resources.filter((x) => x.type === 'AWS::ApiGatewayV2::Route' && refersTo(x.props.ApiId))) config.routes[String(route.props.RouteKey)] ??= {};
  if (resources.find((x) => x.id === apiId)?.type === 'AWS::Serverless::HttpApi') httpStage(file, apiId, typeof props.StageName === 'string' ? props.StageName : '$default', props, config);
  for (const s of resources.filter((x) => x.type === 'AWS::ApiGatewayV2::Stage' && refersTo(x.props.ApiId))) httpStage(file, s.id, String(s.props.StageName), s.props, config);
}
