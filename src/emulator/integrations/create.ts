/** The run-time integration for a route's configured one. */
import type { RouteKey } from '../../routing/route-key.ts';
import type { EmulatorRoute } from '../config.ts';
import { HttpProxyRunner } from './http-proxy.ts';
import type { Integration } from './integration.ts';
import { LambdaRunner } from './lambda.ts';
import { MockRunner } from './mock.ts';

/** One Integration per route: a Lambda's concurrency and a proxy's connections are the route's own. */
export function createIntegration(route: EmulatorRoute, key: RouteKey): Integration {
  const spec = route.integration;
  if (spec.type === 'mock') return new MockRunner(spec);
  if (spec.type === 'lambda') return new LambdaRunner(spec);
  return new HttpProxyRunner(spec, key);
}
