/**
 * `loadgate capacity SCENARIO`: find the highest offered rate that holds a service-level
 * objective. Wiring only: flags -> capacity/options.ts, search -> capacity/run.ts, reports ->
 * pipeline.writeReports.
 */
import { join } from 'node:path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { runCapacity, restMsFor } from '../capacity/run.ts';
import { CAPACITY_DEFAULTS, objectiveFromFlags, planFromFlags, type CapacityFlags } from '../capacity/options.ts';
import { stopText } from '../capacity/search.ts';
import { exitCodeOf, writeReports } from '../pipeline.ts';
import { fmtCount, fmtMs, fmtPct, fmtRps } from '../core/format.ts';
import type { CapacityStep } from '../result/schema.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { probeWritable } from '../result/write-files.ts';
import { UsageError } from '../errors.ts';
import { paramFailureMessage } from '../load/param-guard.ts';
import { capsFromFlags, checkTraffic } from './consent.ts';
import { withInterrupt } from './interrupt.ts';
import { ANSI, colorEnabled, NO_COLOR_HELP, paint } from '../color.ts';
import { errorCommand, publishRun } from './github-actions.ts';

interface Flags extends CapacityFlags {
  readonly color?: boolean;
  readonly out?: string;
  readonly quiet?: boolean;
  readonly yes?: boolean;
  readonly maxRequests?: string;
  readonly maxCost?: string;
}

/** `held` in green, `BROKE` in red, when colours are on. */
function heldWord(held: boolean, color: boolean): string {
  return held ? paint('held', ANSI.good, color) : paint('BROKE', `1;${ANSI.bad}`, color);
}

function stepsTable(steps: readonly CapacityStep[], color: boolean): string {
  const table = new Table({
    head: ['#', 'offered', 'result', 'achieved', 'p99', 'errors', 'unexpected 429', 'requests', 'reason'],
    style: { head: [], border: [], compact: true },
    colAligns: ['right', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  steps.forEach((s, i) => table.push([String(i + 1), fmtRps(s.rateRps), heldWord(s.held, color), fmtRps(s.achievedRps), fmtMs(s.latencyP99Ms), fmtPct(s.errorRate), fmtPct(s.unexpected429Rate), fmtCount(s.requests), s.held ? '' : s.reason]));
  return table.toString();
}

/** The `capacity` command. */
export function capacityCommand(): Command {
  const d = CAPACITY_DEFAULTS;
  return new Command('capacity')
    .description('Find the highest offered rate that holds a service-level objective (geometric steps, then bisection)')
    .argument('<scenario>', 'scenario file (.ts, .js or .json): its requests, target, limits and emulator are used; its phases are replaced by the steps')
    .option('--start <rps>', `first step's rate (default ${d.startRps})`)
    .option('--max-rate <rps>', `never offer more (default ${d.maxRps})`)
    .option('--step-duration <d>', `length of each step (default ${d.stepDurationMs / 1000}s)`)
    .option('--factor <x>', `geometric growth between steps (default ${d.factor})`)
    .option('--step <rps>', 'linear growth between steps instead of --factor')
    .option('--precision <pct>', `stop bisecting when held and broken are this close (default ${d.precision * 100}%)`)
    .option('--rest <d>', 'pause between steps (default: burst / rate of the tightest known bucket, 1s if unknown)')
    .option('--p99 <d>', 'objective: p99 latency at most this (default: not part of the objective)')
    .option('--max-error-rate <pct>', 'objective: network errors + 5xx at most this share (default 1%)')
    .option('--max-unexpected-429 <pct>', 'objective: 429s the limits do not predict (every 429 without limits) at most this share (default 1%)')
    .option('--max-total-requests <n>', `budget: stop before a step would pass it (default ${fmtCount(d.maxTotalRequests)})`)
    .option('--max-duration <d>', `budget: stop before a step would pass it (default ${d.maxDurationMs / 60_000}m)`)
    .option('--yes', 'allow a non-local target (real traffic, real cost); or yes: true in the scenario')
    .option('--max-requests <n>', 'refuse a search whose budget is more requests than this (exit 2, before any traffic)')
    .option('--max-cost <usd>', 'refuse a search whose budget costs more than this at API Gateway REST prices (exit 2)')
    .option('--out <dir>', 'output folder (default reports/<run-id>)')
    .option('-q, --quiet', 'no line per step')
    .option('--no-color', NO_COLOR_HELP)
    .addHelpText(
      'after',
      `
A step holds when no arrival is dropped, achieved >= 97% of offered, and the objective holds.
Each step after the first starts after a rest so the target's token buckets refill.

Examples:
  loadgate capacity scenarios/steady.ts --p99 300ms
  loadgate capacity scenarios/steady.ts --start 50 --factor 2 --step-duration 5s --max-rate 2000
  loadgate capacity scenarios/steady.ts --step 100 --max-unexpected-429 0.5% --max-duration 2m

capacity exits 1 only when even its lowest step broke the objective.`,
    )
    .action(async (file: string, flags: Flags) => {
      const scenario = await loadScenarioFile(file);
      await probeWritable(flags.out ?? 'reports', flags.out === undefined ? 'the reports folder' : '--out');
      const plan = planFromFlags(flags, restMsFor(scenario));
      const objective = objectiveFromFlags(flags);
      // The search stops before its budget, so the budget is the plan's worst case.
      const worst = { requests: plan.maxTotalRequests, durationMs: plan.maxDurationMs, peakRps: plan.maxRps, largestBurst: 0 };
      checkTraffic('capacity', scenario.target, worst, capsFromFlags(flags), flags.yes === true || scenario.yes === true, (line) => process.stderr.write(`${line} (the budget: at most)\n`));
      const onStep = flags.quiet ? undefined : (s: CapacityStep, i: number) => process.stderr.write(`step ${i + 1}: ${fmtRps(s.rateRps)} ${heldWord(s.held, colorEnabled(process.stderr, flags.color))}: ${s.reason}\n`);
      const { outcome, result, stoppedBy, sentRequests } = await withInterrupt((signal) => runCapacity(scenario, { plan, objective, signal, onStep }));
      const outDir = await writeReports(result, flags.out ?? join('reports', result.runId));
      if (stoppedBy) {
        throw new UsageError(paramFailureMessage(scenario.file, scenario.requests.map((r) => r.name), stoppedBy, sentRequests, join(outDir, 'result.json')), { file: scenario.file ?? undefined });
      }
      process.stdout.write(`${stepsTable(outcome.steps, colorEnabled(process.stdout, flags.color))}\n`);
      process.stdout.write(`capacity: highest held ${outcome.highestHeldRps === null ? 'none' : fmtRps(outcome.highestHeldRps)}, first broken ${outcome.firstBrokenRps === null ? 'none' : fmtRps(outcome.firstBrokenRps)} (${stopText(outcome, plan)})\n`);
      process.stderr.write(`result: ${outDir}/result.json (report.html, summary.md beside it)\n`);
      await publishRun(result, outcome.highestHeldRps === null && outcome.steps.length > 0
        ? [errorCommand('loadgate capacity: no rate held', `even the lowest step (${fmtRps(outcome.steps[0].rateRps)}) broke the objective: ${outcome.steps[0].reason}`)]
        : []);
      process.exitCode = exitCodeOf(result);
    });
}
