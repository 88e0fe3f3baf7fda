/**
 * The emulator config (`loadgate emulator --config FILE`): the limits schema of
 * core/limits.ts (api, account, stages, routes, apiKeys, usagePlans, options) plus, per route,
 * an `integration` (integration-config.ts), and these top-level settings:
 *
 * - `integrationTimeoutMs`: REST default 29,000 (raisable, up to 300,000 here); HTTP API default
 *   and hard maximum 30,000. AWS's minimum is 50.
 * - `payloadLimitBytes`: request bodies above it get 413. @default 10 MB (10,485,760)
 * - `detailedMetrics`: publish per Method/Resource metrics as well. @default false
 *
 * No stage declared means one: `prod` (REST) or `$default` (HTTP API), with no stage throttle.
 */
import { readFile } from 'node:fs/promises';
import { flavourOf } from '../api/flavours.ts';
import { UsageError } from '../errors.ts';
import { effectiveRouteKeys, parseLimits, type Limits, type StageLimits } from '../core/limits.ts';
import { parseRouteKey } from '../routing/route-key.ts';
import { checked } from '../schema/check.ts';
import { emulatorConfigBodySchema, emulatorConfigSchema } from '../schema/emulator-config.ts';
import { at, boolean, isObject, number, optional, type Where } from '../validate.ts';
import { DEFAULT_MOCK, PAYLOAD_LIMIT_BYTES, parseIntegration, type IntegrationSpec } from './integration-config.ts';

/** One route the emulator serves, under its canonical key (`GET /users/{id}`). */
export interface EmulatorRoute {
  readonly key: string;
  /** REST: the method requires an API key (403 Forbidden without a known one). */
  readonly apiKeyRequired: boolean;
  readonly integration: IntegrationSpec;
}

/** A validated, frozen emulator config: everything `startEmulator` needs. */
export interface EmulatorConfig {
  /** The throttling half (the same model replay predicts with). Always at least one stage. */
  readonly limits: Limits;
  /** Every route served: effectiveRouteKeys(limits), each with its integration. */
  readonly routes: Readonly<Record<string, EmulatorRoute>>;
  readonly integrationTimeoutMs: number;
  readonly payloadLimitBytes: number;
  readonly detailedMetrics: boolean;
}

export { PAYLOAD_LIMIT_BYTES };

const EXTRA_TOP_KEYS = ['integrationTimeoutMs', 'payloadLimitBytes', 'detailedMetrics'];
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Validates an emulator config document (already JSON-parsed) into a frozen EmulatorConfig.
 * `field` prefixes error locations when the config sits inside another document (`emulator`).
 */
export function parseEmulatorConfig(raw: unknown, file?: string, field = ''): EmulatorConfig {
  try {
    // A file of its own may name its JSON Schema; inside a scenario it is the scenario's.
    const schema = field === '' ? emulatorConfigSchema : emulatorConfigBodySchema;
    return checked(schema, raw, file, field, () => parseConfig(raw, file, field));
  } catch (err) {
    throw oneLine(err);
  }
}

/**
 * A refusal kept to one line: a field name may hold a newline or other control character (JSON
 * allows `"a\nb"` as a key), which would split the message; they are shown escaped.
 */
function oneLine(err: unknown): unknown {
  if (!(err instanceof UsageError) || !/[\u0000-\u001f\u007f]/.test(err.message)) return err;
  const message = err.message.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return new UsageError(message, { file: err.file, field: err.field });
}

function parseConfig(raw: unknown, file: string | undefined, field: string): EmulatorConfig {
  const where: Where = { file, field };
  const extraTopKeys = field === '' ? [...EXTRA_TOP_KEYS, '$schema'] : EXTRA_TOP_KEYS;
  const parsed = parseLimits(raw, file, field, { extraTopKeys, extraRouteKeys: ['integration'] });
  const limits = withDefaultStage(parsed);
  checkNames(limits, where);
  const o = raw as Record<string, unknown>;
  const integrations = new Map<string, IntegrationSpec>();
  if (isObject(o.routes)) {
    for (const [text, entry] of Object.entries(o.routes)) {
      const w = at(at(where, 'routes'), text);
      const integration = isObject(entry) && entry.integration !== undefined ? parseIntegration(entry.integration, at(w, 'integration')) : undefined;
      if (integration) integrations.set(parseRouteKey(text, w).key, integration);
    }
  }
  const type = limits.api.type;
  const timeout = flavourOf(type).integrationTimeoutMs;
  return build(limits, integrations, {
    integrationTimeoutMs: optional(o.integrationTimeoutMs, (v) => number(v, at(where, 'integrationTimeoutMs'), { min: 50, max: timeout.max })) ?? timeout.default,
    payloadLimitBytes: optional(o.payloadLimitBytes, (v) => number(v, at(where, 'payloadLimitBytes'), { min: 0, integer: true })) ?? PAYLOAD_LIMIT_BYTES,
    detailedMetrics: optional(o.detailedMetrics, (v) => boolean(v, at(where, 'detailedMetrics'))) ?? false,
  });
}

/**
 * The emulator for a scenario that declares `limits` but no `emulator` (docs/architecture.md
 * "Scenario limits vs the emulator"): the limits'
 * API and stages (one, `prod` or `$default`, when none is declared), every route the limits name
 * plus a catch-all (`ANY /` and `ANY /{proxy+}` on REST, `$default` on an HTTP API), each a mock answering
 * 200 `{}` at once. Everything else takes API Gateway's defaults.
 */
export function emulatorConfigFromLimits(limits: Limits): EmulatorConfig {
  const withStage = withDefaultStage(limits);
  const catchAll = flavourOf(limits.api.type).routing.catchAllRoutes;
  const routes: Record<string, { readonly apiKeyRequired: boolean }> = {};
  for (const key of [...effectiveRouteKeys(withStage), ...catchAll]) {
    routes[key] = limits.routes[key] ?? Object.freeze({ apiKeyRequired: false });
  }
  const full: Limits = Object.freeze({ ...withStage, routes: Object.freeze(routes) });
  return build(full, new Map(), {
    integrationTimeoutMs: flavourOf(limits.api.type).integrationTimeoutMs.default,
    payloadLimitBytes: PAYLOAD_LIMIT_BYTES,
    detailedMetrics: false,
  });
}

function build(limits: Limits, integrations: ReadonlyMap<string, IntegrationSpec>, settings: Omit<EmulatorConfig, 'limits' | 'routes'>): EmulatorConfig {
  const routes: Record<string, EmulatorRoute> = {};
  for (const key of effectiveRouteKeys(limits)) {
    routes[key] = Object.freeze({
      key,
      apiKeyRequired: flavourOf(limits.api.type).routing.apiKeys && (limits.routes[key]?.apiKeyRequired ?? false),
      integration: integrations.get(key) ?? DEFAULT_MOCK,
    });
  }
  return Object.freeze({ limits, routes: Object.freeze(routes), ...settings });
}

function withDefaultStage(limits: Limits): Limits {
  if (Object.keys(limits.stages).length > 0) return limits;
  const stage: StageLimits = Object.freeze({ routes: Object.freeze({}) });
  const name = flavourOf(limits.api.type).routing.defaultStageName;
  return Object.freeze({ ...limits, stages: Object.freeze({ [name]: stage }) });
}

/** Stage names as AWS allows them, and no `$default` stage or route where the flavour has none. */
function checkNames(limits: Limits, where: Where): void {
  const flavour = flavourOf(limits.api.type);
  const hasDefault = flavour.routing.defaultStage;
  for (const name of Object.keys(limits.stages)) {
    if (STAGE_NAME.test(name) || (hasDefault && name === '$default')) continue;
    const expected = hasDefault ? 'a stage name of letters, digits, - and _, or $default' : 'a stage name of letters, digits, - and _';
    throw UsageError.invalid(where.file, at(at(where, 'stages'), name).field, name, expected);
  }
  if (!hasDefault && '$default' in limits.routes) {
    throw UsageError.invalid(where.file, at(at(where, 'routes'), '$default').field, '$default', `a route key such as "GET /items" (${flavour.label}s have no $default route)`);
  }
}

/** Reads and validates an emulator config file (JSON); every failure is a one-line UsageError. */
export async function loadEmulatorConfig(file: string): Promise<EmulatorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read the emulator config (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`, { file });
  }
  return parseEmulatorConfig(raw, file);
}
