/**
 * The service-level objective of a capacity search, and the judgement of one step against it.
 * A step holds when every part holds: no arrival dropped, achieved >= 97% of offered, p99 at or
 * under the limit (when one is set), errors (network errors + 5xx) and unexpected 429s (docs/architecture.md
 * "Gates": 429s the model did not predict, or every 429 when no limits are declared) at or under
 * their rates, and at least one successful (2xx/3xx) response.
 */
import type { CapacityStep, RunResult } from '../result/schema.ts';
import { unexpected429s } from '../gates/metrics.ts';
import { fmtMs, fmtPct, fmtRps } from '../core/format.ts';

/** What a step must meet to count as held. */
export interface CapacityObjective {
  /** p99 latency (from intended send time) limit; undefined = latency is not part of it. */
  readonly p99Ms: number | undefined;
  /** Share of requests with a network error or a 5xx. @default 0.01 */
  readonly maxErrorRate: number;
  /** Share of requests answered by a 429 the limits did not predict. @default 0.01 */
  readonly maxUnexpected429Rate: number;
  /** achieved / offered below this breaks the step. @default 0.97 */
  readonly minAchievedShare: number;
}

/** The defaults of `loadgate capacity` (docs/gates.md). */
export const DEFAULT_OBJECTIVE: CapacityObjective = Object.freeze({ p99Ms: undefined, maxErrorRate: 0.01, maxUnexpected429Rate: 0.01, minAchievedShare: 0.97 });

/** The objective as lines for the report (`capacity.objective`). */
export function objectiveLines(o: CapacityObjective): string[] {
  return [
    ...(o.p99Ms !== undefined ? [`latency.p99 <= ${fmtMs(o.p99Ms)}`] : []),
    `error rate (network errors + 5xx) <= ${fmtPct(o.maxErrorRate)}`,
    `unexpected 429 rate <= ${fmtPct(o.maxUnexpected429Rate)}`,
    `achieved >= ${fmtPct(o.minAchievedShare, 0)} of offered, no dropped arrivals`,
  ];
}

function statusCount(result: RunResult, lo: number, hi: number): number {
  let n = 0;
  for (const [code, count] of Object.entries(result.totals.byStatus)) if (Number(code) >= lo && Number(code) <= hi) n += count;
  return n;
}

/** `403 ×600, 404 ×2`: what came back instead of a success. */
function statusSummary(result: RunResult): string {
  return Object.entries(result.totals.byStatus).map(([code, n]) => `${code} ×${n}`).join(', ');
}

/** One step's figures and whether it held the objective, with the reasons it broke. */
export function judgeStep(result: RunResult, rateRps: number, objective: CapacityObjective): CapacityStep {
  const sent = result.totals.sent;
  const errorRate = sent > 0 ? (result.totals.errors + statusCount(result, 500, 599)) / sent : 0;
  const unexpected429Rate = sent > 0 ? unexpected429s(result) / sent : 0;
  const achievedRps = result.schedule.achievedRps;
  const p99 = result.latencyMs.p99;
  const broken: string[] = [];
  if (result.totals.completed === 0) broken.push('no request got a response');
  // A target that answers only 4xx is not holding anything: the scenario's requests are wrong.
  else if (statusCount(result, 200, 399) === 0) broken.push(`no successful (2xx/3xx) response (${statusSummary(result)}): check the scenario's requests`);
  if (result.totals.dropped > 0) broken.push(`${result.totals.dropped} arrivals dropped (in-flight cap reached)`);
  if (achievedRps < objective.minAchievedShare * rateRps) broken.push(`achieved ${fmtRps(achievedRps)} < ${fmtPct(objective.minAchievedShare, 0)} of offered`);
  if (objective.p99Ms !== undefined && p99 > objective.p99Ms) broken.push(`p99 ${fmtMs(p99)} > ${fmtMs(objective.p99Ms)}`);
  if (errorRate > objective.maxErrorRate) broken.push(`error rate ${fmtPct(errorRate)} > ${fmtPct(objective.maxErrorRate)}`);
  if (unexpected429Rate > objective.maxUnexpected429Rate) broken.push(`unexpected 429s ${fmtPct(unexpected429Rate)} > ${fmtPct(objective.maxUnexpected429Rate)}`);
  const reason = broken.length > 0 ? broken.join('; ') : `p99 ${fmtMs(p99)}, errors ${fmtPct(errorRate)}, unexpected 429s ${fmtPct(unexpected429Rate)}`;
  return { rateRps, held: broken.length === 0, reason, achievedRps, latencyP99Ms: p99, errorRate, unexpected429Rate, requests: sent };
}
