/** The staircase shape. */
import { at, number, type Where } from '../../validate.ts';
import { type Shape, clampMs, formatDurationMs, formatNumber } from '../shape.ts';
import { type DurationInput, type ShapeDefinition, type Spacing, rateHeldFor } from '../shape-definition.ts';
import { spacingOf } from './spacing.ts';

export interface StepsSpec { readonly shape: 'steps'; readonly fromRps: number; readonly toRps: number; readonly steps: number; readonly durationMs: number; readonly arrivals: Spacing }
export interface StepsInput { shape: 'steps'; fromRps: number; toRps: number; steps: number; duration: DurationInput; arrivals?: Spacing }

/** More steps than this is a ramp; the cap keeps the prefix table small. */
const MAX_STEPS = 100_000;

/**
 * `steps` equal-duration flat steps from f to g: step i (0-based) of width w = D / steps holds
 * r_i = f + (g - f)·i / (steps - 1); a single step holds f.
 *
 *   rate ^            ┌── g    P_i = Σ_{j<i} r_j·w / 1000     (count at the start of step i)
 *        |        ┌───┘        countAt(t) = P_i + r_i·(t - i·w) / 1000,  i = ⌊t / w⌋
 *        |    ┌───┘            timeAtCount(n) = i·w + 1000·(n - P_i) / r_i,
 *      f |────┘                  i = first step with P_{i+1} >= n (binary search)
 *        +----+---+---+---+--> t
 *        0    w  2w  3w   D
 */
export class StepsShape implements Shape {
  readonly durationMs: number;
  readonly fromRps: number;
  readonly toRps: number;
  readonly steps: number;
  readonly #widthMs: number;
  readonly #rates: Float64Array;
  /** #prefix[i] = count at the start of step i; #prefix[steps] = the phase total. */
  readonly #prefix: Float64Array;

  constructor(fromRps: number, toRps: number, steps: number, durationMs: number) {
    this.fromRps = fromRps;
    this.toRps = toRps;
    this.steps = steps;
    this.durationMs = durationMs;
    this.#widthMs = durationMs / steps;
    this.#rates = new Float64Array(steps);
    this.#prefix = new Float64Array(steps + 1);
    for (let i = 0; i < steps; i++) {
      this.#rates[i] = steps === 1 ? fromRps : fromRps + ((toRps - fromRps) * i) / (steps - 1);
      this.#prefix[i + 1] = this.#prefix[i]! + (this.#rates[i]! * this.#widthMs) / 1000;
    }
  }

  /** Validates a steps phase (UsageError naming the field) and builds its shape. */
  static of(spec: StepsSpec, where: Where): StepsShape {
    return new StepsShape(
      number(spec.fromRps, at(where, 'fromRps'), { min: 0 }),
      number(spec.toRps, at(where, 'toRps'), { min: 0 }),
      number(spec.steps, at(where, 'steps'), { min: 1, max: MAX_STEPS, integer: true }),
      number(spec.durationMs, at(where, 'durationMs'), { min: 0 }),
    );
  }

  #stepAt(tMs: number): number {
    return Math.min(Math.floor(tMs / this.#widthMs), this.steps - 1);
  }

  rateRpsAt(tMs: number): number {
    if (!(tMs >= 0 && tMs < this.durationMs)) return 0;
    return this.#rates[this.#stepAt(tMs)]!;
  }

  countAt(tMs: number): number {
    if (this.durationMs === 0) return 0;
    const t = clampMs(tMs, this.durationMs);
    const i = this.#stepAt(t);
    return this.#prefix[i]! + (this.#rates[i]! * (t - i * this.#widthMs)) / 1000;
  }

  timeAtCount(count: number): number | undefined {
    if (count <= 0) return 0;
    if (count > this.#prefix[this.steps]!) return undefined;
    let lo = 0;
    let hi = this.steps - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#prefix[mid + 1]! >= count) hi = mid;
      else lo = mid + 1;
    }
    const rate = this.#rates[lo]!;
    const startMs = lo * this.#widthMs;
    if (rate === 0) return startMs;
    const endMs = Math.min((lo + 1) * this.#widthMs, this.durationMs);
    return Math.min(startMs + (1000 * (count - this.#prefix[lo]!)) / rate, endMs);
  }

  toString(): string {
    return `steps ${formatNumber(this.fromRps)}→${formatNumber(this.toRps)} rps in ${this.steps} steps of ${formatDurationMs(this.#widthMs)}`;
  }
}

export const steps: ShapeDefinition<'steps', StepsInput, StepsSpec, StepsSpec> = {
  name: 'steps',
  inputFields: ['fromRps', 'toRps', 'steps', 'duration', 'arrivals'],
  fields: (k) => ({ fromRps: k.rate, toRps: k.rate, steps: k.integer(1, k.caps.steps), duration: k.duration, arrivals: k.arrivals.optional() }),
  example: { shape: 'steps', fromRps: 10, toRps: 40, steps: 4, duration: '2s' },
  fromInput: (read) => [{
    shape: 'steps', fromRps: read.rate('fromRps'), toRps: read.rate('toRps'), steps: read.integer('steps', 1, read.caps.steps), durationMs: read.duration('duration'), arrivals: read.arrivals,
  }],
  spec: {
    build: (spec, check) => (check ? StepsShape.of(spec, check) : new StepsShape(spec.fromRps, spec.toRps, spec.steps, spec.durationMs)),
    spacing: (spec, check) => (check ? spacingOf(spec.arrivals, check) : spec.arrivals),
    peakRateRps: (spec) => Math.max(spec.fromRps, spec.toRps),
    instantCount: () => 0,
    peakCountWithin: (spec, windowMs) => rateHeldFor(Math.max(spec.fromRps, spec.toRps), windowMs),
  },
};
