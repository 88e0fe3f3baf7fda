/**
 * A linear ramp from 10 to 400 rps over a minute (the rate curve is integrated exactly, no
 * one-second steps), then a minute held at the top. Point `target` at your API.
 */
import { defineScenario } from '../src/index.ts';

export default defineScenario({
  name: 'ramp',
  requests: [
    { method: 'GET', path: '/items', weight: 4 },
    { method: 'POST', path: '/items', body: { name: 'widget', qty: 1 }, weight: 1 },
  ],
  phases: [
    { shape: 'ramp', fromRps: 10, toRps: 400, duration: '1m' },
    { shape: 'constant', rateRps: 400, duration: '1m' },
  ],
  gates: ['latency.p99 < 300ms', 'errors.rate < 0.5%'],
});
