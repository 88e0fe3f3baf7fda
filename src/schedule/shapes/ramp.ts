/** The linear ramp shape. */
import { at, number, type Where } from '../../validate.ts';
import { type Shape, clampMs, formatDurationMs, formatNumber } from '../shape.ts';
import { type DurationInput, type ShapeDefinition, type Spacing, rateHeldFor } from '../shape-definition.ts';
import { spacingOf } from './spacing.ts';

export interface RampSpec { readonly shape: 'ramp'; readonly fromRps: number; readonly toRps: number; readonly durationMs: number; readonly arrivals: Spacing }
export interface RampInput { shape: 'ramp'; fromRps: number; toRps: number; duration: DurationInput; arrivals?: Spacing }

/**
 * A rate moving linearly from f to g over D ms, integrated exactly (no one-second steps).
 *
 *   rate ^          ,'| g        r(t) = f + (g - f)·t / D
 *        |       ,'   |          countAt(t) = (f·t + (g - f)·t² / (2D)) / 1000   (the trapezoid)
 *      f |----'       |
 *        +------------+--> t     timeAtCount(n) solves a·t² + b·t - c = 0 with
 *        0            D          a = (g - f) / (2D), b = f, c = 1000·n
 *
 * The root is taken as t = 2c / (b + √(b² + 4ac)), the form without cancellation, which holds
 * for ramps up (a > 0), down (a < 0) and flat (a = 0: t = c / b), as k6's ramping-arrival-rate
 * `cal` inverts the same area. A ramp from 0 puts its first arrival at √(2000·D / g) ms.
 */
export class RampShape implements Shape {
  readonly durationMs: number;
  readonly fromRps: number;
  readonly toRps: number;
  readonly #slope: number;

  constructor(fromRps: number, toRps: number, durationMs: number) {
    this.fromRps = fromRps;
    this.toRps = toRps;
    this.durationMs = durationMs;
    // a in a·t² + b·t: half the rate's slope, in rps per ms.
    this.#slope = durationMs > 0 ? (toRps - fromRps) / (2 * durationMs) : 0;
  }

  /** Validates a ramp phase (UsageError naming the field) and builds its shape. */
  static of(spec: RampSpec, where: Where): RampShape {
    return new RampShape(
      number(spec.fromRps, at(where, 'fromRps'), { min: 0 }),
      number(spec.toRps, at(where, 'toRps'), { min: 0 }),
      number(spec.durationMs, at(where, 'durationMs'), { min: 0 }),
    );
  }

  rateRpsAt(tMs: number): number {
    if (!(tMs >= 0 && tMs < this.durationMs)) return 0;
    return this.fromRps + ((this.toRps - this.fromRps) * tMs) / this.durationMs;
  }

  countAt(tMs: number): number {
    const t = clampMs(tMs, this.durationMs);
    return (this.fromRps * t + this.#slope * t * t) / 1000;
  }

  timeAtCount(count: number): number | undefined {
    if (count <= 0) return 0;
    if (count > this.countAt(this.durationMs)) return undefined;
    const b = this.fromRps;
    const c = 1000 * count;
    const disc = Math.max(0, b * b + 4 * this.#slope * c);
    return Math.min((2 * c) / (b + Math.sqrt(disc)), this.durationMs);
  }

  toString(): string {
    return `ramp ${formatNumber(this.fromRps)}→${formatNumber(this.toRps)} rps over ${formatDurationMs(this.durationMs)}`;
  }
}

export const ramp: ShapeDefinition<'ramp', RampInput, RampSpec, RampSpec> = {
  name: 'ramp',
  inputFields: ['fromRps', 'toRps', 'duration', 'arrivals'],
  fields: (k) => ({ fromRps: k.rate, toRps: k.rate, duration: k.duration, arrivals: k.arrivals.optional() }),
  example: { shape: 'ramp', fromRps: 10, toRps: 100, duration: '2s' },
  fromInput: (read) => [{ shape: 'ramp', fromRps: read.rate('fromRps'), toRps: read.rate('toRps'), durationMs: read.duration('duration'), arrivals: read.arrivals }],
  spec: {
    build: (spec, check) => (check ? RampShape.of(spec, check) : new RampShape(spec.fromRps, spec.toRps, spec.durationMs)),
    spacing: (spec, check) => (check ? spacingOf(spec.arrivals, check) : spec.arrivals),
    peakRateRps: (spec) => Math.max(spec.fromRps, spec.toRps),
    instantCount: () => 0,
    peakCountWithin: (spec, windowMs) => rateHeldFor(Math.max(spec.fromRps, spec.toRps), windowMs),
  },
};
