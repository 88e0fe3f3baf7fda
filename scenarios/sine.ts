/** A daily traffic pattern in miniature: 150 ± 100 rps with a 20 s period, for a minute. */
import { defineScenario } from '../src/index.ts';

export default defineScenario({
  name: 'sine',
  requests: [{ method: 'GET', path: '/feed' }],
  phases: [{ shape: 'sine', meanRps: 150, amplitudeRps: 100, period: '20s', duration: '1m' }],
});
