/**
 * The CLI of split runs: `loadgate run --segment i/N --start-at T` (one part), `loadgate run
 * --workers N` (all parts on this machine, merged) and `loadgate merge PART...` (the merge of
 * parts run anywhere). Wiring only: part.ts, workers.ts and merge-run.ts do the work.
 */
import { isAbsolute, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { endpointUrlFlag } from '../aws/credentials.ts';
import { UsageError } from '../errors.ts';
import { durationMs } from '../validate.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { scenarioFromFlags, withOverrides, type RunFlags } from './scenario-flags.ts';
import type { Scenario } from '../scenario/types.ts';
import { renderTerminal } from '../report/terminal.ts';
import type { ProgressSnapshot } from '../load/progress-snapshot.ts';
import { progressPrinter } from './progress.ts';
import { withInterrupt } from './interrupt.ts';
import type { RunResult } from '../result/schema.ts';
import type { PartManifest } from '../scale/part-file.ts';
import { runPart } from '../scale/part.ts';
import { parseSegment } from '../load/segment.ts';
import { parseStartAt, startFromStdin, withReadyFile } from '../scale/start-at.ts';
import { parseWorkers, PROGRESS_PREFIX, runWorkers } from '../scale/workers.ts';
import { checkParts, judgeMerged, loadParts } from '../scale/merge-run.ts';
import { writeNotes } from './notes.ts';
import { baselineStep } from './baseline-step.ts';

/** The run flags a merge may rebuild the scenario from: none of them carries a secret. */
const STORED_FLAGS = [
  'target', 'rps', 'duration', 'method', 'path', 'seed', 'limits', 'limitsFrom', 'gate', 'connections', 'maxInFlight', 'timeout',
  'cloudwatch', 'region', 'profile', 'endpoint', 'endpointUrl', 'apiName', 'apiId', 'cloudwatchTimeout', 'allowUnkeptSchedule', 'warmUp',
] as const;
type StoredFlags = Partial<Pick<RunFlags, (typeof STORED_FLAGS)[number]>>;

function storedFlags(flags: Partial<RunFlags>): StoredFlags {
  const out: Record<string, unknown> = {};
  for (const name of STORED_FLAGS) if (flags[name] !== undefined) out[name] = flags[name];
  // A relative --limits path must still resolve when the merge runs from another folder.
  if (typeof out.limits === 'string' && !isAbsolute(out.limits)) out.limits = resolve(out.limits);
  return out as StoredFlags;
}

export interface SplitFlags {
  readonly segment?: string;
  readonly startAt?: string;
  readonly workers?: string;
  readonly allowPartial?: boolean;
  readonly progressJsonl?: boolean;
  readonly readyFile?: string;
}

/** The options `run` gains (run.ts adds them). */
export function splitRunOptions(): Option[] {
  return [
    new Option('--workers <n>', 'split the arrivals over N worker processes on this machine (auto = one per core) and judge the exact merge'),
    new Option('--segment <i/N>', 'run part i of N of the arrivals (every N-th, from i), for a scheduler that runs the parts; merge them with loadgate merge'),
    new Option('--start-at <time>', "with --segment: the parts' shared time 0, epoch ms or ISO 8601 (2026-12-01T10:00:00Z)"),
    new Option('--ready-file <path>', 'with --segment: create this file once warmed up and connected, before waiting for the start (a readiness probe tests for it)'),
    new Option('--allow-partial', 'with --workers: merge and judge the parts that were written when a worker failed (the report names the missing ones)'),
    new Option('--progress-jsonl', 'progress as JSON lines on stdout (for a coordinator)').hideHelp(),
  ];
}

export function isSplitRun(flags: SplitFlags): boolean {
  return flags.segment !== undefined || flags.startAt !== undefined || flags.workers !== undefined || flags.allowPartial === true || flags.readyFile !== undefined;
}

/** Run flags whose value a worker must not inherit from the coordinator's command line. */
const COORDINATOR_ONLY = new Set(['--ready-file', '--workers', '--out', '--junit', '--target', '--allow-partial', '--quiet', '-q', '--baseline', '--max-regression']);

/** The coordinator's `run` arguments minus its own options (commander knows which take a value). */
export function workerArgs(rawArgs: readonly string[], command: Command): string[] {
  const out: string[] = [];
  const args = rawArgs[0] === 'run' ? rawArgs.slice(1) : [...rawArgs];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const name = token.startsWith('-') ? token.split('=')[0]! : undefined;
    const option = name === undefined ? undefined : command.options.find((o) => o.long === name || o.short === name);
    const takesValue = option !== undefined && (option.required || option.optional) && !token.includes('=');
    if (name !== undefined && COORDINATOR_ONLY.has(option?.long ?? name)) {
      if (takesValue) i++;
      continue;
    }
    out.push(token);
    if (takesValue && i + 1 < args.length) out.push(args[++i]!);
  }
  return out;
}

/** `run --segment` or `run --workers`: sets process.exitCode. */
export async function splitRun(scenario: Scenario, flags: RunFlags & SplitFlags, command: Command): Promise<void> {
  if (flags.workers !== undefined) {
    if (flags.segment !== undefined || flags.startAt !== undefined || flags.readyFile !== undefined) throw new UsageError('--workers runs every part itself: give it without --segment, --start-at and --ready-file');
    const workers = parseWorkers(flags.workers);
    // commander keeps the argv it parsed on the program (not in its typings).
    const rawArgs = (command.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? process.argv.slice(2);
    const progress = flags.quiet ? undefined : progressPrinter(process.stderr);
    // Read before any traffic, as run does: a bad baseline fails fast.
    const againstBaseline = await baselineStep(flags.baseline, flags.maxRegression);
    const outcome = await withInterrupt((signal) => runWorkers(scenario, {
      workers, runArgs: workerArgs(rawArgs, command), outDir: flags.out, allowPartial: flags.allowPartial === true, signal, onProgress: progress,
      extraGates: flags.gate, cloudwatch: flags.cloudwatch, aws: awsOf(flags), junitFile: flags.junit, finish: againstBaseline,
    }));
    for (const failed of outcome.failedParts) process.stderr.write(`loadgate: ${failed}\n`);
    finish(outcome.result, outcome.outDir, flags.quiet === true);
    process.exitCode = outcome.exitCode;
    return;
  }
  if (flags.allowPartial) throw new UsageError('--allow-partial goes with --workers (or loadgate merge)');
  if (flags.baseline !== undefined) throw new UsageError('--baseline judges a whole run, and a part (--segment) judges nothing: give it to loadgate merge');
  if (flags.segment === undefined || flags.startAt === undefined) throw new UsageError('--segment i/N and --start-at T go together: every part of a split run needs the same shared start');
  const segment = parseSegment(flags.segment);
  const startAtText = flags.startAt;
  const startAt = withReadyFile(startAtText === 'stdin' ? startFromStdin : ((atMs: number) => async () => atMs)(parseStartAt(startAtText)), flags.readyFile);
  const onProgress = flags.progressJsonl
    ? (p: ProgressSnapshot) => { const { live: _live, ...line } = p; process.stdout.write(`${PROGRESS_PREFIX}${JSON.stringify(line)}\n`); }
    : flags.quiet ? undefined : progressPrinter(process.stderr);
  const outcome = await withInterrupt((signal) => runPart(scenario, { segment, startAt, flags: storedFlags(flags), outDir: flags.out, signal, onProgress }));
  process.stderr.write(`part ${flags.segment}: ${outcome.outDir} (merge the parts with loadgate merge)\n`);
  process.exitCode = outcome.exitCode;
}

function awsOf(flags: RunFlags) {
  return {
    region: flags.region, profile: flags.profile, endpoint: endpointUrlFlag(flags), apiName: flags.apiName, apiId: flags.apiId,
    requestTimeoutMs: flags.cloudwatchTimeout === undefined ? undefined : durationMs(flags.cloudwatchTimeout, { file: undefined, field: '--cloudwatch-timeout' }),
  };
}

function finish(result: RunResult, outDir: string, quiet: boolean): void {
  if (!quiet) process.stdout.write(`${renderTerminal(result, { color: process.stdout.isTTY === true && !process.env.NO_COLOR })}\n`);
  writeNotes(result);
  process.stderr.write(`result: ${outDir}/result.json (send-log.bin, parts.json, report.html, summary.md beside it)\n`);
}

/** The scenario the parts ran, rebuilt from part.json (or the file given): the merge judges with its limits and gates. */
export async function scenarioOfParts(manifest: PartManifest, scenarioFile: string | undefined): Promise<Scenario> {
  // No method or path defaults here: scenarioFromFlags applies them to a one-liner, and withOverrides
  // refuses them over a scenario file (cli/scenario-flags.ts).
  const flags = { header: [], gate: [], maxRegression: [], ...(manifest.flags as StoredFlags) } as RunFlags;
  const file = scenarioFile ?? manifest.scenarioFile ?? undefined;
  const base = file !== undefined ? await loadScenarioFile(file) : scenarioFromFlags(flags);
  return withOverrides(base, flags);
}

interface MergeFlags {
  readonly scenario?: string;
  readonly out?: string;
  readonly allowPartial?: boolean;
  readonly gate: string[];
  readonly junit?: string;
  readonly cloudwatch?: boolean;
  readonly quiet?: boolean;
  readonly baseline?: string;
  readonly maxRegression: string[];
}

/** `--baseline` and `--max-regression`, as run has them: merge and k8s run judge a whole run too. */
export function baselineOptions(command: Command): Command {
  return command
    .option('--baseline <file>', 'compare the merged record with a baseline result.json (a single run\'s or a merged one)')
    .option('--max-regression <metric=pct>', "with --baseline, e.g. 'latency.p99=10%' (repeatable)", (v: string, prev: string[]) => [...prev, v], []);
}

export function mergeCommand(): Command {
  return baselineOptions(new Command('merge'))
    .description('Merge the parts of a split run (loadgate run --segment) exactly and judge the merged record: gates, the throttle replay, CloudWatch')
    .argument('<parts...>', 'part folders, as written by loadgate run --segment i/N --start-at T')
    .option('--scenario <file>', "the scenario the parts ran (default: the one each part's part.json names)")
    .option('--gate <expr>', 'an extra gate on the merged record (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--allow-partial', 'merge and judge the parts given even when some of the N are missing (the report names them)')
    .addOption(new Option('--no-cloudwatch', 'never pull CloudWatch'))
    .option('--junit <file>', 'write gate results as JUnit XML')
    .option('--out <dir>', 'output folder (default reports/<run-id>)')
    .option('-q, --quiet', 'no summary table')
    .addHelpText('after', `
Examples:
  loadgate run scenarios/x.ts --target http://127.0.0.1:8080 --segment 0/2 --start-at 2026-12-01T10:00:00Z --out parts/0
  loadgate run scenarios/x.ts --target http://127.0.0.1:8080 --segment 1/2 --start-at 2026-12-01T10:00:00Z --out parts/1
  loadgate merge parts/0 parts/1 --out merged`)
    .action(async (dirs: string[], flags: MergeFlags) => {
      const againstBaseline = await baselineStep(flags.baseline, flags.maxRegression);
      const { parts, missing } = checkParts(await loadParts(dirs), flags.allowPartial === true);
      const scenario = await scenarioOfParts(parts[0]!.manifest, flags.scenario);
      const stored = parts[0]!.manifest.flags as StoredFlags;
      const outcome = await withInterrupt((signal) => judgeMerged(scenario, parts, {
        outDir: flags.out, missing, signal, junitFile: flags.junit, extraGates: [...(stored.gate ?? []), ...flags.gate],
        cloudwatch: flags.cloudwatch === false ? false : stored.cloudwatch, aws: awsOf({ ...stored, header: [], gate: [], maxRegression: [] } as RunFlags), finish: againstBaseline,
      }));
      finish(outcome.result, outcome.outDir, flags.quiet === true);
      process.exitCode = outcome.exitCode;
    });
}
