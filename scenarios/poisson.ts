/**
 * Realistic arrivals: a Poisson process (seeded, so reruns are identical) at 300 rps, which
 * bunches requests as independent users do; against a stage limit this shows 429s that an evenly
 * spaced test at the same mean rate would never see.
 */
import { defineScenario } from '../src/index.ts';

export default defineScenario({
  name: 'poisson',
  seed: 42,
  requests: [{ method: 'GET', path: '/items/{id}', params: { id: { type: 'int', min: 1, max: 10000 } } }],
  phases: [{ shape: 'poisson', rateRps: 300, duration: '20s' }],
  limits: { stages: { prod: { throttle: { rateRps: 320, burst: 20 } } }, routes: { 'GET /items/{id}': {} } },
});
