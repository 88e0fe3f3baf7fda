/** The pause (idle gap) shape. */
import { at, number, type Where } from '../../validate.ts';
import { type Shape, formatDurationMs } from '../shape.ts';
import type { DurationInput, ShapeDefinition } from '../shape-definition.ts';

export interface PauseSpec { readonly shape: 'pause'; readonly durationMs: number }
export interface PauseInput { shape: 'pause'; duration: DurationInput }

/**
 * No arrivals for D ms: lets buckets refill between phases.
 *
 *   rate ^
 *      0 +===============--> t     countAt(t) = 0, timeAtCount(n > 0) = undefined
 *        0               D
 */
export class PauseShape implements Shape {
  readonly durationMs: number;

  constructor(durationMs: number) {
    this.durationMs = durationMs;
  }

  /** Validates a pause phase (UsageError naming the field) and builds its shape. */
  static of(spec: PauseSpec, where: Where): PauseShape {
    return new PauseShape(number(spec.durationMs, at(where, 'durationMs'), { min: 0 }));
  }

  rateRpsAt(): number {
    return 0;
  }

  countAt(): number {
    return 0;
  }

  timeAtCount(count: number): number | undefined {
    return count <= 0 ? 0 : undefined;
  }

  toString(): string {
    return `pause ${formatDurationMs(this.durationMs)}`;
  }
}

export const pause: ShapeDefinition<'pause', PauseInput, PauseSpec, PauseSpec> = {
  name: 'pause',
  inputFields: ['duration'],
  fields: (k) => ({ duration: k.duration }),
  example: { shape: 'pause', duration: '1s' },
  fromInput: (read) => [{ shape: 'pause', durationMs: read.duration('duration') }],
  spec: {
    build: (spec, check) => (check ? PauseShape.of(spec, check) : new PauseShape(spec.durationMs)),
    spacing: () => 'uniform',
    peakRateRps: () => 0,
    instantCount: () => 0,
    peakCountWithin: () => 0,
  },
};
