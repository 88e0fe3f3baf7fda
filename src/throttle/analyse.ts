/**
 * The throttle section of a run with declared limits: replay the send times through the model
 * of the declared limits, compare with what came back, infer the effective bucket from the
 * observations alone, and judge both against the tolerance band (design.md "Agreement").
 * The pipeline calls analyseThrottle after every run that declares limits.
 */
import type { RequestIdentity, SendLog } from '../record/send-log.ts';
import type { Inference, ThrottleSection, Tolerance } from '../result/schema.ts';
import { compare, observedCode, OBSERVED, burstToleranceFor, type ThrottleComparison } from './compare.ts';
import { inferBucket, type Observations } from './infer.ts';
import { ApiGatewayModel, type Layer, type RequestKey } from './model.ts';
import { pickStage, type Limits, type ThrottleSpec } from './limits.ts';
import { replay } from './replay.ts';
import { limitsKeyedById } from './key-id.ts';

export { toleranceFor } from './compare.ts';

export interface AnalyseInput {
  readonly log: SendLog;
  readonly requests: readonly RequestIdentity[];
  readonly limits: Limits;
  readonly stage?: string;
  /** Wall-clock epoch ms of the run's t = 0 (quota periods are UTC calendar periods). */
  readonly originWallMs: number;
  readonly tolerance: Tolerance;
  /** Statuses that count as throttled (design.md: nginx answers 503). */
  readonly throttleStatuses: readonly number[];
}

/** The tightest bucket a request passes through: min rate and min burst over its layers. */
export interface BindingBucket extends ThrottleSpec {
  /** The layer with the lowest rate. */
  readonly layer: Layer;
}

/** Replay + comparison + inference + verdict for one run. Pure: no I/O, no clock. */
export function analyseThrottle(input: AnalyseInput): ThrottleSection {
  const stage = pickStage(input.limits, input.stage);
  const limits = limitsKeyedById(input.limits);
  const model = new ApiGatewayModel(limits, { stage, originWallMs: input.originWallMs });
  const keys = input.requests.map((r): RequestKey => ({ routeKey: model.routeFor(r.method, r.path)?.key, method: r.method.toUpperCase(), apiKey: r.keyId }));
  const prediction = replay(input.log, input.requests, model);
  const comparison = compare(prediction, input.log, input.throttleStatuses);
  const group = dominantGroup(input.log, keys);
  const inferred = inferBucket(observationsOf(input.log, input.throttleStatuses, group.members));
  const binding = group.key ? bindingBucket(limits, stage, group.key) : undefined;
  const { verdict, reason } = judge(comparison, inferred, binding, input.tolerance);
  return {
    limits: input.limits,
    stage,
    verdict,
    reason,
    predicted: comparison.predicted,
    observed: comparison.observed,
    agreement: comparison.agreement,
    firstThrottledS: comparison.firstThrottledS,
    perSecond: comparison.perSecond,
    inferred: binding && inferred.kind === 'token-bucket' ? { ...inferred, note: `${inferred.note}; binding layer: ${binding.layer}` } : inferred,
    tolerance: input.tolerance,
  };
}

/** The layers a request of `key` passes, reduced to the tightest rate and burst. */
export function bindingBucket(limits: Limits, stage: string | undefined, key: RequestKey): BindingBucket {
  const routeKey = key.routeKey ?? `${key.method} ?`;
  const layers: { layer: Layer; spec: ThrottleSpec }[] = [];
  if (limits.api.type === 'rest' && limits.routes[routeKey]?.apiKeyRequired && key.apiKey !== undefined) {
    const plan = limits.apiKeys[key.apiKey] ? limits.usagePlans[limits.apiKeys[key.apiKey].usagePlan] : undefined;
    if (plan?.methods[routeKey]) layers.push({ layer: 'usage-plan-method', spec: plan.methods[routeKey] });
    if (plan?.throttle) layers.push({ layer: 'usage-plan', spec: plan.throttle });
  }
  const stageLimits = stage === undefined ? undefined : limits.stages[stage];
  const override = stageLimits?.routes[routeKey]?.throttle;
  if (override) layers.push({ layer: 'stage-route', spec: override });
  else if (stageLimits?.throttle) layers.push({ layer: 'stage', spec: stageLimits.throttle });
  layers.push({ layer: 'account', spec: limits.account });
  const byRate = layers.reduce((a, b) => (b.spec.rateRps < a.spec.rateRps ? b : a));
  return { layer: byRate.layer, rateRps: byRate.spec.rateRps, burst: Math.min(...layers.map((l) => l.spec.burst)) };
}

/** The rows of the most used (route, API key): inference needs the traffic of one bucket. */
function dominantGroup(log: SendLog, keys: readonly RequestKey[]): { key: RequestKey | undefined; members: (i: number) => boolean } {
  const groupOf = keys.map((k) => `${k.routeKey ?? k.method}\n${k.apiKey ?? ''}`);
  const counts = new Map<string, number>();
  for (let i = 0; i < log.count; i++) {
    const g = groupOf[log.requestIndex[i]] ?? '';
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  let best = '';
  let bestCount = -1;
  for (const [g, n] of counts) if (n > bestCount) [best, bestCount] = [g, n];
  const index = groupOf.indexOf(best);
  return { key: keys[index], members: (i) => groupOf[log.requestIndex[i]] === best };
}

/** The group's answered requests as inference input, with each one's send-to-answer window. */
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
  return `${t.profile} band: agreement ≥ ${pct(t.minAgreement)}, rate ±${pct(t.rateRelative)}, burst ±${t.burstAbsolute}`;
}

function judge(c: ThrottleComparison, inf: Inference, binding: BindingBucket | undefined, tol: Tolerance): { verdict: 'pass' | 'fail'; reason: string } {
  const band = `(${describeBand(tol)})`;
  if (c.compared === 0) return { verdict: 'fail', reason: `no request got an HTTP response: nothing to compare ${band}` };
  const agreement = `agreement ${pct(c.agreement)}`;
  if (c.agreement < tol.minAgreement) {
    return { verdict: 'fail', reason: `${agreement} < ${pct(tol.minAgreement)}: predicted ${c.predicted.accepted} accepted / ${c.predicted.throttled} throttled, observed ${c.observed.accepted} / ${c.observed.throttled} ${band}` };
  }
  if (binding && inf.kind === 'token-bucket' && inf.rateRps !== null && inf.burst !== null && inf.rateRange && inf.burstRange) {
    const rateTol = tol.rateRelative * binding.rateRps;
    const burstTol = burstToleranceFor(tol, binding.rateRps);
    const rateKnown = inf.rateRange[1] - inf.rateRange[0] <= 2 * rateTol;
    const burstKnown = inf.burstRange[1] - inf.burstRange[0] <= 2 * burstTol;
    if (rateKnown && Math.abs(inf.rateRps - binding.rateRps) > rateTol) {
      return { verdict: 'fail', reason: `${agreement}, but the measured rate ${fmt(inf.rateRps)} rps is outside ${fmt(binding.rateRps)} ± ${pct(tol.rateRelative)} (${binding.layer}) ${band}` };
    }
    if (burstKnown && Math.abs(inf.burst - binding.burst) > burstTol) {
      return { verdict: 'fail', reason: `${agreement}, but the measured burst ${inf.burst} is outside ${binding.burst} ± ${fmt(burstTol)} (${binding.layer}) ${band}` };
    }
    return { verdict: 'pass', reason: `${agreement}; measured ${fmt(inf.rateRps)} rps / burst ${inf.burst} vs declared ${fmt(binding.rateRps)} / ${binding.burst} (${binding.layer}) ${band}` };
  }
  return { verdict: 'pass', reason: `${agreement} ≥ ${pct(tol.minAgreement)}; ${inf.kind === 'no-throttling' ? 'nothing was throttled' : `inference: ${inf.kind}`} ${band}` };
}

function pct(x: number): string {
  return `${Number((x * 100).toFixed(1))}%`;
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}
