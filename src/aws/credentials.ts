/**
 * How loadgate's AWS clients (CloudWatch, API Gateway, API Gateway V2) are configured, with the
 * conventions of the AWS CLI and SDKs:
 *
 *   region     --region, else AWS_REGION, else the profile's region (the SDK's chain)
 *   profile    --profile, else AWS_PROFILE (the SDK reads it)
 *   endpoint   --endpoint-url (alias --endpoint), else AWS_ENDPOINT_URL_<SERVICE>
 *              (CLOUDWATCH, API_GATEWAY, APIGATEWAYV2), else AWS_ENDPOINT_URL; none with
 *              AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. The same order as the SDK's own.
 *
 * Credentials come from the standard chain (env, shared files with `profile`, SSO, container,
 * and instance metadata unless AWS_EC2_METADATA_DISABLED), except for an endpoint on this machine
 * (loopback): that is a loadgate emulator (or another local stand-in), which never checks them,
 * so it gets dummy static ones (the SDK must sign something) and us-east-1 when no region is set.
 * Short connection and request timeouts, so an endpoint that never answers costs seconds.
 */
import { UsageError } from '../errors.ts';
import { isLocalTarget } from '../core/local-target.ts';

/** Where a client points and how patient it is. */
export interface ClientSpec {
  readonly source: 'emulator' | 'aws';
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  /** Per HTTP request, connection included. */
  readonly requestTimeoutMs: number;
}

/** The AWS flags of a command (`--region`, `--profile`, `--endpoint-url`). */
export interface AwsSettings {
  readonly region?: string;
  readonly profile?: string;
  /** For every service loadgate calls (the emulator serves them all on one port). */
  readonly endpointUrl?: string;
}

export type AwsService = 'cloudwatch' | 'apigateway' | 'apigatewayv2';

/** The SDK's environment names: AWS_ENDPOINT_URL_ + the service id, upper case, spaces as `_`. */
const ENDPOINT_ENV: Readonly<Record<AwsService, string>> = {
  cloudwatch: 'AWS_ENDPOINT_URL_CLOUDWATCH',
  apigateway: 'AWS_ENDPOINT_URL_API_GATEWAY',
  apigatewayv2: 'AWS_ENDPOINT_URL_APIGATEWAYV2',
};

/**
 * `--endpoint-url` and its older alias `--endpoint` as one value; both given and different is a
 * usage error rather than a silent pick.
 */
export function endpointUrlFlag(flags: { readonly endpointUrl?: string; readonly endpoint?: string }): string | undefined {
  if (flags.endpointUrl !== undefined && flags.endpoint !== undefined && flags.endpointUrl !== flags.endpoint) {
    throw new UsageError(`give one of --endpoint-url and --endpoint (its alias): ${JSON.stringify(flags.endpointUrl)} and ${JSON.stringify(flags.endpoint)} differ`);
  }
  return flags.endpointUrl ?? flags.endpoint;
}

/** Credentials the emulator accepts: it never checks them. A fresh object each time, because
 *  the SDK writes feature markers ($source) into the credentials it is given. */
export function emulatorCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: 'loadgate-emulator', secretAccessKey: 'loadgate-emulator' };
}

/** The endpoint `service` is called at (see the file comment), checked as a URL; undefined = AWS's own. */
export function endpointFor(service: AwsService, settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : (nonEmpty(env[ENDPOINT_ENV[service]]) ?? nonEmpty(env.AWS_ENDPOINT_URL));
  const [value, source] = settings.endpointUrl !== undefined ? [settings.endpointUrl, '--endpoint-url'] : [fromEnv, nonEmpty(env[ENDPOINT_ENV[service]]) !== undefined ? ENDPOINT_ENV[service] : 'AWS_ENDPOINT_URL'];
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw UsageError.invalid(undefined, source, value, 'an http(s) URL such as http://127.0.0.1:3000');
  }
  return value.replace(/\/+$/, '');
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Whether an endpoint is on this machine (then dummy credentials do). */
export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  return endpoint !== undefined && isLocalTarget(endpoint);
}

/** The SDK client configuration for `service` under `settings` (shared by every AWS client). */
export function clientConfig(service: AwsService, settings: AwsSettings, requestTimeoutMs: number, maxAttempts = 2): {
  region?: string; endpoint?: string; profile?: string; credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number; requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true; socketTimeout: number };
} {
  const endpoint = endpointFor(service, settings);
  const local = isLoopbackEndpoint(endpoint);
  const region = settings.region ?? nonEmpty(process.env.AWS_REGION) ?? (local ? 'us-east-1' : undefined);
  return {
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(settings.profile !== undefined && !local ? { profile: settings.profile } : {}),
    ...(local ? { credentials: emulatorCredentials() } : {}),
    maxAttempts: local ? 1 : maxAttempts,
    requestHandler: {
      connectionTimeout: Math.min(requestTimeoutMs, 3_000),
      requestTimeout: requestTimeoutMs,
      // @smithy/node-http-handler 4.x only logs a console warning when requestTimeout passes,
      // unless told to throw; the socket timeout covers a server that goes quiet mid-answer.
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeoutMs,
    },
  };
}

