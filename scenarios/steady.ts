/** Steady state: a constant 200 rps for 30 s against the emulator's default route. */
import { defineScenario } from '../src/index.ts';

export default defineScenario({
  name: 'steady',
  requests: [{ method: 'GET', path: '/health' }],
  phases: [{ shape: 'constant', rateRps: 200, duration: '30s' }],
  gates: ['latency.p99 < 100ms', 'errors.rate == 0', 'schedule.achieved >= 99%'],
});
