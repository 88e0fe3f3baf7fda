/** The sine-wave shape. */
import { at, number, type Where } from '../../validate.ts';
import { UsageError } from '../../errors.ts';
import { type Shape, clampMs, formatDurationMs, formatNumber } from '../shape.ts';
import { type DurationInput, type ShapeDefinition, type Spacing, rateHeldFor } from '../shape-definition.ts';
import { spacingOf } from './spacing.ts';

export interface SineSpec { readonly shape: 'sine'; readonly meanRps: number; readonly amplitudeRps: number; readonly periodMs: number; readonly durationMs: number; readonly arrivals: Spacing }
export interface SineInput { shape: 'sine'; meanRps: number; amplitudeRps: number; period: DurationInput; duration: DurationInput; arrivals?: Spacing }

const TWO_PI = 2 * Math.PI;

/**
 * A rate oscillating around a mean m with amplitude A <= m (so it never goes negative) and
 * period P, starting at the mean and rising, as Vegeta's SinePacer with no offset.
 *
 *   rate ^    _         _        r(t) = m + A·sin(2πt / P)
 *    m+A |  ,' `.     ,' `.      countAt(t) = (m·t + A·P/(2π)·(1 - cos(2πt / P))) / 1000
 *      m |-'-----`---'-----`-    (exact integral; each whole period adds m·P / 1000)
 *    m-A |        `-'            timeAtCount(n): whole periods k = ⌊1000·n / (m·P)⌋, then the
 *        +-------+-------+--> t  remainder inside one period by Newton's method kept inside a
 *        0       P      2P       bisection bracket (the count is monotone since r >= 0)
 */
export class SineShape implements Shape {
  readonly durationMs: number;
  readonly meanRps: number;
  readonly amplitudeRps: number;
  readonly periodMs: number;

  constructor(meanRps: number, amplitudeRps: number, periodMs: number, durationMs: number) {
    this.meanRps = meanRps;
    this.amplitudeRps = amplitudeRps;
    this.periodMs = periodMs;
    this.durationMs = durationMs;
  }

  /** Validates a sine phase (UsageError naming the field; amplitude > mean is refused). */
  static of(spec: SineSpec, where: Where): SineShape {
    const meanRps = number(spec.meanRps, at(where, 'meanRps'), { min: 0 });
    const amplitude = at(where, 'amplitudeRps');
    const amplitudeRps = number(spec.amplitudeRps, amplitude, { min: 0 });
    if (amplitudeRps > meanRps) {
      const expected = `a number from 0 to meanRps (${meanRps}), since the rate cannot go below 0`;
      throw UsageError.invalid(amplitude.file, amplitude.field, amplitudeRps, expected);
    }
    return new SineShape(
      meanRps,
      amplitudeRps,
      number(spec.periodMs, at(where, 'periodMs'), { min: 0, exclusiveMin: true }),
      number(spec.durationMs, at(where, 'durationMs'), { min: 0 }),
    );
  }

  rateRpsAt(tMs: number): number {
    if (!(tMs >= 0 && tMs < this.durationMs)) return 0;
    return Math.max(0, this.meanRps + this.amplitudeRps * Math.sin((TWO_PI * tMs) / this.periodMs));
  }

  /** The area in rps·ms over [0, t] for unclamped t: 1000 × the count. */
  #area(tMs: number): number {
    const wave = ((this.amplitudeRps * this.periodMs) / TWO_PI) * (1 - Math.cos((TWO_PI * tMs) / this.periodMs));
    return this.meanRps * tMs + wave;
  }

  countAt(tMs: number): number {
    return this.#area(clampMs(tMs, this.durationMs)) / 1000;
  }

  timeAtCount(count: number): number | undefined {
    if (count <= 0) return 0;
    if (count > this.countAt(this.durationMs)) return undefined;
    const area = 1000 * count;
    const perPeriod = this.meanRps * this.periodMs;
    const periods = Math.floor(area / perPeriod);
    const rest = Math.min(Math.max(area - periods * perPeriod, 0), perPeriod);
    const tMs = periods * this.periodMs + this.#solveInPeriod(rest);
    return Math.min(tMs, this.durationMs);
  }

  /** τ in [0, P] with #area(τ) = target (0 <= target <= m·P): safeguarded Newton. */
  #solveInPeriod(target: number): number {
    let lo = 0;
    let hi = this.periodMs;
    let tau = Math.min(target / this.meanRps, hi);
    const tolerance = 1e-13 * Math.max(1, target);
    for (let i = 0; i < 200; i++) {
      const miss = this.#area(tau) - target;
      if (Math.abs(miss) <= tolerance) return tau;
      if (miss < 0) lo = tau;
      else hi = tau;
      if (hi - lo <= 1e-12 * this.periodMs) break;
      const slope = this.meanRps + this.amplitudeRps * Math.sin((TWO_PI * tau) / this.periodMs);
      const next = slope > 0 ? tau - miss / slope : NaN;
      tau = next > lo && next < hi ? next : (lo + hi) / 2;
    }
    return hi;
  }

  toString(): string {
    const wave = `${formatNumber(this.meanRps)}±${formatNumber(this.amplitudeRps)} rps`;
    return `sine ${wave}, period ${formatDurationMs(this.periodMs)}, over ${formatDurationMs(this.durationMs)}`;
  }
}

export const sine: ShapeDefinition<'sine', SineInput, SineSpec, SineSpec> = {
  name: 'sine',
  inputFields: ['meanRps', 'amplitudeRps', 'period', 'duration', 'arrivals'],
  fields: (k) => ({ meanRps: k.rate, amplitudeRps: k.number(0), period: k.duration, duration: k.duration, arrivals: k.arrivals.optional() }),
  example: { shape: 'sine', meanRps: 40, amplitudeRps: 20, period: '1s', duration: '2s' },
  fromInput: (read) => {
    const meanRps = read.rate('meanRps');
    const amplitudeRps = read.number('amplitudeRps', 0, meanRps);
    const periodMs = read.durationOr('period');
    if (periodMs <= 0) read.refuse('period', 'a period > 0');
    return [{ shape: 'sine', meanRps, amplitudeRps, periodMs, durationMs: read.duration('duration'), arrivals: read.arrivals }];
  },
  spec: {
    build: (spec, check) => (check ? SineShape.of(spec, check) : new SineShape(spec.meanRps, spec.amplitudeRps, spec.periodMs, spec.durationMs)),
    spacing: (spec, check) => (check ? spacingOf(spec.arrivals, check) : spec.arrivals),
    peakRateRps: (spec) => spec.meanRps + spec.amplitudeRps,
    instantCount: () => 0,
    peakCountWithin: (spec, windowMs) => rateHeldFor(spec.meanRps + spec.amplitudeRps, windowMs),
  },
};
