/** The burst (spike) shape. */
import { at, number, type Where } from '../../validate.ts';
import { UsageError } from '../../errors.ts';
import { type Shape, clampMs, formatDurationMs } from '../shape.ts';
import type { DurationInput, ShapeDefinition } from '../shape-definition.ts';

/** `count` arrivals at the phase start (spreadMs 0) or evenly over spreadMs; the phase lasts durationMs >= spreadMs. */
export interface BurstSpec { readonly shape: 'burst'; readonly count: number; readonly spreadMs: number; readonly durationMs: number }
export interface BurstInput { shape: 'burst'; count: number; spread?: DurationInput; duration?: DurationInput }

/**
 * N arrivals at the phase start (spread S = 0) or evenly over the first S ms; the phase then
 * idles until D, so a following phase starts after the buckets had D - S ms to refill.
 *
 *   S = 0:  count ^ N ●────────      countAt(t) = N for t >= 0 (an impulse at 0, inclusive)
 *                 |                  timeAtCount(n) = 0 for 0 < n <= N
 *                 +──────────> t     rateRpsAt = 0: an impulse has no finite rate
 *
 *   S > 0:  count ^     ,────── N    countAt(t) = N·min(t, S) / S
 *                 |   ,'             timeAtCount(n) = n·S / N  (first at S/N, last at S)
 *                 +─'──+─────+-> t   rateRpsAt = 1000·N / S on [0, S)
 *                 0    S     D
 *
 * Bursts always use uniform spacing: whatever fraction the plan carries in, exactly N whole
 * counts fall inside (a, a + N], so the phase yields exactly N arrivals.
 */
export class BurstShape implements Shape {
  readonly durationMs: number;
  readonly count: number;
  readonly spreadMs: number;

  constructor(count: number, spreadMs: number, durationMs: number) {
    this.count = count;
    this.spreadMs = spreadMs;
    this.durationMs = durationMs;
  }

  /** Validates a burst phase (UsageError naming the field) and builds its shape. */
  static of(spec: BurstSpec, where: Where): BurstShape {
    const count = number(spec.count, at(where, 'count'), { min: 0, integer: true, max: Number.MAX_SAFE_INTEGER });
    const spreadMs = number(spec.spreadMs, at(where, 'spreadMs'), { min: 0 });
    const durationMs = number(spec.durationMs, at(where, 'durationMs'), { min: 0 });
    if (durationMs < spreadMs) {
      const field = at(where, 'durationMs');
      throw UsageError.invalid(field.file, field.field, durationMs, `a number >= spreadMs (${spreadMs})`);
    }
    return new BurstShape(count, spreadMs, durationMs);
  }

  rateRpsAt(tMs: number): number {
    return this.spreadMs > 0 && tMs >= 0 && tMs < this.spreadMs ? (1000 * this.count) / this.spreadMs : 0;
  }

  countAt(tMs: number): number {
    if (tMs < 0) return 0;
    if (this.spreadMs === 0) return this.count;
    return (this.count * clampMs(tMs, this.spreadMs)) / this.spreadMs;
  }

  timeAtCount(count: number): number | undefined {
    if (count <= 0 || this.spreadMs === 0) return count <= this.count ? 0 : undefined;
    if (count > this.count) return undefined;
    return Math.min((count * this.spreadMs) / this.count, this.spreadMs);
  }

  toString(): string {
    const how = this.spreadMs === 0 ? 'at once' : `over ${formatDurationMs(this.spreadMs)}`;
    return `burst ${this.count} ${how}, phase ${formatDurationMs(this.durationMs)}`;
  }
}

export const burst: ShapeDefinition<'burst', BurstInput, BurstSpec, BurstSpec> = {
  name: 'burst',
  inputFields: ['count', 'spread', 'duration'],
  fields: (k) => ({ count: k.integer(1, k.caps.burstCount), spread: k.duration.optional(), duration: k.duration.optional() }),
  example: { shape: 'burst', count: 20, duration: '1s' },
  fromInput: (read) => {
    const spreadMs = read.durationOr('spread', 0);
    const durationMs = read.durationOr('duration', spreadMs);
    if (durationMs < spreadMs) read.refuse('duration', `a duration >= spread (${spreadMs} ms)`);
    return [{ shape: 'burst', count: read.integer('count', 1, read.caps.burstCount), spreadMs, durationMs }];
  },
  spec: {
    build: (spec, check) => (check ? BurstShape.of(spec, check) : new BurstShape(spec.count, spec.spreadMs, spec.durationMs)),
    // Whatever fraction the plan carries in, N whole counts fall in (a, a + N]: uniform always.
    spacing: () => 'uniform',
    peakRateRps: (spec) => (spec.spreadMs > 0 ? (1000 * spec.count) / spec.spreadMs : 0),
    instantCount: (spec) => (spec.spreadMs === 0 ? spec.count : 0),
    peakCountWithin: (spec, windowMs) => (spec.spreadMs <= windowMs ? spec.count : (spec.count * windowMs) / spec.spreadMs),
  },
};
