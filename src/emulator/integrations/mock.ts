/**
 * API Gateway's MOCK integration: a fixed status, body and headers after a sampled latency.
 * A latency at or past the integration timeout is answered as the gateway's timeout, at the timeout.
 */
import type { MockIntegration } from '../integration-config.ts';
import type { Exchange } from '../exchange.ts';
import { sampleLatencyMs } from '../latency.ts';
import { flatHeaders, type Integration } from './integration.ts';

function reply(mock: MockRunner, ex: Exchange): void {
  ex.answer(mock.status, mock.headers, mock.body);
}

function timeOut(ex: Exchange): void {
  ex.timedOut();
}

/** Runs a MockIntegration. */
export class MockRunner implements Integration {
  readonly needsBody = false;
  readonly spec: MockIntegration;
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: string;

  constructor(spec: MockIntegration) {
    this.spec = spec;
    this.status = spec.status;
    this.headers = flatHeaders(spec.headers);
    this.body = spec.body;
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
