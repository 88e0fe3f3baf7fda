/**
 * verify's verdict, declared vs measured (docs/throttling.md, docs/inference.md). One rule for a
 * live probe and for a re-judged record: with limits declared the throttle section is the judge
 * (the same verdict `run` gives, a bucket never exercised read as inconclusive, since a probe
 * exists to exercise it); with nothing declared, what the observations alone say.
 */
import type { Inference, RunResult, ThrottleSection, VerifySection } from '../result/schema.ts';
import type { SendLog } from '../record/send-log.ts';
import type { ProbePlan } from '../throttle/probe.ts';
import { observationsOf } from '../throttle/analyse.ts';
import { inferBucket, type Observations } from '../throttle/infer.ts';

/** The declared bucket that binds the probe's request: its route's override, its key's usage plan, or the stage default. */
export interface DeclaredBinding {
  readonly rateRps: number;
  readonly burst: number;
  readonly layer: string;
  readonly label: string;
}

/** What verify reads of a measured run (pipeline.ts Measured has these). */
export interface MeasuredProbe {
  readonly result: RunResult;
  readonly sendLog: SendLog;
}

/** The rate and burst an inference found; null where it found no token bucket. */
function measuredOf(inf: Inference | undefined): VerifySection['measured'] {
  return { rateRps: inf?.kind === 'token-bucket' ? inf.rateRps : null, burst: inf?.kind === 'token-bucket' ? inf.burst : null };
}

/** The throttle verdict as verify reports it: a bucket the probe did not exercise is inconclusive. */
function verdictOfThrottle(t: ThrottleSection): Pick<VerifySection, 'verdict' | 'reason'> {
  return { verdict: t.verdict === 'not-exercised' ? 'inconclusive' : t.verdict, reason: t.reason };
}

/** What the observations alone say; undefined when nothing was answered (no-response, never "no throttling"). */
function answeredInference(obs: Observations): Inference | undefined {
  return obs.count === 0 ? undefined : inferBucket(obs);
}

/** Declared vs measured for a live probe. */
export function verifySection(inf: Inference | undefined, throttle: ThrottleSection | undefined, plan: ProbePlan, declared: DeclaredBinding | undefined): VerifySection {
  const measured = measuredOf(inf);
  const common = {
    declared: { rateRps: declared?.rateRps ?? null, burst: declared?.burst ?? null }, measured, binding: declared ? { layer: declared.layer, label: declared.label } : null,
    plannedRequests: plan.plannedRequests, estimatedCostUsd: { rest: plan.costUsd.rest.worst, http: plan.costUsd.http.worst },
  };
  if (throttle) return { ...common, ...verdictOfThrottle(throttle) };
  if (!inf) return { ...common, verdict: 'no-response', reason: 'no request got an HTTP response: nothing to measure (is the target up?)' };
  if (inf.kind === 'no-throttling') return { ...common, verdict: 'no-throttling', reason: inf.note };
  if (inf.kind !== 'token-bucket' || measured.rateRps === null || measured.burst === null) return { ...common, verdict: 'inconclusive', reason: inf.note };
  return { ...common, verdict: 'pass', reason: `measured ${measured.rateRps.toFixed(1)} rps, burst ${measured.burst} (nothing declared)` };
}

/**
 * The pipeline's verify stage for one probe (PipelineOptions.verify). With nothing declared there
 * is no model to replay: it infers from the observations alone.
 */
export function verifyStage(plan: ProbePlan, declared: DeclaredBinding | undefined, throttleStatuses: readonly number[]): (measured: MeasuredProbe) => VerifySection {
  return ({ result, sendLog }) =>
    declared
      ? verifySection(result.throttle?.inferred, result.throttle, plan, declared)
      : verifySection(answeredInference(observationsOf(sendLog, throttleStatuses)), undefined, plan, undefined);
}

/** A recorded verify run's section, judged again: the throttle verdict of the bucket that decides it. */
export function rejudgedVerifySection(t: ThrottleSection, recorded: VerifySection): VerifySection {
  const deciding = t.buckets.find((b) => b.verdict === t.verdict) ?? t.buckets[0];
  return {
    ...recorded,
    declared: { rateRps: deciding?.declared.rateRps ?? null, burst: deciding?.declared.burst ?? null },
    measured: measuredOf(t.inferred),
    binding: deciding ? { layer: deciding.layer, label: deciding.label } : null,
    ...verdictOfThrottle(t),
  };
}
