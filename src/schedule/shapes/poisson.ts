/** `poisson`: a constant rate with Poisson arrivals, written as a shape of its own for brevity. */
import type { DurationInput, ShapeDefinition } from '../shape-definition.ts';
import type { ConstantSpec } from './constant.ts';

export interface PoissonInput { shape: 'poisson'; rateRps: number; duration: DurationInput }

export const poisson: ShapeDefinition<'poisson', PoissonInput, ConstantSpec> = {
  name: 'poisson',
  inputFields: ['rateRps', 'duration'],
  fields: (k) => ({ rateRps: k.rate, duration: k.duration }),
  example: { shape: 'poisson', rateRps: 50, duration: '2s' },
  fromInput: (read) => [{ shape: 'constant', rateRps: read.rate('rateRps'), durationMs: read.duration('duration'), arrivals: 'poisson' }],
};
