/**
 * API keys and usage plans: a gold key (10 rps, burst 10, 300 a day) calls a keyed method; the
 * emulator answers 429 "Too Many Requests" past the plan's rate and "Limit Exceeded" past the quota.
 * The key never appears in result.json or reports: they show it masked (k-go****).
 */
import { defineScenario, type LimitsInput } from '../src/index.ts';

const limits = {
  api: { type: 'rest', name: 'shop' },
  stages: { prod: { throttle: { rateRps: 100, burst: 50 } } },
  routes: { 'GET /keyed': { apiKeyRequired: true } },
  apiKeys: { 'k-gold-0001': { usagePlan: 'gold' } },
  usagePlans: { gold: { throttle: { rateRps: 10, burst: 10 }, quota: { limit: 300, period: 'DAY' } } },
} satisfies LimitsInput;

export default defineScenario({
  name: 'usage-plan',
  requests: [{ method: 'GET', path: '/keyed', headers: { 'x-api-key': 'k-gold-0001' } }],
  phases: [{ shape: 'constant', rateRps: 20, duration: '20s' }],
  limits,
});
