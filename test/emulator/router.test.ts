import { describe, expect, it } from 'vitest';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { createIntegration } from '../../src/emulator/integrations/create.ts';
import { Router } from '../../src/emulator/router.ts';

const config = parseEmulatorConfig({
  api: { type: 'rest', name: 'router' },
  stages: { prod: { throttle: { rateRps: 10, burst: 10 } } },
  routes: {
    'GET /items': { integration: { type: 'mock', status: 200 } },
    'ANY /any': { integration: { type: 'mock', status: 200 } },
  },
});

describe('Router resolutions', () => {
  it('cache per method and path, each with the frozen throttle key of a keyless request', () => {
    const router = new Router(config, 0, createIntegration);
    const get = router.resolve('GET', '/prod/items');
    expect(router.resolve('GET', '/prod/items')).toBe(get);
    expect(get.route?.key.key).toBe('GET /items');
    expect(get.requestKey).toEqual({ routeKey: 'GET /items', method: 'GET', apiKey: undefined });
    expect(Object.isFrozen(get.requestKey)).toBe(true);
    // Same path, another method: not the GET's cached answer.
    expect(router.resolve('POST', '/prod/items').route).toBeUndefined();
    expect(router.resolve('POST', '/prod/items').requestKey).toBeUndefined();
    // An ANY route throttles per route but keeps the request's own method in its key.
    expect(router.resolve('DELETE', '/prod/any').requestKey).toEqual({ routeKey: 'ANY /any', method: 'DELETE', apiKey: undefined });
    expect(router.resolve('PUT', '/prod/any').requestKey?.method).toBe('PUT');
  });

  it('stays bounded: a scan of random paths empties the cache instead of growing it', () => {
    const router = new Router(config, 0, createIntegration);
    const first = router.resolve('GET', '/prod/items');
    for (let i = 0; i < 10_000; i++) expect(router.resolve('GET', `/prod/scan/${i}`).route).toBeUndefined();
    const again = router.resolve('GET', '/prod/items');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
