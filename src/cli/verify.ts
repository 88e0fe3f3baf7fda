/**
 * `loadgate verify`: sends a probe built to reveal a token bucket, then prints declared vs
 * measured rate and burst with a verdict. Refuses non-local targets without --yes, and prints the
 * request count and its cost before any traffic. Wiring only: the probe's scenario is
 * verify/probe-scenario.ts, the run is pipeline.ts, the verdict is verify/verdict.ts.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { durationMs } from '../validate.ts';
import { runScenario } from '../pipeline.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { numberFlag, readLimitsFile } from './scenario-flags.ts';
import { targetUrl } from '../scenario/validate.ts';
import type { VerifySection } from '../result/schema.ts';
import { parseLimits, type Limits } from '../core/limits.ts';
import type { ProbePlan } from '../throttle/probe.ts';
import { buildProbe } from '../verify/probe-scenario.ts';
import type { DeclaredBinding } from '../verify/verdict.ts';
import { limitsFrom } from '../iac/limits-from.ts';
import { endpointUrlFlag } from '../aws/credentials.ts';
import { withInterrupt } from './interrupt.ts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { rejudge, rejudgeExitCode } from '../rejudge.ts';
import { writeReports } from '../pipeline.ts';
import { assertLocalOrConsented } from './consent.ts';
import { ANSI, colorEnabled, NO_COLOR_HELP, paint } from '../color.ts';
import { publishRun } from './github-actions.ts';

interface VerifyFlags {
  target?: string; path?: string; rate?: string; burst?: string; limits?: string; limitsFrom?: string; apiKey?: string; scenario?: string;
  region?: string; profile?: string; endpointUrl?: string; endpoint?: string;
  maxRequests: string; maxDuration: string; throttleStatus?: string; from?: string; tolerance?: string; yes?: boolean; out?: string; quiet?: boolean; color?: boolean;
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
    .option('--no-color', NO_COLOR_HELP)
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
  const throttleStatuses = parseStatuses(flags.throttleStatus ?? '429');
  const caps = { maxRequests: numberFlag(flags.maxRequests, '--max-requests', { integer: true, min: 1 }), maxDurationMs: durationMs(flags.maxDuration, { file: undefined, field: '--max-duration' }) };
  const tolerance = flags.tolerance === undefined ? undefined : toleranceProfile(flags.tolerance);
  const probe = buildProbe({ base, target, limits, throttleStatuses, caps, apiKey: flags.apiKey, path: flags.path, tolerance });
  printPlan(probe.plan, target, probe.declared);
  const outcome = await withInterrupt((signal) => runScenario(probe.scenario, { outDir: flags.out, kind: 'verify', signal, verify: probe.verify }));
  const v = outcome.result.verify;
  if (v) printVerdict(v, colorEnabled(process.stdout, flags.color));
  process.stderr.write(`result: ${outcome.outDir}/result.json\n`);
  await publishRun(outcome.result);
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
  const color = colorEnabled(process.stdout, flags.color);
  if (result.verify) printVerdict(result.verify, color);
  else process.stdout.write(`throttle: ${verdictWord(result.throttle!.verdict, color)}: ${result.throttle!.reason}\n`);
  process.stderr.write(`result: ${outDir}/result.json (re-judged from ${from}, no traffic sent)\n`);
  await publishRun(result);
  return rejudgeExitCode(result);
}

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

function printPlan(plan: ProbePlan, target: string | undefined, declared: DeclaredBinding | undefined): void {
  const usd = (x: number) => `$${x < 0.01 ? x.toFixed(4) : x.toFixed(2)}`;
  const lines = [
    `verify ${target ?? 'the embedded emulator'}: ${declared ? `declared ${declared.rateRps} rps, burst ${declared.burst} (${declared.label})` : 'nothing declared: guessing ladder'}`,
    ...plan.description.map((d) => `  ${d}`),
    `  ${plan.plannedRequests} requests; cost at API Gateway prices: REST API ${usd(plan.costUsd.rest.worst)} worst case (all billed), ${usd(plan.costUsd.rest.expected)} expected (accepted only); HTTP API ${usd(plan.costUsd.http.worst)} / ${usd(plan.costUsd.http.expected)}`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** PASS in green, FAIL in red, anything else in yellow, when colours are on. */
function verdictWord(verdict: string, color: boolean): string {
  const word = verdict.toUpperCase();
  return paint(word, `1;${verdict === 'pass' ? ANSI.good : verdict === 'fail' ? ANSI.bad : ANSI.warn}`, color);
}

function printVerdict(v: VerifySection, color: boolean): void {
  const show = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
  process.stdout.write(
    [
      `            rate (rps)   burst`,
      `declared    ${show(v.declared.rateRps).padStart(10)}   ${show(v.declared.burst, 0)}`,
      `measured    ${show(v.measured.rateRps).padStart(10)}   ${show(v.measured.burst, 0)}   (effective bucket capacity, as the target enforces it; nginx shows burst + 1)`,
      ...(v.binding ? [`binding     ${v.binding.label} (${v.binding.layer})`] : []),
      `verdict: ${verdictWord(v.verdict, color)}: ${v.reason}`,
    ].join('\n') + '\n',
  );
}

