/**
 * The throttle section of a run with declared limits (docs/throttling.md): replay the send times
 * through the model of the declared limits, group the requests by the bucket that binds them,
 * and judge each group on its own evidence (verdict.ts), with the bucket the observations alone
 * imply (infer.ts) as the measured figure. The pipeline calls analyseThrottle after every run
 * that declares limits; `verify --from` calls it on a send log read back from disk.
 */
import type { RequestIdentity, SendLog } from '../record/send-log.ts';
import type { BucketVerdict, Inference, ThrottleSection, ThrottleVerdict, Tolerance } from '../result/schema.ts';
import { compare, observedCode, OBSERVED } from './compare.ts';
import { inferBucket, type Observations } from './infer.ts';
import { ApiGatewayModel } from './model.ts';
import { pickStage, type Limits } from '../core/limits.ts';
import { latestDecisionMs, PREDICTED, replay } from './replay.ts';
import { decisionTimesBySend } from './decision-delay.ts';
import { limitsKeyedById } from './key-id.ts';
import { groupByBinding, requestKeysOf, type BucketGroup } from './groups.ts';
import { judgeGroup } from './verdict.ts';

export { toleranceFor } from './compare.ts';

export interface AnalyseInput {
  readonly log: SendLog;
  readonly requests: readonly RequestIdentity[];
  readonly limits: Limits;
  readonly stage?: string;
  /** Wall-clock epoch ms of the run's t = 0 (quota periods are UTC calendar periods). */
  readonly originWallMs: number;
  readonly tolerance: Tolerance;
  /** Statuses that count as throttled (docs/aws-rules.md §7: nginx answers 503). */
  readonly throttleStatuses: readonly number[];
}

/** Replay + grouping + a verdict per bucket + the run's verdict. Pure: no I/O, no clock. */
export function analyseThrottle(input: AnalyseInput): ThrottleSection {
  const stage = pickStage(input.limits, input.stage);
  const limits = limitsKeyedById(input.limits);
  const model = new ApiGatewayModel(limits, { stage, originWallMs: input.originWallMs });
  const keys = requestKeysOf(input.requests, model);
  const { decidedMs, latestMs } = decisionTimes(input.log, input.throttleStatuses);
  const prediction = replay(input.log, input.requests, model, decidedMs);
  const comparison = compare(prediction, input.log, input.throttleStatuses);
  const buckets = groupByBinding(input.log, keys, limits, stage).map((g) => judgeOne(g, input, prediction.code, decidedMs, latestMs));
  const deciding = decidingBucket(buckets);
  const { verdict, reason } = overall(buckets, deciding, comparison.compared, input.tolerance);
  return {
    limits: input.limits,
    stage,
    verdict,
    reason,
    detection: deciding?.detection ?? { rateRelative: null, burst: null },
    buckets,
    predicted: comparison.predicted,
    observed: comparison.observed,
    agreement: comparison.agreement,
    firstThrottledS: comparison.firstThrottledS,
    perSecond: comparison.perSecond,
    inferred: deciding?.inferred ?? inferBucket(observationsOf(input.log, input.throttleStatuses)),
    tolerance: input.tolerance,
  };
}

function judgeOne(group: BucketGroup, input: AnalyseInput, predicted: Uint8Array, decidedAll: Float64Array, latestAll: Float64Array): BucketVerdict {
  const n = group.rows.length;
  const decidedMs = new Float64Array(n);
  const sentMs = new Float64Array(n);
  const predictedAccepted = new Uint8Array(n);
  const observedAccepted = new Uint8Array(n);
  const windowMs = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const i = group.rows[j];
    decidedMs[j] = decidedAll[i];
    sentMs[j] = input.log.sentMs[i];
    windowMs[j] = latestAll[i] - input.log.sentMs[i];
    predictedAccepted[j] = predicted[i] === PREDICTED.ACCEPTED || predicted[i] === PREDICTED.FORBIDDEN ? 1 : 0;
    observedAccepted[j] = observedCode(input.log, i, input.throttleStatuses) === OBSERVED.THROTTLED ? 0 : 1;
  }
  const member = new Uint8Array(input.log.count);
  for (let j = 0; j < n; j++) member[group.rows[j]] = 1;
  const inferred = inferBucket(observationsOf(input.log, input.throttleStatuses, (i) => member[i] === 1));
  return judgeGroup(group, { sentMs, decidedMs, predictedAccepted, observedAccepted, windowMs }, inferred, input.tolerance);
}

/**
 * When the gateway decided each row, in send order (decision-delay.ts: send + one delay per run,
 * a 429's queue on top), and the latest it can have, plus the run's timing slack. The replay
 * decides at the first; the verdict's band allows for the difference.
 */
function decisionTimes(log: SendLog, throttleStatuses: readonly number[]): { decidedMs: Float64Array; latestMs: Float64Array } {
  const throttled = new Uint8Array(log.count);
  const latencyMs = new Float64Array(log.count);
  for (let i = 0; i < log.count; i++) {
    const code = observedCode(log, i, throttleStatuses);
    throttled[i] = code === OBSERVED.THROTTLED ? 1 : 0;
    latencyMs[i] = code === OBSERVED.NONE ? Number.NaN : log.endMs[i] - log.sentMs[i];
  }
  const t = decisionTimesBySend(log.sentMs, throttled, log.count, latencyMs);
  // The latest bound is taking requests in arrival order: before the earliest later answer
  // (replay.ts latestDecisionMs). The queue windows inference grants accepted requests are
  // wider (up to the next queued 429, which a lognormal service tail can put far off): right for
  // a feasibility check, too loose for a count.
  const latestMs = latestDecisionMs(log.sentMs, log.endMs, (i) => log.status[i] !== 0, log.count);
  for (let i = 0; i < log.count; i++) latestMs[i] = Math.max(latestMs[i], t.decidedMs[i]) + t.slackMs;
  return { decidedMs: t.decidedMs, latestMs };
}

/** The bucket that decides the run: the first that failed, else the first inconclusive, else the largest exercised. */
function decidingBucket(buckets: readonly BucketVerdict[]): BucketVerdict | undefined {
  return buckets.find((b) => b.verdict === 'fail') ?? buckets.find((b) => b.verdict === 'inconclusive') ?? buckets.find((b) => b.verdict === 'pass') ?? buckets[0];
}

function overall(buckets: readonly BucketVerdict[], deciding: BucketVerdict | undefined, compared: number, tolerance: Tolerance): { verdict: ThrottleVerdict; reason: string } {
  if (compared === 0 || deciding === undefined) return { verdict: 'no-response', reason: 'no request got an HTTP response: nothing to judge (is the target up?)' };
  const others = buckets.length > 1 ? ` (${buckets.length} buckets: ${buckets.map((b) => `${b.label} ${b.verdict}`).join(', ')})` : '';
  const profile = `${tolerance.profile} tolerance`;
  if (deciding.verdict === 'not-exercised') return { verdict: 'not-exercised', reason: `${deciding.reason}: this run could not test the limits${others}; ${profile}` };
  return { verdict: deciding.verdict, reason: `${deciding.reason}${others}; ${profile}` };
}

/** The answered requests (of one group) as inference input, with each one's send-to-answer time. */
export function observationsOf(log: SendLog, throttleStatuses: readonly number[], member: (i: number) => boolean = () => true): Observations {
  const atMs = new Float64Array(log.count);
  const latencyMs = new Float64Array(log.count);
  const throttled = new Uint8Array(log.count);
  let count = 0;
  for (let i = 0; i < log.count; i++) {
    const code = observedCode(log, i, throttleStatuses);
    if (code === OBSERVED.NONE || !member(i)) continue;
    atMs[count] = log.sentMs[i];
    latencyMs[count] = log.endMs[i] - log.sentMs[i];
    throttled[count++] = code === OBSERVED.THROTTLED ? 1 : 0;
  }
  return { atMs, throttled, count, latencyMs };
}

/** A one-line description of a tolerance band, for every verdict reason. */
export function describeBand(t: Tolerance): string {
  return `${t.profile} band: rate ±${Number((t.rateRelative * 100).toFixed(1))}%, burst ±${t.burstAbsolute}`;
}

export type { Inference };
