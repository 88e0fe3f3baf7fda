/**
 * When and how a run pulls CloudWatch (docs/architecture.md "When CloudWatch is pulled"): only for the
 * emulator loadgate started, an `execute-api` host, or when the scenario or CLI asks. Otherwise
 * the section says why it was skipped, and no credential lookup happens.
 */
import { apiTypeFromNaming } from './api/flavours.ts';
import type { CloudWatchSection } from './result/schema.ts';
import type { Scenario } from './scenario/types.ts';
import { isLocalTarget } from './core/local-target.ts';
import type { StartedTarget } from './target.ts';
import type { CloudWatchTarget } from './aws/cloudwatch.ts';
import { clientMinutes } from './aws/reconcile.ts';
import type { SendLog } from './record/send-log.ts';

/** Where to find the API's metrics when loadgate cannot tell from the target (`--region`, `--api-name`, ...). */
export interface AwsOverrides {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly apiName?: string;
  readonly apiId?: string;
  readonly requestTimeoutMs?: number;
}

/** What this step reads of the run's options (pipeline.ts PipelineOptions has these fields). */
export interface CloudWatchOptions {
  /** Pull CloudWatch even for a target that does not look like API Gateway (true), or never (false). */
  readonly cloudwatch?: boolean;
  readonly aws?: AwsOverrides;
  readonly signal?: AbortSignal;
}

/** What this step reads of the measured run: its wall-clock window and its send log. */
export interface MeasuredWindow {
  readonly load: { readonly startWallMs: number; readonly endWallMs: number };
  readonly sendLog: SendLog;
}

const EXECUTE_API_HOST = /^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

/** The CloudWatch target for this run, or the reason there is none. */
export function cloudWatchTargetFor(scenario: Scenario, target: StartedTarget, opts: Pick<CloudWatchOptions, 'cloudwatch' | 'aws'>): CloudWatchTarget | string {
  if (opts.cloudwatch === false || scenario.aws.cloudwatch === false) return 'CloudWatch pull turned off';
  const aws = { ...scenario.aws, ...definedOnly({ region: opts.aws?.region, profile: opts.aws?.profile, endpoint: opts.aws?.endpoint, apiName: opts.aws?.apiName, apiId: opts.aws?.apiId }) };
  if (target.emulator) {
    const emu = target.emulator;
    const stage = Object.entries(emu.stages).find(([, url]) => url === target.url)?.[0];
    return { source: 'emulator', apiType: emu.apiType, apiName: emu.apiName, apiId: emu.apiId, stage, endpoint: emu.cloudwatchEndpoint, region: 'us-east-1' };
  }
  const url = new URL(target.url);
  const host = EXECUTE_API_HOST.exec(url.hostname);
  if (!host && !(opts.cloudwatch || aws.cloudwatch)) return 'not an API Gateway target (use --cloudwatch or aws.cloudwatch to pull anyway)';
  const apiType = target.apiType === 'unknown' ? apiTypeFromNaming({ name: aws.apiName || undefined }) : target.apiType;
  const stage = aws.stage ?? scenario.stage ?? url.pathname.split('/').filter(Boolean)[0];
  return {
    // A loopback endpoint (--endpoint-url http://127.0.0.1:3000) is a running loadgate emulator: dummy credentials.
    source: aws.endpoint !== undefined && isLocalTarget(aws.endpoint) ? 'emulator' : 'aws',
    apiType,
    apiName: aws.apiName ?? scenario.limits?.api.name,
    apiId: aws.apiId ?? host?.[1],
    stage,
    region: aws.region ?? host?.[2],
    profile: aws.profile,
    endpoint: aws.endpoint,
  };
}

export async function cloudWatchFor(scenario: Scenario, target: StartedTarget, measured: MeasuredWindow, opts: CloudWatchOptions): Promise<CloudWatchSection> {
  const cw = cloudWatchTargetFor(scenario, target, opts);
  if (typeof cw === 'string') {
    return { status: 'skipped', reason: cw, source: null, namespace: 'AWS/ApiGateway', dimensions: [], minutes: [], reconciliation: null };
  }
  const { load, sendLog } = measured;
  const window = { startWallMs: load.startWallMs, endWallMs: load.endWallMs };
  // The AWS SDK is most of a cold start's module loading: a run that is refused, or whose
  // CloudWatch step is skipped, never loads it (docs/architecture.md "Packaging").
  const { pullCloudWatch } = await import('./aws/cloudwatch.ts');
  return pullCloudWatch(cw, window, clientMinutes(sendLog, load.startWallMs), {
    maxWaitMs: cw.source === 'emulator' ? 5_000 : 180_000,
    requestTimeoutMs: opts.aws?.requestTimeoutMs,
    signal: opts.signal,
  });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
