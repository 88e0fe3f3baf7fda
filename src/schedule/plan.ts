/**
 * The Plan: a scenario's phases laid end to end as one global count curve.
 *
 *   count ^                           C(t) = a_i + shape_i.countAt(t - start_i)
 *         |              ●─────,──    for start_i <= t < start_i + D_i,
 *         |          ,-' |  ,-'       a_i = Σ_{j<i} (count of phase j), kept fractional:
 *         |      ,-'     |-'          a 10.5-arrival phase followed by another gives 21
 *         |  ,-'         |            arrivals, not 20, because the half carries over.
 *         +-------+------+------> t
 *          constant  ramp burst sine
 *
 * Arrival n (uniform spacing) is due at the earliest t with C(t) >= n + 1 (see arrivals.ts).
 */
import { UsageError } from '../errors.ts';
import { at, isObject, type Where } from '../validate.ts';
import { type Shape, countSlack } from './shape.ts';
import type { Spacing } from './shape-definition.ts';
import { isValidated, type PhaseSpec, SPEC_SHAPE_NAMES, specDefinition } from './shapes/registry.ts';

/** One phase placed on the global time and count axes. */
export interface PlannedPhase {
  readonly shape: Shape;
  /** Bursts and pauses are always 'uniform'. */
  readonly spacing: Spacing;
  /** Run time at which the phase starts, ms. */
  readonly startMs: number;
  /** Global count before the phase (fractional). */
  readonly startCount: number;
  /** The phase's own count, shape.countAt(durationMs). */
  readonly count: number;
}

/** A whole schedule: pure functions of run time (ms since run start). */
export interface Plan {
  readonly durationMs: number;
  /** Arrivals a uniform plan yields (exact); for Poisson phases, the expected number. */
  readonly expectedArrivals: number;
  /** expected count / duration, in requests per second (0 for an empty or instant plan). */
  readonly meanRateRps: number;
  readonly phases: readonly PlannedPhase[];
  /** Expected arrivals in [0, tMs] (right-continuous: a burst at t counts at t). */
  countAt(tMs: number): number;
  /** Earliest run time with countAt(t) >= count, or undefined past the plan's total. */
  timeAtCount(count: number): number | undefined;
  /** The intended rate at tMs; 0 outside the plan and for instant bursts. */
  rateRpsAt(tMs: number): number;
  /** One line per phase, e.g. "ramp 10→200 rps over 60 s". */
  describe(): string[];
}

/**
 * Builds one phase's shape from its registered definition. A spec that came through scenario
 * validation is built as is; one handed in directly is checked first (UsageError naming
 * `phases[i].field`).
 */
function shapeOf(spec: PhaseSpec, where: Where): { shape: Shape; spacing: Spacing } {
  if (!isObject(spec)) throw UsageError.invalid(where.file, where.field, spec, 'a phase object');
  const definition = specDefinition(spec);
  if (definition === undefined) {
    const field = at(where, 'shape');
    throw UsageError.invalid(field.file, field.field, (spec as { shape?: unknown }).shape, `one of ${SPEC_SHAPE_NAMES.join(', ')}`);
  }
  const check = isValidated(spec) ? undefined : where;
  return { shape: definition.build(spec, check), spacing: definition.spacing(spec, check) };
}

/**
 * Composes phases in sequence into one Plan. Throws a UsageError for a plan that cannot run:
 * no phases, a negative or non-finite number, an amplitude above the mean, a burst longer than
 * its phase, or more than 2^53 arrivals.
 */
export function planOf(phases: readonly PhaseSpec[], file?: string): Plan {
  const root: Where = { file, field: 'phases' };
  if (!Array.isArray(phases) || phases.length === 0) {
    throw UsageError.invalid(file, 'phases', phases, 'a non-empty list of phases');
  }
  const planned: PlannedPhase[] = [];
  let startMs = 0;
  let startCount = 0;
  phases.forEach((spec, i) => {
    const { shape, spacing } = shapeOf(spec, at(root, i));
    const count = shape.countAt(shape.durationMs);
    planned.push(Object.freeze({ shape, spacing, startMs, startCount, count }));
    startMs += shape.durationMs;
    startCount += count;
  });
  if (!(startCount <= Number.MAX_SAFE_INTEGER)) {
    throw UsageError.invalid(file, 'phases', `${startCount} arrivals`, `at most ${Number.MAX_SAFE_INTEGER} arrivals in total`);
  }
  return new PhasePlan(planned, startMs, startCount);
}

/** The Plan over a list of placed phases (binary searches over their start times and counts). */
class PhasePlan implements Plan {
  readonly durationMs: number;
  readonly expectedArrivals: number;
  readonly meanRateRps: number;
  readonly phases: readonly PlannedPhase[];
  readonly #totalCount: number;

  constructor(phases: readonly PlannedPhase[], durationMs: number, totalCount: number) {
    this.phases = Object.freeze(phases);
    this.durationMs = durationMs;
    this.#totalCount = totalCount;
    this.expectedArrivals = Math.floor(totalCount + countSlack(totalCount));
    this.meanRateRps = durationMs > 0 ? (1000 * totalCount) / durationMs : 0;
  }

  /** The last phase starting at or before tMs (so an instant phase at t yields to the next). */
  #phaseAt(tMs: number): number {
    let lo = 0;
    let hi = this.phases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.phases[mid]!.startMs <= tMs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  countAt(tMs: number): number {
    if (tMs < 0) return 0;
    if (tMs >= this.durationMs) return this.#totalCount;
    const phase = this.phases[this.#phaseAt(tMs)]!;
    return phase.startCount + phase.shape.countAt(tMs - phase.startMs);
  }

  timeAtCount(count: number): number | undefined {
    if (count <= 0) return 0;
    if (count > this.#totalCount + countSlack(this.#totalCount)) return undefined;
    let lo = 0;
    let hi = this.phases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const end = this.phases[mid]!.startCount + this.phases[mid]!.count;
      if (end + countSlack(end) >= count) hi = mid;
      else lo = mid + 1;
    }
    return phaseTimeAtCount(this.phases[lo]!, count);
  }

  rateRpsAt(tMs: number): number {
    if (tMs < 0 || tMs >= this.durationMs) return 0;
    const phase = this.phases[this.#phaseAt(tMs)]!;
    return phase.shape.rateRpsAt(tMs - phase.startMs);
  }

  describe(): string[] {
    return this.phases.map(({ shape, spacing }) => (spacing === 'poisson' ? `${shape}, poisson arrivals` : String(shape)));
  }
}

/**
 * Run time at which global `count` is reached inside `phase`, for a count the caller has placed
 * in (startCount, startCount + count + slack]: the slack is clamped off so a float-short phase
 * total still yields its last arrival, at the phase's end.
 */
export function phaseTimeAtCount(phase: PlannedPhase, count: number): number {
  const local = Math.min(count - phase.startCount, phase.count);
  const tMs = phase.shape.timeAtCount(local) ?? phase.shape.durationMs;
  return phase.startMs + tMs;
}
