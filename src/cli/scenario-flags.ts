/**
 * CLI flags -> Scenario: a one-liner (`--rps 200 --duration 10s`) or overrides on a loaded
 * scenario (`--target`, `--seed`, `--connections`, `--max-in-flight`, `--timeout`, `--limits`,
 * `--header`). Flags go through the same validation as files, so errors name the flag.
 *
 * With a scenario file, as k6 users expect of its command line (a flag beats the script's own
 * option), a flag that has one meaning for every request applies, over the file: `--header`
 * sets that header on every request. Flags that describe one request or the one-liner's schedule
 * (`--method`, `--path`, `--body`, `--rps`, `--duration`) cannot apply to a list of weighted
 * requests and phases without rewriting it, so they are refused (exit 2), never ignored.
 */
import { readFile } from 'node:fs/promises';
import { parseJsonOf, UsageError } from '../errors.ts';
import { parseLimits, type Limits } from '../core/limits.ts';
import { limitsFrom } from '../iac/limits-from.ts';
import { endpointUrlFlag } from '../aws/credentials.ts';
import { checked } from '../schema/check.ts';
import { limitsSchema } from '../schema/limits.ts';
import { durationMs, number } from '../validate.ts';
import type { Scenario } from '../scenario/types.ts';
import { targetUrl, validateScenario } from '../scenario/validate.ts';
import { displayPath } from '../scenario/load.ts';
import { parseHeaderFlag } from '../scenario/headers.ts';
import { CAPS, capText } from '../scenario/caps.ts';

export interface RunFlags {
  readonly target?: string;
  readonly rps?: string;
  readonly duration?: string;
  /** @default 'GET' (one-liners only) */
  readonly method?: string;
  /** @default '/' (one-liners only) */
  readonly path?: string;
  readonly header: string[];
  readonly body?: string;
  readonly connections?: string;
  readonly maxInFlight?: string;
  readonly timeout?: string;
  readonly seed?: string;
  readonly limits?: string;
  readonly limitsFrom?: string;
  readonly gate: string[];
  readonly junit?: string;
  readonly baseline?: string;
  readonly maxRegression: string[];
  readonly cloudwatch?: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly endpointUrl?: string;
  readonly cloudwatchTimeout?: string;
  readonly apiName?: string;
  readonly apiId?: string;
  readonly out?: string;
  readonly quiet?: boolean;
  /** false with --no-warm-up (commander's default for a negated flag is true: only false overrides). */
  readonly warmUp?: boolean;
  readonly allowUnkeptSchedule?: boolean;
}

const FLAGS = { file: undefined };

/** A number given on the command line, e.g. `--rps 200`. */
export function numberFlag(value: string, flag: string, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number {
  const n = value.trim() === '' ? NaN : Number(value);
  // `1e400` is Infinity to Number(): name what was typed, not "Infinity" or "null".
  if (Number.isNaN(n) || !Number.isFinite(n)) return number(value, { ...FLAGS, field: flag }, opts);
  return number(n, { ...FLAGS, field: flag }, opts);
}

export function scenarioFromFlags(flags: RunFlags): Scenario {
  if (flags.rps === undefined || flags.duration === undefined) {
    throw new UsageError('give a scenario file, or --rps and --duration for a one-liner (see loadgate run --help)');
  }
  const headers: Record<string, string> = {};
  for (const h of flags.header) {
    const [name, value] = parseHeaderFlag(h);
    headers[name] = value;
  }
  const rateRps = numberFlag(flags.rps, '--rps', { min: 0, exclusiveMin: true, max: CAPS.rateRps });
  const totalMs = durationMs(flags.duration, { file: undefined, field: '--duration' });
  if (totalMs <= 0 || totalMs > CAPS.durationMs) throw UsageError.invalid(undefined, '--duration', flags.duration, `a duration > 0 and <= ${capText(CAPS.durationMs, 'ms')}`);
  const target = flags.target === undefined ? undefined : new URL(targetUrl(flags.target, { file: undefined, field: '--target' }));
  const method = flags.method ?? 'GET';
  const path = flags.path ?? '/';
  return validateScenario(
    {
      name: target ? `${method.toUpperCase()} ${target.host}${path}` : `${method.toUpperCase()} emulator${path}`,
      target: flags.target,
      requests: [{ method, path, headers, body: flags.body }],
      phases: [{ shape: 'constant', rateRps, duration: flags.duration }],
    },
    null,
  );
}

/** One-liner flags that a scenario file's requests and phases already say: refused with a file. */
const ONE_LINER_ONLY = [
  ['method', '--method', 'requests[].method'],
  ['path', '--path', 'requests[].path'],
  ['body', '--body', 'requests[].body'],
  ['rps', '--rps', 'phases'],
  ['duration', '--duration', 'phases'],
] as const;

/** The loaded scenario with the flags that override it. */
export async function withOverrides(scenario: Scenario, flags: RunFlags): Promise<Scenario> {
  if (scenario.file !== null) {
    for (const [key, flag, field] of ONE_LINER_ONLY) {
      if (flags[key] === undefined) continue;
      throw new UsageError(`${flag} is for one-liners and cannot apply to ${scenario.file}, whose ${field} already say it: set it there (a value from the environment can be "\${env:NAME}" in a JSON scenario)`, { file: scenario.file, field: flag });
    }
  }
  const requests = withHeaderFlags(scenario.requests, scenario.file === null ? [] : flags.header);
  const maxInFlight = flags.maxInFlight === undefined ? scenario.options.maxInFlight : numberFlag(flags.maxInFlight, '--max-in-flight', { integer: true, min: 1, max: CAPS.maxInFlight });
  const connections = flags.connections === undefined ? scenario.options.connections : numberFlag(flags.connections, '--connections', { integer: true, min: 1, max: CAPS.maxInFlight });
  if (connections !== undefined && connections > maxInFlight) throw UsageError.invalid(undefined, '--connections', connections, `at most --max-in-flight (${maxInFlight})`);
  const timeoutMs = flags.timeout === undefined ? scenario.options.timeoutMs : durationMs(flags.timeout, { file: undefined, field: '--timeout' });
  if (timeoutMs <= 0 || timeoutMs > CAPS.timeoutMs) throw UsageError.invalid(undefined, '--timeout', flags.timeout, `a duration > 0 and <= ${capText(CAPS.timeoutMs, 'ms')}`);
  return Object.freeze({
    ...scenario,
    requests,
    target: flags.target === undefined ? scenario.target : targetUrl(flags.target, { file: undefined, field: '--target' }),
    seed: flags.seed === undefined ? scenario.seed : numberFlag(flags.seed, '--seed', { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }),
    limits: await limitsFromFlags(flags, { ...scenario, requests }),
    options: Object.freeze({
      ...scenario.options, maxInFlight, connections, timeoutMs,
      ...(flags.warmUp === false ? { warmUp: false } : {}),
      ...(flags.allowUnkeptSchedule === true ? { requireSchedule: false } : {}),
    }),
  });
}

/**
 * `--header 'name: value'` over a scenario file: set on every request, replacing the file's header
 * of the same name (names compare case-insensitively; they are stored lower-case).
 */
function withHeaderFlags(requests: Scenario['requests'], flags: readonly string[]): Scenario['requests'] {
  if (flags.length === 0) return requests;
  const headers: Record<string, string> = {};
  for (const h of flags) {
    const [name, value] = parseHeaderFlag(h);
    headers[name.toLowerCase()] = value;
  }
  return Object.freeze(requests.map((r) => Object.freeze({ ...r, headers: Object.freeze({ ...r.headers, ...headers }) })));
}

/** `--limits FILE` or `--limits-from aws:rest|http:<id>/<stage>` (one of them), else the scenario's. */
async function limitsFromFlags(flags: RunFlags, scenario: Scenario): Promise<Limits | undefined> {
  if (flags.limits !== undefined && flags.limitsFrom !== undefined) throw new UsageError('give one of --limits and --limits-from');
  if (flags.limits !== undefined) return readLimitsFile(flags.limits);
  if (flags.limitsFrom !== undefined) {
    const aws = { region: flags.region ?? scenario.aws.region, profile: flags.profile ?? scenario.aws.profile, endpointUrl: endpointUrlFlag(flags) ?? scenario.aws.endpoint };
    return limitsFrom(flags.limitsFrom, { apiKey: scenario.requests.find((r) => r.headers['x-api-key'])?.headers['x-api-key'], aws });
  }
  return scenario.limits;
}

export async function readLimitsFile(file: string): Promise<Limits> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`${shown}: cannot read limits file (no such file or unreadable)`, { file: shown });
  }
  return parseLimitsDocument(parseJsonOf(text, shown), shown);
}

/** A limits file's parsed JSON, checked against its schema (schema/limits.ts) and built. */
export function parseLimitsDocument(raw: unknown, shown: string): Limits {
  // The file's own `$schema` (for editors) is no limit.
  return checked(limitsSchema, raw, shown, '', () => parseLimits(raw, shown, '', { extraTopKeys: ['$schema'] }));
}
