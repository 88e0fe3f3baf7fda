/**
 * The API the verdict matrix judges (test/e2e/verdict-matrix.test.ts, and `npm run bench --
 * verdicts` in full): one stage, a route override, a usage-plan key, and what its limits truly
 * are. `withBucket` is the document with one bucket declared otherwise, for the wrong cases.
 */
export const MATRIX_KEY = 'k-gold-secret-0001';

export const MATRIX_TRUE_LIMITS = {
  api: { type: 'rest', name: 'matrix' },
  stages: { prod: { throttle: { rateRps: 100, burst: 100 }, routes: { 'GET /slow': { throttle: { rateRps: 20, burst: 10 } } } } },
  routes: { 'GET /items': {}, 'GET /slow': {}, 'GET /keyed': { apiKeyRequired: true } },
  apiKeys: { [MATRIX_KEY]: { usagePlan: 'gold' } },
  usagePlans: { gold: { throttle: { rateRps: 5, burst: 5 } } },
};

/** Which bucket: the stage default, the GET /slow override, or the gold usage plan. */
export type MatrixBucket = 'stage' | 'slow' | 'plan';

/** The true limits with one bucket declared as `to` computes from its true rate and burst. */
export function withBucket(at: MatrixBucket, to: (truth: { rateRps: number; burst: number }) => { rateRps: number; burst: number }): typeof MATRIX_TRUE_LIMITS {
  const d = structuredClone(MATRIX_TRUE_LIMITS);
  const holder = at === 'stage' ? d.stages.prod : at === 'slow' ? d.stages.prod.routes['GET /slow'] : d.usagePlans.gold;
  holder.throttle = to(holder.throttle);
  return d;
}
