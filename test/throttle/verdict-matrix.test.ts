/**
 * The verdict matrix, in process (docs/throttling.md "How the verdict is tested"): true limits ×
 * declared limits × traffic shape × latency, through analyseThrottle as a run calls it. Every
 * shape that exercises the bucket must pass the true declaration and fail a rate 10% off either
 * way and a burst doubled or halved; a shape that cannot identify a parameter must say
 * inconclusive for its errors, never pass them; traffic under the limit is not-exercised.
 */
import { describe, expect, it } from 'vitest';
import { analyseThrottle, toleranceFor } from '../../src/throttle/analyse.ts';
import { parseLimits, type ThrottleSpec } from '../../src/core/limits.ts';
import type { ThrottleVerdict } from '../../src/result/schema.ts';
import { synthesise, type Latency, type Shape } from './synthetic-gateway.ts';

type Declaration = 'right' | 'rate+10%' | 'rate-10%' | 'burst×2' | 'burst÷2';
const DECLARATIONS: readonly Declaration[] = ['right', 'rate+10%', 'rate-10%', 'burst×2', 'burst÷2'];

function declaredSpec(truth: ThrottleSpec, d: Declaration): ThrottleSpec {
  switch (d) {
    case 'right': return truth;
    case 'rate+10%': return { ...truth, rateRps: truth.rateRps * 1.1 };
    case 'rate-10%': return { ...truth, rateRps: truth.rateRps * 0.9 };
    case 'burst×2': return { ...truth, burst: truth.burst * 2 };
    case 'burst÷2': return { ...truth, burst: Math.round(truth.burst / 2) };
  }
}

/** What a shape can tell: the verdict each declaration must get. */
function expected(shape: Shape, d: Declaration): ThrottleVerdict {
  if (shape === 'under') return 'not-exercised';
  if (shape === 'bursts') return d.startsWith('burst') ? 'fail' : 'inconclusive'; // refilled between bursts: the rate never shows
  return d === 'right' ? 'pass' : 'fail';
}

const TRUTHS: readonly ThrottleSpec[] = [{ rateRps: 20, burst: 10 }, { rateRps: 100, burst: 100 }, { rateRps: 1000, burst: 200 }];
const SHAPES: readonly Shape[] = ['steady', 'probe', 'ramp', 'poisson', 'under', 'bursts'];
const LATENCIES: readonly Latency[] = ['fast', 'lognormal'];

function judge(truth: ThrottleSpec, declared: ThrottleSpec, shape: Shape, latency: Latency, seed: number) {
  const log = synthesise(shape, truth, latency, seed);
  const limits = parseLimits({ stages: { prod: { throttle: declared } } }, 'matrix');
  return analyseThrottle({ log, requests: [{ method: 'GET', path: '/items' }], limits, originWallMs: Date.UTC(2026, 0, 1), tolerance: toleranceFor('emulator'), throttleStatuses: [429] });
}

describe('verdict matrix: true × declared × shape × latency', () => {
  const rows: { truth: string; shape: Shape; latency: Latency; declared: Declaration; want: ThrottleVerdict; got: ThrottleVerdict; reason: string }[] = [];
  for (const truth of TRUTHS) for (const shape of SHAPES) for (const latency of LATENCIES) for (const d of DECLARATIONS) {
    const t = judge(truth, declaredSpec(truth, d), shape, latency, 11);
    rows.push({ truth: `${truth.rateRps}/${truth.burst}`, shape, latency, declared: d, want: expected(shape, d), got: t.verdict, reason: t.reason });
  }

  it(`gets every one of the ${TRUTHS.length * SHAPES.length * LATENCIES.length * DECLARATIONS.length} cases right`, () => {
    const wrong = rows.filter((r) => r.got !== r.want);
    const table = wrong.map((r) => `${r.truth} ${r.shape} ${r.latency} ${r.declared}: want ${r.want}, got ${r.got}: ${r.reason.slice(0, 160)}`);
    expect(table, `${wrong.length} of ${rows.length} wrong`).toEqual([]);
  });

  it('never passes a wrong declaration', () => {
    const passedWrong = rows.filter((r) => r.declared !== 'right' && r.got === 'pass');
    expect(passedWrong.map((r) => `${r.truth} ${r.shape} ${r.latency} ${r.declared}`)).toEqual([]);
  });
});
