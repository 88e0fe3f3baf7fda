/**
 * `loadgate compare BASELINE.json CURRENT.json [--max-regression m=v]... [--json]`: a table of the
 * main figures of two results and exit 1 when one got worse beyond its allowance. Wiring only:
 * the logic is gates/baseline.ts.
 */
import { Command } from 'commander';
import { compareResults, DEFAULT_ALLOWANCES, parseAllowance } from '../gates/baseline.ts';
import { renderComparison } from '../gates/baseline-table.ts';
import { colorEnabled, NO_COLOR_HELP } from '../color.ts';
import { gateAnnotations, publishToGitHub } from './github-actions.ts';
import { readResult } from '../result/io.ts';
import { EXIT } from '../core/exit-codes.ts';
import { UsageError } from '../errors.ts';

interface CompareFlags {
  readonly maxRegression: readonly string[];
  readonly json?: boolean;
  readonly color?: boolean;
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

/** The `compare` command. */
export function compareCommand(): Command {
  return new Command('compare')
    .description('Compare a result with a baseline result and fail on a regression beyond an allowance')
    .argument('<baseline>', 'baseline result.json')
    .argument('<current>', 'current result.json')
    .option('--max-regression <metric=allowance>', "how much a figure may get worse: 'latency.p99=10%' (relative), 'latency.p99=20ms', 'errors.rate=0.5pp' (absolute); repeatable; replaces the defaults", collect, [])
    .option('--json', 'print the comparison as JSON instead of a table')
    .option('--no-color', NO_COLOR_HELP)
    .addHelpText(
      'after',
      `
Defaults (when no --max-regression is given): ${DEFAULT_ALLOWANCES.map((a) => a.text).join(', ')}.
"Worse" is higher for latencies and error rates, lower for achieved rps and throttle agreement.
A relative allowance on a baseline of 0 allows no increase at all: use pp (percentage points) for rates.

Examples:
  loadgate compare reports/base/result.json reports/new/result.json
  loadgate compare base.json new.json --max-regression latency.p99=10% --max-regression errors.rate=0.1pp
  loadgate compare base.json new.json --json > comparison.json

compare exits 1 when a figure regressed beyond its allowance.`,
    )
    .action(async (baselineFile: string, currentFile: string, flags: CompareFlags) => {
      const allowances = flags.maxRegression.length > 0 ? flags.maxRegression.map((t) => parseAllowance(t)) : DEFAULT_ALLOWANCES;
      const [baseline, current] = await Promise.all([readResult(baselineFile), readResult(currentFile)]);
      if (baseline.kind !== current.kind) {
        throw new UsageError(`compare: ${baselineFile} is a ${baseline.kind} result and ${currentFile} a ${current.kind} result: compare results of the same kind`);
      }
      const comparison = compareResults(baseline, current, allowances);
      process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison, colorEnabled(process.stdout, flags.color)));
      await publishToGitHub(`### loadgate compare\n\n\`\`\`\n${renderComparison(comparison)}\`\`\`\n`, gateAnnotations(comparison.verdicts, comparison.current.runId));
      process.exitCode = comparison.regressed ? EXIT.GATE_FAILED : EXIT.OK;
    });
}
