/**
 * A Terraform plan (`terraform show -json plan.out`) as the emulator config of one of its API
 * Gateway APIs. Values come from `planned_values` (root module); which resource points at which
 * comes from `configuration` (`expressions.<attr>.references`), since ids are unknown before
 * apply. Read:
 *
 *   REST   aws_api_gateway_rest_api, _resource + _method (routes, api_key_required),
 *          _stage, _method_settings (method_path `*\/*` or `pets/GET`, settings.throttling_*),
 *          _usage_plan (api_stages.throttle, throttle_settings, quota_settings), _api_key (value),
 *          _usage_plan_key
 *   HTTP   aws_apigatewayv2_api (protocol_type HTTP), _route, _stage (default_route_settings,
 *          route_settings)
 *
 * -1 (the provider's default) or null inherits the next level. Resources in child modules are
 * not read (named when the plan has any). The account is AWS's default.
 */
import { apiTypeOfControlPlane, flavourOf } from '../api/flavours.ts';
import { AWS_ACCOUNT_DEFAULT } from '../core/limits.ts';
import { numberOf, refuse, throttleOf, type RawConfig } from './problem.ts';

type Values = Record<string, unknown>;
interface Planned { readonly address: string; readonly type: string; readonly values: Values; readonly refs: Readonly<Record<string, readonly string[]>> }
const obj = (v: unknown): Values => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Values) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const first = (v: unknown): Values => obj(list(v)[0]);

/** Whether a parsed JSON document is a Terraform plan. */
export function isTerraformPlan(doc: unknown): boolean {
  const d = obj(doc);
  return typeof d.format_version === 'string' && (d.planned_values !== undefined || d.resource_changes !== undefined);
}

function plannedResources(plan: Values, file: string): Planned[] {
  const root = obj(obj(plan.planned_values).root_module);
  if (list(root.child_modules).length > 0) throw refuse(file, `planned_values.root_module.child_modules[0] (${String(obj(list(root.child_modules)[0]).address)})`, undefined, 'resources in child modules are not read: plan the API in the root module, or declare its limits with --limits');
  const config = new Map(list(obj(obj(plan.configuration).root_module).resources).map((r) => [String(obj(r).address), obj(obj(r).expressions)]));
  return list(root.resources).map((raw) => {
    const r = obj(raw);
    const expressions = config.get(String(r.address)) ?? {};
    const refs: Record<string, string[]> = {};
    for (const [attr, e] of Object.entries(expressions)) refs[attr] = referencesIn(e);
    return { address: String(r.address), type: String(r.type), values: obj(r.values), refs };
  });
}

/** Every reference inside an expression, nested blocks (`api_stages[].api_id`) included. */
function referencesIn(e: unknown): string[] {
  if (Array.isArray(e)) return e.flatMap(referencesIn);
  const o = obj(e);
  return [...list(o.references).map(String), ...Object.entries(o).filter(([k]) => k !== 'references').flatMap(([, v]) => (typeof v === 'object' ? referencesIn(v) : []))];
}

/** Plan -> the raw emulator config of one API (`address`: its resource address, when there are several). */
export function configFromPlan(plan: unknown, file: string, address?: string): RawConfig {
  const resources = plannedResources(obj(plan), file);
  const apis = resources.filter((r) => r.type === 'aws_api_gateway_rest_api' || r.type === 'aws_apigatewayv2_api');
  const api = address ? apis.find((a) => a.address === address) : apis.length === 1 ? apis[0] : undefined;
  if (!api) throw refuse(file, 'planned_values', undefined, address ? `no API at ${address} (APIs: ${apis.map((a) => a.address).join(', ') || 'none'})` : apis.length === 0 ? 'no aws_api_gateway_rest_api or aws_apigatewayv2_api' : `${apis.length} APIs (${apis.map((a) => a.address).join(', ')}): name one as <file>#<address>`);
  const plane = api.type === 'aws_api_gateway_rest_api' ? 'apigateway' : 'apigatewayv2';
  if (plane === 'apigatewayv2' && api.values.protocol_type !== 'HTTP') throw refuse(file, api.address, 'protocol_type', `${JSON.stringify(api.values.protocol_type)} is not supported (the emulator serves REST and HTTP APIs)`);
  const type = apiTypeOfControlPlane(plane);
  const pointsAt = (r: Planned, attr: string, target: Planned): boolean => (r.refs[attr] ?? []).some((ref) => ref === target.address || ref.startsWith(`${target.address}.`));
  const onApi = (t: string, attr: string) => resources.filter((r) => r.type === t && pointsAt(r, attr, api));
  const name = typeof api.values.name === 'string' ? api.values.name : api.address;
  const config: RawConfig = { api: { type, name, id: api.address.replace(/[^A-Za-z0-9]/g, '') }, stages: {}, routes: {}, apiKeys: {}, usagePlans: {} };
  const num = (r: Planned, v: unknown, property: string, integer = false): number | undefined => (v === undefined || v === null || v === -1 ? undefined : numberOf(v, file, r.address, property, { integer }));
  if (plane === 'apigateway') rest(file, api, resources, onApi, pointsAt, num, config);
  else {
    for (const route of onApi('aws_apigatewayv2_route', 'api_id')) config.routes[String(route.values.route_key)] = {};
    for (const s of onApi('aws_apigatewayv2_stage', 'api_id')) {
      const d = first(s.values.default_route_settings);
      const throttle = throttleOf(num(s, d.throttling_rate_limit, 'default_route_settings.throttling_rate_limit'), num(s, d.throttling_burst_limit, 'default_route_settings.throttling_burst_limit', true), AWS_ACCOUNT_DEFAULT);
      const stage: RawConfig['stages'][string] = { ...(throttle ? { throttle } : {}), routes: {} };
      list(s.values.route_settings).map(obj).forEach((rs, i) => {
        const t = throttleOf(num(s, rs.throttling_rate_limit, `route_settings[${i}].throttling_rate_limit`), num(s, rs.throttling_burst_limit, `route_settings[${i}].throttling_burst_limit`, true), throttle ?? AWS_ACCOUNT_DEFAULT);
        if (t) stage.routes[String(rs.route_key)] = { throttle: t };
      });
      config.stages[String(s.values.name)] = stage;
    }
  }
  if (Object.keys(config.stages).length === 0) config.stages[flavourOf(type).routing.defaultStageName] = { routes: {} };
  return config;
}

type Num = (r: Planned, v: unknown, property: string, integer?: boolean) => number | undefined;

function rest(file: string, api: Planned, resources: readonly Planned[], onApi: (t: string, attr: string) => Planned[], pointsAt: (r: Planned, attr: string, t: Planned) => boolean, num: Num, config: RawConfig): void {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const target = (r: Planned, attr: string): Planned | undefined => (r.refs[attr] ?? []).map((ref) => byAddress.get(ref) ?? byAddress.get(ref.replace(/\.[a-z_]+$/, ''))).find((x) => x !== undefined);
  const pathOf = (r: Planned, depth = 0): string => {
    if (depth > 50) throw refuse(file, r.address, 'parent_id', 'the resources form a cycle');
    const parent = target(r, 'parent_id');
    const base = !parent || parent === api ? '' : pathOf(parent, depth + 1);
    return `${base}/${String(r.values.path_part)}`;
  };
  for (const m of onApi('aws_api_gateway_method', 'rest_api_id')) {
    const res = target(m, 'resource_id');
    const path = res && res.type === 'aws_api_gateway_resource' ? pathOf(res) : '/';
    config.routes[`${String(m.values.http_method).toUpperCase()} ${path}`] = m.values.api_key_required === true ? { apiKeyRequired: true } : {};
  }
  const stageByAddress = new Map<string, string>();
  for (const s of onApi('aws_api_gateway_stage', 'rest_api_id')) {
    config.stages[String(s.values.stage_name)] = { routes: {} };
    stageByAddress.set(s.address, String(s.values.stage_name));
  }
  const settings = onApi('aws_api_gateway_method_settings', 'rest_api_id').map((ms) => {
    const stageRef = target(ms, 'stage_name');
    const stage = stageRef ? stageByAddress.get(stageRef.address) : typeof ms.values.stage_name === 'string' ? ms.values.stage_name : undefined;
    if (stage === undefined || !config.stages[stage]) throw refuse(file, ms.address, 'stage_name', `${JSON.stringify(ms.values.stage_name ?? null)} is not a stage of ${api.address} in this plan`);
    const s = first(ms.values.settings);
    return { ms, stage, path: String(ms.values.method_path), rate: num(ms, s.throttling_rate_limit, 'settings.throttling_rate_limit'), burst: num(ms, s.throttling_burst_limit, 'settings.throttling_burst_limit', true) };
  });
  // Stage defaults first: a method's override inherits what it leaves out from them.
  for (const x of settings.filter((x) => x.path === '*/*')) {
    const t = throttleOf(x.rate, x.burst, AWS_ACCOUNT_DEFAULT);
    if (t) config.stages[x.stage].throttle = t;
  }
  for (const x of settings.filter((x) => x.path !== '*/*')) {
    const m = /^(.*)\/([A-Za-z]+|\*)$/.exec(x.path);
    if (!m || m[1] === '*') throw refuse(file, x.ms.address, 'method_path', `${JSON.stringify(x.path)} is not supported (*/* or <resource path>/<METHOD>)`);
    const t = throttleOf(x.rate, x.burst, config.stages[x.stage].throttle ?? AWS_ACCOUNT_DEFAULT);
    if (t) config.stages[x.stage].routes[`${m[2] === '*' ? 'ANY' : m[2].toUpperCase()} /${m[1].replace(/^\//, '')}`] = { throttle: t };
  }
  const planName = new Map<string, string>();
  for (const p of resources.filter((r) => r.type === 'aws_api_gateway_usage_plan' && pointsAt(r, 'api_stages', api))) {
    const name = String(p.values.name ?? p.address);
    const t = first(p.values.throttle_settings);
    const throttle = throttleOf(num(p, t.rate_limit, 'throttle_settings.rate_limit'), num(p, t.burst_limit, 'throttle_settings.burst_limit', true), AWS_ACCOUNT_DEFAULT);
    const methods: Record<string, { rateRps: number; burst: number }> = {};
    list(p.values.api_stages).map(obj).forEach((s, i) => list(s.throttle).map(obj).forEach((mt, j) => {
      const spec = throttleOf(num(p, mt.rate_limit, `api_stages[${i}].throttle[${j}].rate_limit`), num(p, mt.burst_limit, `api_stages[${i}].throttle[${j}].burst_limit`, true), throttle ?? AWS_ACCOUNT_DEFAULT);
      if (spec) methods[String(mt.path)] = spec;
    }));
    const q = first(p.values.quota_settings);
    const quota = list(p.values.quota_settings).length === 0 ? undefined : { limit: numberOf(q.limit, file, p.address, 'quota_settings.limit', { integer: true }), period: String(q.period), offset: num(p, q.offset, 'quota_settings.offset', true) ?? 0 };
    config.usagePlans[name] = { ...(throttle ? { throttle } : {}), methods, ...(quota ? { quota } : {}) };
    planName.set(p.address, name);
  }
  for (const k of resources.filter((r) => r.type === 'aws_api_gateway_usage_plan_key')) {
    const plan = target(k, 'usage_plan_id');
    const name = plan ? planName.get(plan.address) : undefined;
    if (name === undefined) continue;
    const key = target(k, 'key_id');
    if (!key || key.type !== 'aws_api_gateway_api_key') throw refuse(file, k.address, 'key_id', 'not a reference to an aws_api_gateway_api_key of this plan');
    if (typeof key.values.value !== 'string') throw refuse(file, key.address, 'value', 'unknown until apply (AWS generates it): set value, so requests can carry the key');
    config.apiKeys[key.values.value] = { usagePlan: name };
  }
}
