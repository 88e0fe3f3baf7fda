/**
 * Arrival times read off a Plan's count curve C(t), uniform or Poisson, seeded.
 *
 *   count ^                 Uniform phases take the whole numbers k in (a_i, b_i] of the count
 *       4 |- - - - - -,●    axis (a_i, b_i = the global count at the phase's start and end):
 *       3 |- - - - ,●'      arrival n is due at the earliest t with C(t) >= n + 1, the first at
 *       2 |- - -,●'  |      1/rate on a flat phase (Vegeta's ConstantPacer).
 *       1 |- ,●'     |      Poisson phases take the points of a unit-rate Poisson process on
 *         +-●--+-----+-> t  the same axis, S_{n+1} = a + Σ of n+1 seeded Exp(1) draws, and map
 *           t1 t2   t4      them back through C⁻¹: time rescaling, so the rate follows the shape.
 *
 * Each time is computed from its count (k or S), never by adding intervals, so there is no
 * drift after 1e6 arrivals. Exp(1) is memoryless, so a Poisson phase that follows another
 * continues the same process, and one that follows a uniform phase restarts at its own a_i with
 * the same law; a burst keeps exactly its N arrivals whatever fraction is carried into it.
 */
import { type Plan, type PlannedPhase, phaseTimeAtCount } from './plan.ts';
import { countSlack } from './shape.ts';
import { createRng, exponential } from './rng.ts';

/** A forward-only source of intended send times. */
export interface ArrivalCursor {
  /**
   * The intended send time of the next arrival (0, 1, 2, ...), ms since run start, a float;
   * non-decreasing; Infinity after the last one (and on every later call).
   */
  next(): number;
}

/**
 * A cursor over `plan`'s arrivals. Same plan and seed, same times. Allocates nothing per
 * arrival; each next() costs O(1) amortised (plus the shape's inversion: a sqrt for a ramp,
 * a binary search for steps, a few Newton steps for a sine).
 */
export function arrivalCursor(plan: Plan, seed: number): ArrivalCursor {
  return new PlanCursor(plan.phases, seed);
}

class PlanCursor implements ArrivalCursor {
  readonly #phases: readonly PlannedPhase[];
  readonly #rng: () => number;
  #phase = 0;
  /** Next whole count a uniform phase may take. */
  #nextWhole = 1;
  /** The next Poisson point on the count axis; stale when <= the current phase's start. */
  #poissonAt = Number.NEGATIVE_INFINITY;
  /** Guards monotonicity against the last ulp of a shape's inversion. */
  #lastMs = 0;

  constructor(phases: readonly PlannedPhase[], seed: number) {
    this.#phases = phases;
    this.#rng = createRng(seed);
  }

  next(): number {
    while (this.#phase < this.#phases.length) {
      const phase = this.#phases[this.#phase]!;
      const end = phase.startCount + phase.count;
      const count = phase.spacing === 'poisson' ? this.#poissonCount(phase) : this.#wholeCount(phase);
      if (count <= end + countSlack(end)) {
        if (phase.spacing === 'poisson') this.#poissonAt += exponential(this.#rng);
        else this.#nextWhole = count + 1;
        const tMs = phaseTimeAtCount(phase, count);
        if (tMs > this.#lastMs) this.#lastMs = tMs;
        return this.#lastMs;
      }
      this.#phase++;
    }
    return Number.POSITIVE_INFINITY;
  }

  #wholeCount(phase: PlannedPhase): number {
    const start = phase.startCount + countSlack(phase.startCount);
    // A whole count at or below the start belongs to an earlier phase (or was skipped by a Poisson one).
    if (this.#nextWhole <= start) this.#nextWhole = Math.floor(start) + 1;
    return this.#nextWhole;
  }

  #poissonCount(phase: PlannedPhase): number {
    if (this.#poissonAt <= phase.startCount) this.#poissonAt = phase.startCount + exponential(this.#rng);
    return this.#poissonAt;
  }
}
