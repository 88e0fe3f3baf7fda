/**
 * The quick start: about 15 seconds against the embedded API Gateway emulator (no target given),
 * with declared limits, so the report has every section: schedule, latency, throttling predicted
 * vs observed with the inferred rate and burst, CloudWatch minutes beside the client's, gates.
 *
 *   npm start            (= node bin/loadgate.js run scenarios/quickstart.ts)
 */
import { defineScenario, type LimitsInput } from '../src/index.ts';

/** What we expect the gateway to enforce: stage prod, 50 rps with a burst of 25 per method. */
const limits = {
  api: { type: 'rest', name: 'quickstart' },
  stages: { prod: { throttle: { rateRps: 50, burst: 25 } } },
  routes: { 'GET /items': {}, 'GET /items/{id}': {} },
} satisfies LimitsInput;

export default defineScenario({
  name: 'quickstart',
  requests: [
    { name: 'list items', method: 'GET', path: '/items', weight: 3 },
    { name: 'get item', method: 'GET', path: '/items/{id}', weight: 1, params: { id: { type: 'int', min: 1, max: 500 } } },
  ],
  phases: [
    { shape: 'ramp', fromRps: 10, toRps: 60, duration: '5s' },
    { shape: 'burst', count: 80, duration: '1s' },
    { shape: 'constant', rateRps: 80, duration: '4s' },
    { shape: 'constant', rateRps: 30, duration: '4s' },
  ],
  limits,
  // The emulator enforces the same limits; its mock integrations answer in about 20 ms.
  emulator: {
    ...limits,
    routes: {
      'GET /items': { integration: { type: 'mock', status: 200, body: '{"items":[]}', latencyMs: { lognormal: { median: 20, sigma: 0.4 } } } },
      'GET /items/{id}': { integration: { type: 'mock', status: 200, body: '{"id":1}', latencyMs: { uniform: { min: 5, max: 30 } } } },
    },
  },
  gates: ['latency.p99 < 500ms', 'errors.rate < 1%'],
});
