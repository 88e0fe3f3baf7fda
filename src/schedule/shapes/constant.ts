/** The constant-rate shape. */
import { at, number, type Where } from '../../validate.ts';
import { type Shape, clampMs, formatDurationMs, formatNumber } from '../shape.ts';
import { type DurationInput, type ShapeDefinition, type Spacing, rateHeldFor } from '../shape-definition.ts';
import { spacingOf } from './spacing.ts';

export interface ConstantSpec { readonly shape: 'constant'; readonly rateRps: number; readonly durationMs: number; readonly arrivals: Spacing }
export interface ConstantInput { shape: 'constant'; rateRps: number; duration: DurationInput; arrivals?: Spacing }

/**
 * A flat rate r for D ms.
 *
 *   rate ^
 *      r |---------------        countAt(t) = r·t / 1000
 *        |               |       timeAtCount(n) = 1000·n / r   (n <= r·D / 1000)
 *        +---------------+--> t
 *        0               D
 *
 * With uniform spacing arrival k (1-based) is at 1000·k / r: the first at 1/r, the last at D when
 * r·D/1000 is whole (Vegeta's ConstantPacer). Computed from k, never by adding intervals.
 */
export class ConstantShape implements Shape {
  readonly durationMs: number;
  readonly rateRps: number;

  constructor(rateRps: number, durationMs: number) {
    this.rateRps = rateRps;
    this.durationMs = durationMs;
  }

  /** Validates a constant phase (UsageError naming the field) and builds its shape. */
  static of(spec: ConstantSpec, where: Where): ConstantShape {
    return new ConstantShape(
      number(spec.rateRps, at(where, 'rateRps'), { min: 0 }),
      number(spec.durationMs, at(where, 'durationMs'), { min: 0 }),
    );
  }

  rateRpsAt(tMs: number): number {
    return tMs >= 0 && tMs < this.durationMs ? this.rateRps : 0;
  }

  countAt(tMs: number): number {
    return (this.rateRps * clampMs(tMs, this.durationMs)) / 1000;
  }

  timeAtCount(count: number): number | undefined {
    if (count <= 0) return 0;
    if (count > this.countAt(this.durationMs)) return undefined;
    return Math.min((count * 1000) / this.rateRps, this.durationMs);
  }

  toString(): string {
    return `constant ${formatNumber(this.rateRps)} rps for ${formatDurationMs(this.durationMs)}`;
  }
}

export const constant: ShapeDefinition<'constant', ConstantInput, ConstantSpec, ConstantSpec> = {
  name: 'constant',
  inputFields: ['rateRps', 'duration', 'arrivals'],
  fields: (k) => ({ rateRps: k.rate, duration: k.duration, arrivals: k.arrivals.optional() }),
  example: { shape: 'constant', rateRps: 50, duration: '2s' },
  fromInput: (read) => [{ shape: 'constant', rateRps: read.rate('rateRps'), durationMs: read.duration('duration'), arrivals: read.arrivals }],
  spec: {
    build: (spec, check) => (check ? ConstantShape.of(spec, check) : new ConstantShape(spec.rateRps, spec.durationMs)),
    spacing: (spec, check) => (check ? spacingOf(spec.arrivals, check) : spec.arrivals),
    peakRateRps: (spec) => spec.rateRps,
    instantCount: () => 0,
    peakCountWithin: (spec, windowMs) => rateHeldFor(spec.rateRps, windowMs),
  },
};
