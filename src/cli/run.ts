/**
 * `loadgate run [scenario]`: parse flags, build the Scenario, run the pipeline, print the summary.
 * No logic beyond wiring: everything else is in pipeline.ts and the stages.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { durationMs } from '../validate.ts';
import { runScenario } from '../pipeline.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { scenarioFromFlags, withOverrides, type RunFlags } from './scenario-flags.ts';
import { renderTerminal } from '../report/terminal.ts';
import { progressPrinter } from './progress.ts';
import { withInterrupt } from './interrupt.ts';
import { baselineStep } from './baseline-step.ts';
import { capsFromFlags, checkTraffic, trafficPlanOf } from './consent.ts';
import { planOf } from '../schedule/plan.ts';
import { colorEnabled, NO_COLOR_HELP } from '../color.ts';
import { publishRun } from './github-actions.ts';
import { endpointUrlFlag } from '../aws/credentials.ts';
import { isSplitRun, splitRun, splitRunOptions, type SplitFlags } from './split-run.ts';
import { writeNotes } from './notes.ts';

export function runCommand(): Command {
  const command = new Command('run');
  command
    .description('Run a scenario (or a one-liner) open loop and write result.json and reports')
    .argument('[scenario]', 'scenario file (.ts, .js or .json)')
    .option('--target <url>', 'base URL (default: the embedded API Gateway emulator)')
    .option('--rps <n>', 'one-liner: constant arrival rate, requests per second')
    .option('--duration <d>', 'one-liner: how long, e.g. 10s, 2m')
    .option('--method <m>', 'one-liner: HTTP method (default GET; refused with a scenario file)')
    .option('--path <p>', 'one-liner: path relative to the target (default /; refused with a scenario file)')
    .option('--header <h>', '"name: value" (repeatable); with a scenario file, set on every request over its own', collect, [])
    .option('--body <b>', 'one-liner: request body (refused with a scenario file)')
    .option('--connections <n>', 'open N connections before the first arrival and never more')
    .option('--max-in-flight <n>', 'in-flight cap; arrivals beyond it are dropped and counted (default 2000)')
    .option('--timeout <d>', 'per-request timeout (default 35s)')
    .option('--seed <n>', 'seed for Poisson arrivals, request picks and parameters')
    .option('--limits <file>', 'JSON file with the limits the target should enforce')
    .option('--limits-from <source>', 'read those limits from API Gateway (aws:rest:<restApiId>/<stage>, aws:http:<apiId>/<stage>) or from infrastructure code (cfn:<template>[#LogicalId], openapi:<file>, tf-plan:<plan.json>[#address])')
    .option('--gate <expr>', "gate, e.g. 'latency.p99 < 250ms' (repeatable)", collect, [])
    .option('--junit <file>', 'write gate results as JUnit XML')
    .option('--baseline <file>', 'compare with a baseline result.json')
    .option('--max-regression <metric=pct>', "with --baseline, e.g. 'latency.p99=10%' (repeatable)", collect, [])
    .addOption(new Option('--cloudwatch', 'pull CloudWatch even if the target does not look like API Gateway'))
    .addOption(new Option('--no-cloudwatch', 'never pull CloudWatch'))
    .option('--region <r>', 'AWS region for CloudWatch and --limits-from (default: AWS_REGION, the profile\'s)')
    .option('--profile <p>', 'AWS profile for CloudWatch and --limits-from (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'endpoint of every AWS call (CloudWatch, --limits-from), e.g. a loadgate emulator (default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL)')
    .addOption(new Option('--endpoint <url>', 'alias of --endpoint-url').hideHelp())
    .option('--api-name <name>', 'REST API name for CloudWatch (dimension ApiName)')
    .option('--api-id <id>', 'HTTP API id for CloudWatch (dimension ApiId; taken from an execute-api host)')
    .option('--cloudwatch-timeout <d>', 'timeout of each CloudWatch call (default 10s)')
    .option('--no-warm-up', 'skip warming loadgate\'s own code against an in-process sink before time 0 (the warm-up never sends to the target)')
    .option('--allow-unkept-schedule', 'exit 0 rather than 3 when every gate passed but the schedule was not kept (drops, achieved < 99%, send-lag p99 > 5 ms)')
    .option('--yes', 'allow a non-local target (real traffic, real cost); or yes: true in the scenario')
    .option('--max-requests <n>', 'refuse a plan of more requests than this (exit 2, before any traffic)')
    .option('--max-cost <usd>', 'refuse a plan costing more than this at API Gateway REST prices (exit 2, before any traffic)')
    .option('--out <dir>', 'output folder (default reports/<run-id>)')
    .option('-q, --quiet', 'no progress line and no summary table')
    .option('--no-color', NO_COLOR_HELP)
    .addHelpText(
      'after',
      `
Examples:
  loadgate run scenarios/quickstart.ts
  loadgate run scenarios/ramp.ts --target https://abc123.execute-api.eu-west-1.amazonaws.com/prod --yes --max-cost 1
  loadgate run --target http://127.0.0.1:8080 --rps 500 --duration 30s --gate 'latency.p99 < 200ms'
  loadgate run --rps 200 --duration 10s        (against the embedded emulator)

A target other than this machine (127.0.0.0/8, ::1, localhost) gets its plan and cost printed
first and needs --yes (or yes: true in the scenario). Exit 3: the schedule was not kept while
every gate passed (see --allow-unkept-schedule).`,
    )
    .action(async (file: string | undefined, flags: RunFlags & ConsentFlags & SplitFlags & { readonly color?: boolean }) => {
      const base = file !== undefined ? await loadScenarioFile(file) : scenarioFromFlags(flags);
      if (file !== undefined && (flags.rps !== undefined || flags.duration !== undefined)) {
        throw new UsageError('--rps and --duration build a one-liner: use them without a scenario file (or edit the scenario)');
      }
      const scenario = await withOverrides(base, flags);
      checkTraffic('run', scenario.target, trafficPlanOf(scenario.phases, planOf(scenario.phases, scenario.file ?? undefined).expectedArrivals), capsFromFlags(flags),
        flags.yes === true || scenario.yes === true, (line) => process.stderr.write(`${line}\n`));
      if (isSplitRun(flags)) return splitRun(scenario, flags, command);
      const finish = await baselineStep(flags.baseline, flags.maxRegression);
      const progress = flags.quiet ? undefined : progressPrinter(process.stderr);
      const outcome = await withInterrupt((signal) =>
        runScenario(scenario, {
          outDir: flags.out,
          signal,
          onProgress: progress,
          extraGates: flags.gate,
          cloudwatch: flags.cloudwatch,
          aws: {
            region: flags.region,
            profile: flags.profile,
            endpoint: endpointUrlFlag(flags),
            apiName: flags.apiName,
            apiId: flags.apiId,
            requestTimeoutMs: flags.cloudwatchTimeout === undefined ? undefined : durationMs(flags.cloudwatchTimeout, { file: undefined, field: '--cloudwatch-timeout' }),
          },
          junitFile: flags.junit,
          finish,
        }),
      );
      if (!flags.quiet) process.stdout.write(`${renderTerminal(outcome.result, { color: colorEnabled(process.stdout, flags.color) })}\n`);
      writeNotes(outcome.result);
      process.stderr.write(`result: ${outcome.outDir}/result.json (report.html, summary.md beside it)\n`);
      await publishRun(outcome.result);
      process.exitCode = outcome.exitCode;
    });
  for (const option of splitRunOptions()) command.addOption(option);
  return command;
}

interface ConsentFlags {
  readonly yes?: boolean;
  readonly maxRequests?: string;
  readonly maxCost?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
