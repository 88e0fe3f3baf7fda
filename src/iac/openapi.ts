/**
 * OpenAPI 3 with API Gateway's `x-amazon-apigateway-*` extensions, as `aws apigateway get-export
 * --parameters extensions='apigateway'` and `aws apigatewayv2 export-api` write it (and SAM's
 * DefinitionBody holds it): routes from `paths` (`x-amazon-apigateway-any-method` = ANY), which
 * need an API key (a security requirement naming an `apiKey` scheme in the `x-api-key` header),
 * the API type (HTTP when `x-amazon-apigateway-importexport-version` is set or an integration has
 * `payloadFormatVersion`), the stage from `servers[].variables.basePath`, and mock (`type: mock`,
 * its `responses.default.statusCode`) and HTTP proxy (`http_proxy`, its `uri`) integrations.
 *
 * OpenAPI carries no throttles: API Gateway keeps them on the stage (MethodSettings, route
 * settings), which is in the SAM / CloudFormation / Terraform code, not in the definition.
 */
import { flavourOf } from '../api/flavours.ts';
import { refuse, type RawConfig } from './problem.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {});

/** Whether a parsed document is OpenAPI 3 (or Swagger 2, which API Gateway also imports). */
export function isOpenApi(doc: unknown): boolean {
  const d = obj(doc);
  return typeof d.openapi === 'string' || typeof d.swagger === 'string';
}

/** The API type a definition describes. */
export function apiTypeOf(doc: Doc): 'rest' | 'http' {
  if (doc['x-amazon-apigateway-importexport-version'] !== undefined) return 'http';
  for (const item of Object.values(obj(doc.paths))) {
    for (const op of Object.values(obj(item))) if (obj(obj(op)['x-amazon-apigateway-integration']).payloadFormatVersion !== undefined) return 'http';
  }
  return 'rest';
}

/** Routes, key requirements and integrations of a definition, into `config.routes`. */
export function routesFromOpenApi(doc: Doc, file: string, where: string, config: Pick<RawConfig, 'routes'>): void {
  const schemes = { ...obj(obj(doc.components).securitySchemes), ...obj(doc.securityDefinitions) };
  const keyed = (security: unknown): boolean =>
    Array.isArray(security) && security.some((req) => Object.keys(obj(req)).some((name) => {
      const s = obj(schemes[name]);
      return s.type === 'apiKey' && String(s.name).toLowerCase() === 'x-api-key' && s.in === 'header';
    }));
  for (const [path, item] of Object.entries(obj(doc.paths))) {
    if (!path.startsWith('/')) throw refuse(file, where, `paths.${path}`, 'a path must start with /');
    for (const [name, op] of Object.entries(obj(item))) {
      const method = name === 'x-amazon-apigateway-any-method' ? 'ANY' : METHODS.includes(name) ? name.toUpperCase() : undefined;
      if (method === undefined) continue;
      const o = obj(op);
      const key = path === '/$default' ? '$default' : `${method} ${path}`;
      const integration = integrationOf(obj(o['x-amazon-apigateway-integration']), file, where, `paths.${path}.${name}`);
      config.routes[key] = { ...(keyed(o.security ?? doc.security) ? { apiKeyRequired: true } : {}), ...(integration ? { integration } : {}) };
    }
  }
}

function integrationOf(i: Doc, file: string, where: string, property: string): Record<string, unknown> | undefined {
  const type = typeof i.type === 'string' ? i.type.toLowerCase() : undefined;
  if (type === undefined) return undefined;
  if (type === 'mock') {
    const status = Number(obj(obj(i.responses).default).statusCode ?? 200);
    if (!Number.isInteger(status)) throw refuse(file, where, `${property}.x-amazon-apigateway-integration.responses.default.statusCode`, 'not a status code');
    return { type: 'mock', status };
  }
  if (type === 'http_proxy' && typeof i.uri === 'string' && /^https?:\/\//.test(i.uri)) return { type: 'http', url: i.uri };
  // aws_proxy (Lambda), aws, http with mapping templates: the emulator answers them with its default mock.
  return undefined;
}

/** The stage a definition names in `servers[].variables.basePath.default` (`/prod`), if any. */
export function stageOf(doc: Doc): string | undefined {
  for (const server of Array.isArray(doc.servers) ? doc.servers : []) {
    const base = obj(obj(obj(server).variables).basePath).default;
    if (typeof base === 'string' && base.replace(/^\//, '') !== '') return base.replace(/^\//, '');
  }
  return undefined;
}

/** A whole OpenAPI file as an emulator config: routes, no throttles (see the file comment). */
export function configFromOpenApi(doc: Doc, file: string): RawConfig {
  const type = apiTypeOf(doc);
  const title = typeof obj(doc.info).title === 'string' ? String(obj(doc.info).title) : 'openapi-api';
  const config: RawConfig = { api: { type, name: title, id: 'openapi0001' }, stages: {}, routes: {}, apiKeys: {}, usagePlans: {} };
  config.stages[stageOf(doc) ?? flavourOf(type).routing.defaultStageName] = { routes: {} };
  routesFromOpenApi(doc, file, 'openapi', config);
  return config;
}
