/**
 * `run --baseline FILE [--max-regression metric=allowance]`: the baseline is read (and the
 * allowances parsed) before any traffic, so a bad file fails fast; after the run, the
 * comparison's verdicts join the run's gates.
 */
import { readResult } from '../result/io.ts';
import type { RunResult } from '../result/schema.ts';
import { DEFAULT_ALLOWANCES, parseAllowance, withBaseline } from '../gates/baseline.ts';

export async function baselineStep(baselineFile: string | undefined, maxRegression: readonly string[]): Promise<((r: RunResult) => RunResult) | undefined> {
  const allowances = maxRegression.length ? maxRegression.map((t) => parseAllowance(t)) : DEFAULT_ALLOWANCES;
  if (baselineFile === undefined) return undefined;
  const baseline = await readResult(baselineFile);
  return (current) => withBaseline(current, baseline, allowances);
}
