/**
 * `spike`: a base rate with a higher one from spikeAt for spikeDuration, planned as up to three
 * constant phases (base, peak, base), so it needs no rate curve of its own.
 *
 *   rate ^        ┌────┐ peak
 *        |        │    │
 *   base |────────┘    └──────
 *        +--------+----+-----+--> t
 *        0   spikeAt  +spikeDuration  D
 */
import type { DurationInput, ShapeDefinition, Spacing } from '../shape-definition.ts';
import type { ConstantSpec } from './constant.ts';

export interface SpikeInput { shape: 'spike'; baseRps: number; peakRps: number; duration: DurationInput; spikeAt: DurationInput; spikeDuration: DurationInput; arrivals?: Spacing }

export const spike: ShapeDefinition<'spike', SpikeInput, ConstantSpec> = {
  name: 'spike',
  inputFields: ['baseRps', 'peakRps', 'duration', 'spikeAt', 'spikeDuration', 'arrivals'],
  fields: (k) => ({ baseRps: k.rate, peakRps: k.rate, duration: k.duration, spikeAt: k.duration, spikeDuration: k.duration, arrivals: k.arrivals.optional() }),
  example: { shape: 'spike', baseRps: 10, peakRps: 80, duration: '3s', spikeAt: '1s', spikeDuration: '1s' },
  fromInput: (read) => {
    const totalMs = read.duration('duration');
    const spikeAtMs = read.durationOr('spikeAt');
    const spikeMs = read.durationOr('spikeDuration');
    if (spikeAtMs + spikeMs > totalMs || spikeMs <= 0) read.refuse('spikeDuration', `a spike > 0 that ends within the phase (${totalMs} ms)`);
    const baseRps = read.rate('baseRps');
    const arrivals = read.arrivals;
    const parts: ConstantSpec[] = [];
    if (spikeAtMs > 0) parts.push({ shape: 'constant', rateRps: baseRps, durationMs: spikeAtMs, arrivals });
    parts.push({ shape: 'constant', rateRps: read.rate('peakRps'), durationMs: spikeMs, arrivals });
    const afterMs = totalMs - spikeAtMs - spikeMs;
    if (afterMs > 0) parts.push({ shape: 'constant', rateRps: baseRps, durationMs: afterMs, arrivals });
    return parts;
  },
};
