/**
 * Raw scenario (from a file or CLI flags) -> frozen Scenario, or a UsageError that names the
 * file, the field and the value. Defaults are applied here, once.
 */
import { UsageError } from '../errors.ts';
import { parseLimits } from '../core/limits.ts';
import { maskUrlCredentials } from '../core/redact.ts';
import { array, at, boolean, durationMs, isObject, number, object, optional, record, string, type Where } from '../validate.ts';
import { headerName, headerValue } from './headers.ts';
import { CAPS, capText } from './caps.ts';
import { checked } from '../schema/check.ts';
import { loadedScenarioSchema } from '../schema/scenario.ts';
import type { PhaseReaders } from '../schedule/shape-definition.ts';
import { INPUT_SHAPE_NAMES, inputDefinition, markValidated } from '../schedule/shapes/registry.ts';
import type { GateSpec, ParamGenerator, PhaseSpec, RequestSpec, RunOptions, Scenario, Spacing } from './types.ts';

const SCENARIO_KEYS = ['$schema', 'name', 'target', 'requests', 'phases', 'seed', 'limits', 'stage', 'emulator', 'gates', 'options', 'tolerance', 'throttleStatuses', 'aws', 'yes'];

export const DEFAULT_RUN_OPTIONS: RunOptions = Object.freeze({ maxInFlight: 2000, connections: undefined, timeoutMs: 35_000, graceMs: 5_000 });

/**
 * Checks a scenario against its schema (schema/scenario.ts, also the published JSON Schema) and
 * builds the frozen Scenario: defaults, units, and the rules JSON Schema cannot state.
 */
export function validateScenario(raw: unknown, file: string | null): Scenario {
  return checked(loadedScenarioSchema, raw, file ?? undefined, '', () => buildScenario(raw, file));
}

function buildScenario(raw: unknown, file: string | null): Scenario {
  const where: Where = { file: file ?? undefined, field: '' };
  const o = object(raw, where, SCENARIO_KEYS);
  if (o.$schema !== undefined) string(o.$schema, at(where, '$schema'));
  const name = string(o.name, at(where, 'name'), { nonEmpty: true });
  const target = optional(o.target, (v) => targetUrl(v, at(where, 'target')));
  const requests = o.requests === undefined ? [defaultRequest()] : array(o.requests, at(where, 'requests'), { nonEmpty: true }).map((r, i) => requestSpec(r, at(at(where, 'requests'), i)));
  const phases = array(o.phases, at(where, 'phases'), { nonEmpty: true }).flatMap((p, i) => phaseSpecs(p, at(at(where, 'phases'), i)));
  const totalMs = phases.reduce((sum, p) => sum + p.durationMs, 0);
  if (totalMs > CAPS.durationMs) throw new UsageError(`${where.file ?? 'scenario'}: phases: ${Math.round(totalMs / 1000)} s in all is invalid (expected at most ${capText(CAPS.durationMs, 'ms')})`, { file: where.file, field: 'phases' });
  const limits = optional(o.limits, (v) => parseLimits(v, where.file, 'limits'));
  const stage = optional(o.stage, (v) => string(v, at(where, 'stage'), { nonEmpty: true }));
  if (stage !== undefined && limits && !(stage in limits.stages)) {
    throw UsageError.invalid(where.file, 'stage', stage, `one of the stages in limits (${Object.keys(limits.stages).join(', ') || 'none'})`);
  }
  if (o.emulator !== undefined && !isObject(o.emulator)) throw UsageError.invalid(where.file, 'emulator', o.emulator, 'an emulator config object');
  const gates = o.gates === undefined ? [] : array(o.gates, at(where, 'gates')).map((g, i) => gateSpec(g, at(at(where, 'gates'), i)));
  return Object.freeze({
    name,
    file,
    target,
    requests: Object.freeze(requests),
    phases: Object.freeze(phases),
    seed: optional(o.seed, (v) => number(v, at(where, 'seed'), { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })) ?? 1,
    limits,
    stage,
    emulator: o.emulator,
    gates: Object.freeze(gates),
    options: runOptions(o.options, at(where, 'options')),
    tolerance: optional(o.tolerance, (v) => string(v, at(where, 'tolerance'), { oneOf: ['emulator', 'aws'] }) as 'emulator' | 'aws'),
    throttleStatuses: o.throttleStatuses === undefined ? [429] : array(o.throttleStatuses, at(where, 'throttleStatuses'), { nonEmpty: true }).map((s, i) => number(s, at(at(where, 'throttleStatuses'), i), { integer: true, min: 100, max: 599 })),
    aws: awsOptions(o.aws, at(where, 'aws')),
    yes: optional(o.yes, (v) => boolean(v, at(where, 'yes'))) ?? false,
  });
}

/**
 * A target base URL: http(s), with a host (WHATWG parsing reads `http:///path` as host "path"),
 * without credentials (undici would not send them, and result.json would keep them; use
 * `--header 'authorization: ...'`). Messages show the URL with its credentials masked.
 */
export function targetUrl(value: unknown, where: Where): string {
  const text = string(value, where, { nonEmpty: true }).trim();
  const shown = maskUrlCredentials(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw UsageError.invalid(where.file, where.field, shown, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw UsageError.invalid(where.file, where.field, shown, 'an http:// or https:// URL');
  if (!/^https?:\/\/[^/?#\s]/i.test(text) || url.hostname === '') throw UsageError.invalid(where.file, where.field, shown, 'a URL with a host, such as http://127.0.0.1:8080/prod');
  if (url.username !== '' || url.password !== '') {
    throw UsageError.invalid(where.file, where.field, shown, "a URL without user:password@ (send credentials as a header: --header 'authorization: ...')");
  }
  // As given: a trailing slash is the user's to choose (load/target-path.ts joins paths).
  return text;
}


/** A duration within the cap on phases (CAPS.durationMs). */
function cappedDurationMs(value: unknown, where: Where): number {
  const ms = durationMs(value, where);
  if (ms > CAPS.durationMs) throw UsageError.invalid(where.file, where.field, value, `a duration <= ${capText(CAPS.durationMs, 'ms')}`);
  return ms;
}

function defaultRequest(): RequestSpec {
  return Object.freeze({ name: 'GET /', method: 'GET', path: '/', headers: {}, body: undefined, weight: 1, params: {} });
}

function requestSpec(raw: unknown, where: Where): RequestSpec {
  const o = object(raw, where, ['name', 'method', 'path', 'headers', 'body', 'weight', 'params']);
  const method = (optional(o.method, (v) => string(v, at(where, 'method'), { nonEmpty: true })) ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw UsageError.invalid(where.file, at(where, 'method').field, o.method, 'an HTTP method such as GET or POST');
  const path = optional(o.path, (v) => string(v, at(where, 'path'), { nonEmpty: true })) ?? '/';
  if (!path.startsWith('/')) throw UsageError.invalid(where.file, at(where, 'path').field, path, 'a path starting with /');
  const headers: Record<string, string> = {};
  if (o.headers !== undefined) {
    const hw = at(where, 'headers');
    for (const [k, v] of Object.entries(record(o.headers, hw))) headers[headerName(k, hw).toLowerCase()] = headerValue(string(v, at(hw, k)), k, hw);
  }
  let body: string | undefined;
  if (typeof o.body === 'string') body = o.body;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const params: Record<string, ParamGenerator> = {};
  if (o.params !== undefined) {
    for (const [k, v] of Object.entries(record(o.params, at(where, 'params')))) params[k] = paramGenerator(v, at(at(where, 'params'), k));
  }
  return Object.freeze({
    name: optional(o.name, (v) => string(v, at(where, 'name'), { nonEmpty: true })) ?? `${method} ${path.split('?')[0]}`,
    method,
    path,
    headers: Object.freeze(headers),
    body,
    weight: optional(o.weight, (v) => number(v, at(where, 'weight'), { min: 0, exclusiveMin: true })) ?? 1,
    params: Object.freeze(params),
  });
}

function paramGenerator(raw: unknown, where: Where): ParamGenerator {
  if (typeof raw === 'function') return { type: 'function', fn: raw as (ctx: { index: number; random: () => number }) => string | number };
  const type = string(isObject(raw) ? raw.type : raw, at(where, 'type'), { oneOf: ['int', 'uuid', 'list', 'sequence'] });
  switch (type) {
    case 'int': {
      const o = object(raw, where, ['type', 'min', 'max']);
      const min = number(o.min, at(where, 'min'), { integer: true });
      return { type, min, max: number(o.max, at(where, 'max'), { integer: true, min }) };
    }
    case 'uuid':
      object(raw, where, ['type']);
      return { type };
    case 'list': {
      const o = object(raw, where, ['type', 'values']);
      const values = array(o.values, at(where, 'values'), { nonEmpty: true }).map((v) => String(v));
      return { type, values };
    }
    default: {
      const o = object(raw, where, ['type', 'start']);
      return { type: 'sequence', start: optional(o.start, (v) => number(v, at(where, 'start'), { integer: true })) ?? 0 };
    }
  }
}

/** One phase as written -> one or more PhaseSpecs (a spike is base, peak, base), by its registered shape. */
function phaseSpecs(raw: unknown, where: Where): PhaseSpec[] {
  const name = string(isObject(raw) ? raw.shape : raw, at(where, 'shape'), { oneOf: INPUT_SHAPE_NAMES });
  const definition = inputDefinition(name)!;
  const o = object(raw, where, ['shape', ...definition.inputFields]);
  const field = (key: string) => at(where, key);
  const read: PhaseReaders = {
    arrivals: (optional(o.arrivals, (v) => string(v, field('arrivals'), { oneOf: ['uniform', 'poisson'] })) ?? 'uniform') as Spacing,
    rate: (key) => number(o[key], field(key), { min: 0, max: CAPS.rateRps }),
    duration: (key) => {
      const ms = cappedDurationMs(o[key], field(key));
      if (ms <= 0) throw UsageError.invalid(where.file, field(key).field, o[key], 'a duration > 0');
      return ms;
    },
    durationOr: (key, fallbackMs) => (o[key] === undefined && fallbackMs !== undefined ? fallbackMs : cappedDurationMs(o[key], field(key))),
    integer: (key, min, max) => number(o[key], field(key), { integer: true, min, max }),
    number: (key, min, max) => number(o[key], field(key), { min, max }),
    refuse: (key, expected) => {
      throw UsageError.invalid(where.file, field(key).field, o[key], expected);
    },
    caps: { burstCount: CAPS.burstCount, steps: CAPS.steps },
  };
  return (definition.fromInput(read) as PhaseSpec[]).map(markValidated);
}

function gateSpec(raw: unknown, where: Where): GateSpec {
  if (typeof raw === 'string') return { expr: string(raw, where, { nonEmpty: true }), abortOnFail: false };
  const o = object(raw, where, ['expr', 'abortOnFail']);
  return {
    expr: string(o.expr, at(where, 'expr'), { nonEmpty: true }),
    abortOnFail: optional(o.abortOnFail, (v) => boolean(v, at(where, 'abortOnFail'))) ?? false,
  };
}

function runOptions(raw: unknown, where: Where): RunOptions {
  if (raw === undefined) return DEFAULT_RUN_OPTIONS;
  const o = object(raw, where, ['maxInFlight', 'connections', 'timeout', 'grace', 'warmUp', 'requireSchedule']);
  const maxInFlight = optional(o.maxInFlight, (v) => number(v, at(where, 'maxInFlight'), { integer: true, min: 1, max: CAPS.maxInFlight })) ?? DEFAULT_RUN_OPTIONS.maxInFlight;
  const connections = optional(o.connections, (v) => number(v, at(where, 'connections'), { integer: true, min: 1, max: maxInFlight }));
  const timeoutMs = optional(o.timeout, (v) => durationMs(v, at(where, 'timeout'))) ?? DEFAULT_RUN_OPTIONS.timeoutMs;
  if (timeoutMs <= 0 || timeoutMs > CAPS.timeoutMs) throw UsageError.invalid(where.file, at(where, 'timeout').field, o.timeout, `a duration > 0 and <= ${capText(CAPS.timeoutMs, 'ms')}`);
  const graceMs = optional(o.grace, (v) => durationMs(v, at(where, 'grace'))) ?? DEFAULT_RUN_OPTIONS.graceMs;
  if (graceMs > CAPS.graceMs) throw UsageError.invalid(where.file, at(where, 'grace').field, o.grace, `a duration <= ${capText(CAPS.graceMs, 'ms')}`);
  const warmUp = optional(o.warmUp, (v) => boolean(v, at(where, 'warmUp')));
  const requireSchedule = optional(o.requireSchedule, (v) => boolean(v, at(where, 'requireSchedule')));
  return Object.freeze({ maxInFlight, connections, timeoutMs, graceMs, ...(warmUp === undefined ? {} : { warmUp }), ...(requireSchedule === undefined ? {} : { requireSchedule }) });
}

function awsOptions(raw: unknown, where: Where): Scenario['aws'] {
  const o = raw === undefined ? {} : object(raw, where, ['cloudwatch', 'region', 'profile', 'endpoint', 'apiName', 'apiId', 'stage']);
  const str = (key: string) => optional(o[key], (v) => string(v, at(where, key), { nonEmpty: true }));
  return Object.freeze({
    cloudwatch: optional(o.cloudwatch, (v) => boolean(v, at(where, 'cloudwatch'))),
    region: str('region'),
    profile: str('profile'),
    endpoint: optional(o.endpoint, (v) => targetUrl(v, at(where, 'endpoint'))),
    apiName: str('apiName'),
    apiId: str('apiId'),
    stage: str('stage'),
  });
}
