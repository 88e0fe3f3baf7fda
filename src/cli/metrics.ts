/**
 * `loadgate metrics`: pulls an API's AWS/ApiGateway metrics for any window, without running
 * load, from AWS or from a running emulator's CloudWatch endpoint, and prints them per minute
 * (a table, or JSON with --json). Parse flags -> pullCloudWatch -> render.
 */
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { apiTypeFromNaming } from '../api/flavours.ts';
import { endpointUrlFlag } from '../aws/credentials.ts';
import { pullCloudWatch, type CloudWatchTarget } from '../aws/cloudwatch.ts';
import { LoadgateError, UsageError } from '../errors.ts';
import type { CloudWatchMinute, CloudWatchSection } from '../result/schema.ts';

interface MetricsFlags {
  readonly apiName?: string;
  readonly apiId?: string;
  readonly stage?: string;
  readonly start: string;
  readonly end: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly endpointUrl?: string;
  readonly json?: boolean;
}

/** Where the command writes: injectable so tests can capture what it prints. */
export interface MetricsIo {
  readonly stdout: { write(text: string): unknown };
}

/** What the command prints as JSON: the gateway's minutes (there is no client side here). */
export interface MetricsView {
  readonly status: CloudWatchSection['status'];
  readonly reason: string;
  readonly source: CloudWatchSection['source'];
  readonly dimensions: CloudWatchSection['dimensions'];
  readonly minutes: readonly ({ readonly minuteIso: string } & CloudWatchMinute['gateway'])[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Flags -> a CloudWatch target and window, or a UsageError naming the flag and value. */
export function targetOf(flags: MetricsFlags): { target: CloudWatchTarget; startWallMs: number; endWallMs: number } {
  if ((flags.apiName === undefined) === (flags.apiId === undefined)) {
    throw new UsageError('pass exactly one of --api-name (REST API) or --api-id (HTTP API)', { field: '--api-name' });
  }
  const startWallMs = isoMs('--start', flags.start);
  const endWallMs = isoMs('--end', flags.end);
  if (endWallMs <= startWallMs) throw UsageError.invalid(undefined, '--end', flags.end, `a time after --start ${flags.start}`);
  let source: CloudWatchTarget['source'] = 'aws';
  const endpoint = endpointUrlFlag(flags);
  if (endpoint !== undefined) {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw UsageError.invalid(undefined, flags.endpointUrl !== undefined ? '--endpoint-url' : '--endpoint', endpoint, 'an http(s) URL such as http://127.0.0.1:4599');
    }
    // A loopback endpoint is a loadgate emulator, which takes dummy credentials.
    if (LOOPBACK.has(url.hostname)) source = 'emulator';
  }
  const target: CloudWatchTarget = {
    source, apiType: apiTypeFromNaming({ name: flags.apiName, id: flags.apiId }),
    apiName: flags.apiName, apiId: flags.apiId, stage: flags.stage,
    region: flags.region, profile: flags.profile, endpoint,
  };
  return { target, startWallMs, endWallMs };
}

function isoMs(flag: string, value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw UsageError.invalid(undefined, flag, value, 'an ISO 8601 time such as 2025-01-15T12:00:00Z');
  return ms;
}

/** The gateway-only view of a pulled section. */
export function viewOf(section: CloudWatchSection): MetricsView {
  const minutes = section.minutes.filter((m) => m.gateway.count !== null).map((m) => ({ minuteIso: m.minuteIso, ...m.gateway }));
  const total = minutes.reduce((n, m) => n + (m.count ?? 0), 0);
  const reason = section.status === 'ok' ? `${total} requests in ${minutes.length} minute(s) with data` : section.reason;
  return { status: section.status, reason, source: section.source, dimensions: section.dimensions, minutes };
}

/** The per-minute table. */
export function renderMetricsTable(view: MetricsView): string {
  const fmt = (v: number | null, digits = 1) => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(digits));
  const table = new Table({
    head: ['minute (UTC)', 'Count', '4xx', '5xx', 'Latency avg', 'p50', 'p90', 'p99', 'Integration avg', 'overhead'],
    style: { head: [], border: [] },
  });
  for (const m of view.minutes) {
    const overhead = m.latencyAvgMs !== null && m.integrationLatencyAvgMs !== null ? m.latencyAvgMs - m.integrationLatencyAvgMs : null;
    table.push([m.minuteIso.slice(0, 16).replace('T', ' '), fmt(m.count), fmt(m.error4xx), fmt(m.error5xx),
      fmt(m.latencyAvgMs), fmt(m.latencyP50Ms), fmt(m.latencyP90Ms), fmt(m.latencyP99Ms), fmt(m.integrationLatencyAvgMs), fmt(overhead)]);
  }
  const dims = view.dimensions.map((d) => `${d.Name}=${d.Value}`).join(', ');
  return `AWS/ApiGateway ${dims} (${view.source}): ${view.reason}\n${view.minutes.length > 0 ? `${table.toString()}\n` : ''}`;
}

/** Runs the command once; exported for tests. Unavailable metrics exit 1 (with --json too). */
export async function runMetrics(flags: MetricsFlags, io: MetricsIo): Promise<void> {
  const { target, startWallMs, endWallMs } = targetOf(flags);
  const section = await pullCloudWatch(target, { startWallMs, endWallMs }, { minutes: [], noResponse: 0 }, { maxWaitMs: 0 });
  const view = viewOf(section);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    if (view.status !== 'ok') process.exitCode = 1;
    return;
  }
  if (view.status !== 'ok') throw new LoadgateError('AWS', `CloudWatch unavailable: ${view.reason}`);
  io.stdout.write(renderMetricsTable(view));
}

/** The `metrics` command. */
export function metricsCommand(io: MetricsIo = { stdout: process.stdout }): Command {
  return new Command('metrics')
    .description('Pull an API\'s AWS/ApiGateway CloudWatch metrics per minute for any window, without running load')
    .option('--api-name <name>', 'REST API name (CloudWatch dimension ApiName)')
    .option('--api-id <id>', 'HTTP API id (CloudWatch dimension ApiId)')
    .option('--stage <stage>', 'stage name (default: the whole API)')
    .requiredOption('--start <iso>', 'window start, ISO 8601 (rounded down to the minute)')
    .requiredOption('--end <iso>', 'window end, ISO 8601, exclusive (rounded up to the minute)')
    .option('--region <region>', 'AWS region (default: the standard chain, e.g. AWS_REGION)')
    .option('--profile <profile>', 'AWS shared-config profile for credentials')
    .option('--endpoint-url <url>', 'CloudWatch endpoint; a loopback URL is a loadgate emulator (dummy credentials) (default: AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL)')
    .addOption(new Option('--endpoint <url>', 'alias of --endpoint-url').hideHelp())
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      `
Examples:
  loadgate metrics --api-name orders-api --stage prod --start 2025-01-15T12:00:00Z --end 2025-01-15T13:00:00Z --region eu-west-1
  loadgate metrics --api-id a1b2c3d4e5 --stage '$default' --start 2025-01-15T12:00Z --end 2025-01-15T12:30Z --profile ci --json
  loadgate metrics --api-name shop --stage prod --endpoint-url http://127.0.0.1:4599 --start 2025-01-15T12:00Z --end 2025-01-15T12:10Z`,
    )
    .action((flags: MetricsFlags) => runMetrics(flags, io));
}
