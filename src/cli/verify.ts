/**
 * `loadgate verify`: sends a probe built to reveal a token bucket, then prints declared vs
 * measured rate and burst with a verdict. Refuses non-local targets without --yes, and prints the
 * request count and its cost before any traffic. Wiring only: the probe is throttle/probe.ts, the
 * run is pipeline.ts, the judgement is throttle/analyse.ts + infer.ts.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { durationMs } from '../validate.ts';
import { runScenario, type Measured } from '../pipeline.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { numberFlag, readLimitsFile } from '../scenario/flags.ts';
import { targetUrl } from '../scenario/validate.ts';
import type { RequestSpec, Scenario } from '../scenario/types.ts';
import type { Inference, ThrottleSection, VerifySection } from '../result/schema.ts';
import { parseLimits, pickStage, type Limits } from '../throttle/limits.ts';
import { observationsOf, toleranceFor } from '../throttle/analyse.ts';
import { ApiGatewayModel } from '../throttle/model.ts';
import { bindingOf, requestKeysOf } from '../throttle/groups.ts';
import { keyIdOf, limitsKeyedById } from '../throttle/key-id.ts';
import { isLocalTarget } from '../target.ts';
import { inferBucket, type Observations } from '../throttle/infer.ts';
import { guessingLadder, probeForLimits, type ProbePlan } from '../throttle/probe.ts';
import { limitsFrom } from '../iac/limits-from.ts';
import { endpointUrlFlag } from '../aws/credentials.ts';
import { withInterrupt } from './interrupt.ts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { rejudge, rejudgeExitCode } from '../rejudge.ts';
import { writeReports } from '../pipeline.ts';
import { assertLocalOrConsented } from './consent.ts';

interface VerifyFlags {
  target?: string; path?: string; rate?: string; burst?: string; limits?: string; limitsFrom?: string; apiKey?: string; scenario?: string;
  region?: string; profile?: string; endpointUrl?: string; endpoint?: string;
  maxRequests: string; maxDuration: string; throttleStatus?: string; from?: string; tolerance?: string; yes?: boolean; out?: string; quiet?: boolean;
}

/** The `verify` command. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('Probe a target to measure its throttle (rate, burst) and compare with what is declared')
    .option('--target <url>', 'base URL (default: the embedded emulator, started from the declared limits)')
    .option('--rate <rps>', 'declared rate, requests per second')
    .option('--burst <n>', 'declared burst (bucket capacity)')
    .option('--limits <file>', 'JSON limits file (declared limits)')
    .option('--limits-from <source>', 'read declared limits from AWS (aws:rest:<restApiId>/<stage>, aws:http:<apiId>/<stage>) or from infrastructure code (cfn:<template>[#LogicalId], openapi:<file>, tf-plan:<plan.json>[#address])')
    .option('--api-key <value>', 'x-api-key sent with the probe (and whose usage plan --limits-from reads)')
    .option('--region <r>', 'AWS region for --limits-from (default: AWS_REGION, the profile\'s)')
    .option('--profile <p>', 'AWS profile for --limits-from (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'API Gateway endpoint for --limits-from, e.g. a loadgate emulator (default: AWS_ENDPOINT_URL_API_GATEWAY, AWS_ENDPOINT_URL)')
    .addOption(new Option('--endpoint <url>', 'alias of --endpoint-url').hideHelp())
    .option('--path <p>', 'path to probe, relative to the target (default / ; /probe on the emulator, whose catch-all needs a segment)')
    .option('--scenario <file>', 'take the request (method, path, headers) and target from a scenario')
    .option('--max-requests <n>', 'cap on requests the probe sends', '5000')
    .option('--max-duration <d>', 'cap on the probe duration', '60s')
    .option('--throttle-status <list>', 'statuses that count as throttled (nginx: 503) (default: 429; with --from, those of the recorded run)')
    .option('--from <run>', 're-judge a recorded run (its folder or result.json) against the declared limits: no traffic')
    .option('--tolerance <profile>', 'emulator (tight) or aws (best effort); default emulator for the emulator, else aws')
    .option('--yes', 'allow a non-local target (real traffic, real cost)')
    .option('--out <dir>', 'output folder (default reports/<run-id>)')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', `
Examples:
  loadgate verify --rate 100 --burst 50                        (the emulator, as a demo)
  loadgate verify --target http://127.0.0.1:8080/prod --rate 100 --burst 50
  loadgate verify --target https://abc123.execute-api.eu-west-1.amazonaws.com/prod --limits-from aws:rest:abc123/prod --yes
  loadgate verify --target http://127.0.0.1:3000/Prod --limits-from cfn:template.yaml     (the throttles as the template declares them)
  loadgate verify --target http://127.0.0.1:8081 --rate 50 --burst 21 --throttle-status 429,503
  loadgate verify --from reports/<run-id> --limits other-limits.json      (would that run have passed?)

Exit codes: 0 declared and measured agree (or nothing declared and something answered), 1 they
disagree, the probe could not tell (inconclusive) or nothing answered (no-response), 2 bad usage.`)
    .action(async (flags: VerifyFlags) => {
      process.exitCode = await runVerify(flags);
    });
}

async function runVerify(flags: VerifyFlags): Promise<number> {
  if (flags.from !== undefined) return rejudgeRun(flags.from, flags);
  const base = flags.scenario ? await loadScenarioFile(flags.scenario) : undefined;
  const target = flags.target !== undefined ? targetUrl(flags.target, { file: undefined, field: '--target' }) : base?.target;
  if (target !== undefined) assertLocalOrConsented(target, flags.yes === true);
  const limits = await declaredLimits(flags, base?.limits);
  const statuses = parseStatuses(flags.throttleStatus ?? '429');
  const caps = { maxRequests: numberFlag(flags.maxRequests, '--max-requests', { integer: true, min: 1 }), maxDurationMs: durationMs(flags.maxDuration, { file: undefined, field: '--max-duration' }) };
  const request = probeRequest(base, flags.apiKey, flags.path ?? (target === undefined && !base ? '/probe' : undefined));
  const declared = limits ? declaredFor(limits, base?.stage, request) : undefined;
  const plan = declared ? probeForLimits(declared.rateRps, declared.burst, caps) : guessingLadder(caps);
  printPlan(plan, target, declared);
  const tolerance = toleranceFor(flags.tolerance === undefined ? (target === undefined || isLocalTarget(target) ? 'emulator' : 'aws') : toleranceProfile(flags.tolerance));
  const scenario: Scenario = Object.freeze({
    name: 'verify', file: base?.file ?? null, target, requests: [request], phases: plan.phases, seed: 1, limits, stage: base?.stage,
    emulator: base?.emulator, gates: [], tolerance: tolerance.profile === 'aws' ? 'aws' : 'emulator', throttleStatuses: statuses, aws: base?.aws ?? emptyAws,
    // Open the burst's connections before the first arrival so connection setup does not smear the burst.
    options: { maxInFlight: 2000, connections: Math.min(2000, plan.largestBurst + 64), timeoutMs: 35_000, graceMs: 5_000 },
  });
  // With nothing declared there is no model to replay: infer from the observations alone.
  const verifyOf = ({ result, sendLog }: Measured): VerifySection =>
    limits
      ? verifySection(result.throttle?.inferred, result.throttle, plan, declared)
      : verifySection(answeredInference(observationsOf(sendLog, statuses)), undefined, plan, undefined);
  const outcome = await withInterrupt((signal) => runScenario(scenario, { outDir: flags.out, kind: 'verify', signal, verify: verifyOf }));
  const v = outcome.result.verify;
  if (v) printVerdict(v);
  process.stderr.write(`result: ${outcome.outDir}/result.json\n`);
  return outcome.exitCode;
}

/** `verify --from`: replay a recorded run under the declared limits, write a new folder, never over the record. */
async function rejudgeRun(from: string, flags: VerifyFlags): Promise<number> {
  for (const [flag, value] of [['--target', flags.target], ['--scenario', flags.scenario], ['--path', flags.path]] as const) {
    if (value !== undefined) throw new UsageError(`verify --from: ${flag} does not apply (the recorded run's requests are re-judged as they were sent)`);
  }
  const limits = await declaredLimits(flags, undefined);
  if (!limits) throw new UsageError('verify --from: declare the limits to judge against (--limits, --rate/--burst or --limits-from)');
  const tolerance = flags.tolerance === undefined ? undefined : toleranceProfile(flags.tolerance);
  const { result } = await rejudge(from, limits, { throttleStatuses: flags.throttleStatus === undefined ? undefined : parseStatuses(flags.throttleStatus), tolerance });
  const outDir = flags.out ?? join('reports', `${result.runId}-rejudged-${randomBytes(2).toString('hex')}`);
  await writeReports(result, outDir);
  if (result.verify) printVerdict(result.verify);
  else process.stdout.write(`throttle: ${result.throttle!.verdict.toUpperCase()}: ${result.throttle!.reason}\n`);
  process.stderr.write(`result: ${outDir}/result.json (re-judged from ${from}, no traffic sent)\n`);
  return rejudgeExitCode(result);
}

const emptyAws = Object.freeze({ cloudwatch: false, region: undefined, profile: undefined, endpoint: undefined, apiName: undefined, apiId: undefined, stage: undefined });

async function declaredLimits(flags: VerifyFlags, fromScenario: Limits | undefined): Promise<Limits | undefined> {
  const sources = [flags.limits, flags.limitsFrom, flags.rate ?? flags.burst].filter((s) => s !== undefined);
  if (sources.length > 1) throw new UsageError('verify: give one of --rate/--burst, --limits or --limits-from');
  if (flags.limits) return readLimitsFile(flags.limits);
  if (flags.limitsFrom) return limitsFrom(flags.limitsFrom, { apiKey: flags.apiKey, aws: { region: flags.region, profile: flags.profile, endpointUrl: endpointUrlFlag(flags) } });
  if (flags.rate === undefined && flags.burst === undefined) return fromScenario;
  if (flags.rate === undefined || flags.burst === undefined) throw new UsageError('verify: --rate and --burst go together');
  const rateRps = numberFlag(flags.rate, '--rate', { min: 0, exclusiveMin: true });
  const burst = numberFlag(flags.burst, '--burst', { integer: true, min: 1 });
  return parseLimits({ account: { rateRps: Math.max(10_000, rateRps), burst: Math.max(5_000, burst) }, stages: { v: { throttle: { rateRps, burst } } } }, '--rate/--burst');
}

function parseStatuses(text: string): number[] {
  return text.split(',').map((s) => numberFlag(s.trim(), '--throttle-status', { integer: true, min: 100 }));
}

function toleranceProfile(text: string): 'emulator' | 'aws' {
  if (text !== 'emulator' && text !== 'aws') throw UsageError.invalid(undefined, '--tolerance', text, 'emulator or aws');
  return text;
}

function probeRequest(base: Scenario | undefined, apiKey: string | undefined, path: string | undefined): RequestSpec {
  const first = base?.requests[0];
  const headers = { ...(first?.headers ?? {}), ...(apiKey ? { 'x-api-key': apiKey } : {}) };
  return Object.freeze({ name: first?.name ?? 'GET /', method: first?.method ?? 'GET', path: path ?? first?.path ?? '/', headers, body: first?.body, weight: 1, params: first?.params ?? {} });
}

function printPlan(plan: ProbePlan, target: string | undefined, declared: DeclaredBinding | undefined): void {
  const usd = (x: number) => `$${x < 0.01 ? x.toFixed(4) : x.toFixed(2)}`;
  const lines = [
    `verify ${target ?? 'the embedded emulator'}: ${declared ? `declared ${declared.rateRps} rps, burst ${declared.burst} (${declared.label})` : 'nothing declared: guessing ladder'}`,
    ...plan.description.map((d) => `  ${d}`),
    `  ${plan.plannedRequests} requests; cost at API Gateway prices: REST API ${usd(plan.costUsd.rest.worst)} worst case (all billed), ${usd(plan.costUsd.rest.expected)} expected (accepted only); HTTP API ${usd(plan.costUsd.http.worst)} / ${usd(plan.costUsd.http.expected)}`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** What the observations alone say; undefined when nothing was answered (no-response, never "no throttling"). */
function answeredInference(obs: Observations): Inference | undefined {
  return obs.count === 0 ? undefined : inferBucket(obs);
}

/** The declared bucket that binds the probe's request: its route's override, its key's usage plan, or the stage default. */
export interface DeclaredBinding {
  readonly rateRps: number;
  readonly burst: number;
  readonly layer: string;
  readonly label: string;
}

function declaredFor(limits: Limits, stageName: string | undefined, request: RequestSpec): DeclaredBinding {
  const stage = pickStage(limits, stageName);
  const keyed = limitsKeyedById(limits);
  const apiKey = request.headers['x-api-key'];
  const [key] = requestKeysOf([{ method: request.method, path: request.path, keyId: apiKey === undefined ? undefined : keyIdOf(apiKey) }], new ApiGatewayModel(keyed, { stage }));
  const bound = bindingOf(keyed, stage, key);
  if (!bound) throw new UsageError(`verify: ${request.method} ${request.path} needs an API key that a usage plan of the declared limits holds (--api-key)`);
  return { rateRps: bound.binding.spec.rateRps, burst: bound.burst, layer: bound.binding.layer, label: bound.binding.label };
}

/**
 * Declared vs measured. With limits declared the throttle section is the judge (one verdict for
 * `run` and `verify`); with nothing declared, what the observations alone say.
 */
export function verifySection(inf: Inference | undefined, throttle: ThrottleSection | undefined, plan: ProbePlan, declared: DeclaredBinding | undefined): VerifySection {
  const measured = { rateRps: inf?.kind === 'token-bucket' ? inf.rateRps : null, burst: inf?.kind === 'token-bucket' ? inf.burst : null };
  const common = {
    declared: { rateRps: declared?.rateRps ?? null, burst: declared?.burst ?? null }, measured, binding: declared ? { layer: declared.layer, label: declared.label } : null,
    plannedRequests: plan.plannedRequests, estimatedCostUsd: { rest: plan.costUsd.rest.worst, http: plan.costUsd.http.worst },
  };
  if (throttle) {
    const verdict = throttle.verdict === 'not-exercised' ? 'inconclusive' : throttle.verdict;
    return { ...common, verdict, reason: throttle.reason };
  }
  if (!inf) return { ...common, verdict: 'no-response', reason: 'no request got an HTTP response: nothing to measure (is the target up?)' };
  if (inf.kind === 'no-throttling') return { ...common, verdict: 'no-throttling', reason: inf.note };
  if (inf.kind !== 'token-bucket' || measured.rateRps === null || measured.burst === null) return { ...common, verdict: 'inconclusive', reason: inf.note };
  return { ...common, verdict: 'pass', reason: `measured ${measured.rateRps.toFixed(1)} rps, burst ${measured.burst} (nothing declared)` };
}

function printVerdict(v: VerifySection): void {
  const show = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
  process.stdout.write(
    [
      `            rate (rps)   burst`,
      `declared    ${show(v.declared.rateRps).padStart(10)}   ${show(v.declared.burst, 0)}`,
      `measured    ${show(v.measured.rateRps).padStart(10)}   ${show(v.measured.burst, 0)}   (effective bucket capacity, as the target enforces it; nginx shows burst + 1)`,
      ...(v.binding ? [`binding     ${v.binding.label} (${v.binding.layer})`] : []),
      `verdict: ${v.verdict.toUpperCase()}: ${v.reason}`,
    ].join('\n') + '\n',
  );
}

