/**
 * The classic throttle check: a burst larger than the bucket, at one instant, then a sustained
 * rate above the limit, then below it. With `limits` declared, loadgate replays the send times
 * through API Gateway's token-bucket model and compares predicted with observed 429s.
 */
import { defineScenario } from '../src/index.ts';

export default defineScenario({
  name: 'burst-then-sustain',
  requests: [{ method: 'GET', path: '/orders' }],
  phases: [
    { shape: 'burst', count: 150, duration: '1s' },
    { shape: 'constant', rateRps: 150, duration: '5s' },
    { shape: 'constant', rateRps: 70, duration: '5s' },
  ],
  limits: { stages: { prod: { throttle: { rateRps: 100, burst: 50 } } } },
  gates: ['throttle.agreement >= 0.99'],
});
