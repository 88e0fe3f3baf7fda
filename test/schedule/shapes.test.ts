import { describe, expect, it } from 'vitest';
import type { Shape } from '../../src/schedule/shape.ts';
import { BurstShape } from '../../src/schedule/shapes/burst.ts';
import { ConstantShape } from '../../src/schedule/shapes/constant.ts';
import { PauseShape } from '../../src/schedule/shapes/pause.ts';
import { RampShape } from '../../src/schedule/shapes/ramp.ts';
import { SineShape } from '../../src/schedule/shapes/sine.ts';
import { StepsShape } from '../../src/schedule/shapes/steps.ts';

const constant = new ConstantShape(100, 10_000);
const rampUp = new RampShape(0, 100, 10_000);
const rampDown = new RampShape(100, 0, 10_000);
const steps = new StepsShape(10, 50, 5, 5_000);
const burstNow = new BurstShape(500, 0, 2_000);
const burstSpread = new BurstShape(100, 200, 1_000);
const sine = new SineShape(100, 50, 4_000, 8_000);
const pause = new PauseShape(3_000);

describe('countAt: the area under the rate curve', () => {
  it.each<[string, Shape, number, number]>([
    ['flat rate: r·t/1000', constant, 2_500, 250],
    ['flat rate clamps after the phase', constant, 99_000, 1_000],
    ['ramp from 0 is a triangle: half the rectangle', rampUp, 10_000, 500],
    ['ramp up, first half holds a quarter of the area', rampUp, 5_000, 125],
    ['ramp down, first half holds three quarters', rampDown, 5_000, 375],
    ['steps 10,20,30,40,50 for 1 s each', steps, 5_000, 150],
    ['steps: inside the third step', steps, 2_500, 10 + 20 + 15],
    ['burst at once: all of it at t = 0 (inclusive)', burstNow, 0, 500],
    ['burst spread: linear over the spread', burstSpread, 50, 25],
    ['burst spread: complete after the spread', burstSpread, 900, 100],
    ['sine: a whole period adds mean·P', sine, 4_000, 400],
    ['sine: half a period adds mean·P/2 + A·P/π', sine, 2_000, 200 + (50 * 4) / Math.PI],
    ['pause: nothing', pause, 3_000, 0],
    ['before the phase: nothing', rampUp, -5, 0],
  ])('%s', (_why, shape, tMs, expected) => {
    expect(shape.countAt(tMs)).toBeCloseTo(expected, 9);
  });
});

describe('timeAtCount: the earliest time reaching a count', () => {
  it.each<[string, Shape, number, number | undefined]>([
    ['flat rate: first arrival at 1/rate', constant, 1, 10],
    ['flat rate: last arrival exactly at the end', constant, 1_000, 10_000],
    ['ramp from 0: √(2000·D·n / g)', rampUp, 1, Math.sqrt(200_000)],
    ['ramp from 0: last at the end', rampUp, 500, 10_000],
    ['ramp down to 0: last exactly at the end (zero discriminant)', rampDown, 500, 10_000],
    ['ramp down: first at 1/from, nearly', rampDown, 1, 10_000 - Math.sqrt(10_000 ** 2 - 2 * 1_000 * 10_000 / 100 * 1)],
    ['steps: the 11th arrival opens step 2 (rate 20)', steps, 11, 1_050],
    ['steps: exactly at a step boundary', steps, 30, 2_000],
    ['burst at once: every count at 0', burstNow, 500, 0],
    ['burst spread: first at spread/N', burstSpread, 1, 2],
    ['burst spread: last at the spread', burstSpread, 100, 200],
    ['sine: a whole period', sine, 400, 4_000],
    ['count 0 is reached at once', constant, 0, 0],
    ['past the phase total: never', constant, 1_000.5, undefined],
    ['past a burst: never', burstNow, 501, undefined],
    ['a pause never reaches 1', pause, 1, undefined],
  ])('%s', (_why, shape, count, expected) => {
    const t = shape.timeAtCount(count);
    if (expected === undefined) expect(t).toBeUndefined();
    else expect(t).toBeCloseTo(expected, 6);
  });
});

describe('rateRpsAt: the intended instantaneous rate', () => {
  it.each<[string, Shape, number, number]>([
    ['flat', constant, 5_000, 100],
    ['zero after the phase', constant, 10_000, 0],
    ['ramp midway', rampUp, 5_000, 50],
    ['steps: second step', steps, 1_500, 20],
    ['steps: last step up to the end', steps, 4_999, 50],
    ['burst at once is an impulse: no finite rate', burstNow, 0, 0],
    ['burst spread: N / S', burstSpread, 100, 500],
    ['burst spread: idle after the spread', burstSpread, 500, 0],
    ['sine: peak at P/4', sine, 1_000, 150],
    ['sine: trough at 3P/4', sine, 3_000, 50],
    ['pause', pause, 10, 0],
  ])('%s', (_why, shape, tMs, expected) => {
    expect(shape.rateRpsAt(tMs)).toBeCloseTo(expected, 9);
  });
});

describe('toString: one line per phase for logs and reports', () => {
  it.each<[string, Shape, string]>([
    ['constant', constant, 'constant 100 rps for 10 s'],
    ['ramp', new RampShape(10, 200, 60_000), 'ramp 10→200 rps over 60 s'],
    ['steps', steps, 'steps 10→50 rps in 5 steps of 1 s'],
    ['burst at once', burstNow, 'burst 500 at once, phase 2 s'],
    ['burst spread, sub-second', burstSpread, 'burst 100 over 200 ms, phase 1 s'],
    ['sine', sine, 'sine 100±50 rps, period 4 s, over 8 s'],
    ['pause, fractional seconds', new PauseShape(1_500), 'pause 1.5 s'],
  ])('%s', (_why, shape, expected) => {
    expect(String(shape)).toBe(expected);
  });
});

describe('sine against a numeric integral of its rate', () => {
  it.each<[string, SineShape]>([
    ['amplitude below the mean', new SineShape(80, 30, 7_000, 30_000)],
    ['amplitude equal to the mean: the rate touches 0', new SineShape(50, 50, 3_000, 10_000)],
    ['period longer than the phase', new SineShape(20, 10, 60_000, 15_000)],
  ])('%s', (_why, shape) => {
    // Simpson's rule over 20,000 intervals: independent of the closed form.
    const steps = 20_000;
    const h = shape.durationMs / steps;
    let area = shape.rateRpsAt(0) + shape.rateRpsAt(shape.durationMs - 1e-9);
    for (let i = 1; i < steps; i++) area += (i % 2 ? 4 : 2) * shape.rateRpsAt(i * h);
    const numeric = (area * h) / 3 / 1000;
    expect(shape.countAt(shape.durationMs)).toBeCloseTo(numeric, 6);
    for (let n = 1; n <= Math.floor(numeric); n += 7) {
      const t = shape.timeAtCount(n)!;
      expect(shape.countAt(t)).toBeCloseTo(n, 9);
      expect(shape.countAt(t - 1e-6)).toBeLessThan(n);
    }
  });
});
