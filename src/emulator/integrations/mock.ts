/**
 * API Gateway's MOCK integration: a fixed status, body and headers after a sampled latency.
 * A latency at or past the integration timeout is answered as the gateway's timeout, at the timeout.
 */
import type { MockIntegration } from '../integration-config.ts';
import type { Exchange } from '../exchange.ts';
import { sampleLatencyMs } from '../latency.ts';
import { flatHeaders, type Integration } from './integration.ts';
import type { GatewayAnswer } from '../responses.ts';

function reply(mock: MockRunner, ex: Exchange): void {
  ex.gateway(mock.answer);
}

function timeOut(ex: Exchange): void {
  ex.timedOut();
}

/** Runs a MockIntegration. */
export class MockRunner implements Integration {
  readonly needsBody = false;
  readonly spec: MockIntegration;
  /** The same answer every time: checked and serialised once (responses.ts writeFixedAnswer). */
  readonly answer: GatewayAnswer;

  constructor(spec: MockIntegration) {
    this.spec = spec;
    this.answer = Object.freeze({ status: spec.status, headers: flatHeaders(spec.headers), body: spec.body });
  }

  invoke(ex: Exchange): void {
    ex.startIntegration();
    const delayMs = sampleLatencyMs(this.spec.latencyMs);
    const timeoutMs = ex.ctx.integrationTimeoutMs;
    if (delayMs >= timeoutMs) setTimeout(timeOut, timeoutMs, ex);
    else if (delayMs <= 0) reply(this, ex);
    else setTimeout(reply, delayMs, this, ex);
  }

  async close(): Promise<void> {}
}
