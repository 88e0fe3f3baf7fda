/** The pause (idle gap) shape. */
import type { PhaseSpec } from '../../scenario/types.ts';
import { at, number, type Where } from '../../validate.ts';
import { type Shape, formatDurationMs } from '../shape.ts';

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
  static of(spec: Extract<PhaseSpec, { shape: 'pause' }>, where: Where): PauseShape {
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
