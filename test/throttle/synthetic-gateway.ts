/**
 * A synthetic gateway for verdict tests: arrivals of a traffic shape, decided by a true token
 * bucket at send time plus a decision delay with jitter, answered after a latency (slow,
 * variable for accepted requests; fast for 429s, which never reach an integration, as on API
 * Gateway), written as the SendLog a run records. Seeded: the same inputs give the same log.
 */
import { SendLogBuilder } from '../../src/record/send-log-builder.ts';
import { ORIGIN, type SendLog } from '../../src/record/send-log.ts';
import { createRng, exponential } from '../../src/schedule/rng.ts';
import { TokenBucket } from '../../src/throttle/bucket.ts';
import type { ThrottleSpec } from '../../src/core/limits.ts';

export type Shape = 'steady' | 'probe' | 'ramp' | 'poisson' | 'under' | 'bursts';
export type Latency = 'fast' | 'lognormal';

/** Send times (ms) of `shape` for a bucket of rate r / burst b. */
export function arrivalsMs(shape: Shape, spec: ThrottleSpec, seed: number): number[] {
  const r = spec.rateRps;
  const b = spec.burst;
  const out: number[] = [];
  const even = (from: number, rate: number, ms: number) => {
    for (let t = from; t < from + ms; t += 1000 / rate) out.push(t);
  };
  const rng = createRng(seed);
  switch (shape) {
    case 'steady': even(0, 1.5 * r, 8000); break;
    case 'under': even(0, 0.5 * r, 8000); break;
    case 'probe': {
      const rest = (b / r) * 1000 + 100;
      for (let i = 0; i < 2 * b + 5; i++) out.push(rest);
      even(rest, 1.5 * r, 3000);
      even(rest + 3000, 0.7 * r, 2000);
      break;
    }
    case 'ramp': {
      // Rate rising linearly 0 -> 2r over 8 s: arrival i at the time the integral reaches i.
      const T = 8;
      const top = 2 * r;
      for (let i = 1; i < (top * T) / 2; i++) out.push(Math.sqrt((2 * i * T) / top) * 1000);
      break;
    }
    case 'poisson': {
      for (let t = exponential(rng) * (1000 / (1.3 * r)); t < 8000; t += exponential(rng) * (1000 / (1.3 * r))) out.push(t);
      break;
    }
    case 'bursts': {
      const gap = Math.max(5000, (b / r) * 1000 * 2);
      for (let k = 0; k < 3; k++) for (let i = 0; i < 2 * b; i++) out.push(k * gap);
      break;
    }
  }
  return out;
}

/** The send log of `shape` against a true bucket, decided at send + delay (± jitter). */
export function synthesise(shape: Shape, truth: ThrottleSpec, latency: Latency, seed: number): SendLog {
  const rng = createRng(seed * 7919 + 1);
  const sent = arrivalsMs(shape, truth, seed);
  const delayMs = latency === 'fast' ? 0.2 : 3;
  const jitterMs = latency === 'fast' ? 0.3 : 2;
  const decided = sent.map((t, i) => ({ i, at: t + delayMs + rng() * jitterMs }));
  decided.sort((x, y) => x.at - y.at);
  const bucket = new TokenBucket(truth);
  const accepted = new Uint8Array(sent.length);
  for (const d of decided) accepted[d.i] = bucket.tryTake(d.at) ? 1 : 0;
  const log = new SendLogBuilder(sent.length);
  const decidedAt = new Float64Array(sent.length);
  for (const d of decided) decidedAt[d.i] = d.at;
  for (let i = 0; i < sent.length; i++) {
    const row = log.append(i, 0, sent[i], sent[i]);
    // Lognormal service time (median 40 ms) for accepted requests; a 429 comes straight back.
    const service = accepted[i] ? (latency === 'fast' ? 0.5 : 40 * Math.exp(0.6 * gaussian(rng))) : 0.2;
    log.complete(row, decidedAt[i] + service + delayMs, accepted[i] ? 200 : 429, accepted[i] ? ORIGIN.NONE : ORIGIN.THROTTLE);
  }
  return log.toSendLog();
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
