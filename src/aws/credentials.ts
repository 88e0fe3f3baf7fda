/**
 * The CloudWatch client loadgate uses: the standard credential chain (env, shared files with
 * `profile`, SSO, container, and instance metadata unless AWS_EC2_METADATA_DISABLED) for AWS,
 * dummy static credentials for the emulator (it ignores SigV4 but the SDK must sign something).
 * Short connection and request timeouts, so an endpoint that never answers costs seconds.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/** Where a client points and how patient it is. */
export interface ClientSpec {
  readonly source: 'emulator' | 'aws';
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  /** Per HTTP request, connection included. */
  readonly requestTimeoutMs: number;
}

/** Credentials the emulator accepts: it never checks them. A fresh object each time, because
 *  the SDK writes feature markers ($source) into the credentials it is given. */
export function emulatorCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: 'loadgate-emulator', secretAccessKey: 'loadgate-emulator' };
}

/** A CloudWatch client for `spec`. Creating it looks nothing up; the first call does. */
export function cloudWatchClient(spec: ClientSpec): CloudWatchClient {
  const emulator = spec.source === 'emulator';
  return new CloudWatchClient({
    region: spec.region ?? (emulator ? 'us-east-1' : undefined),
    endpoint: spec.endpoint,
    profile: emulator ? undefined : spec.profile,
    credentials: emulator ? emulatorCredentials() : undefined,
    // The poll loop is the retry: a second SDK attempt against the emulator only adds waiting.
    maxAttempts: emulator ? 1 : 2,
    requestHandler: {
      connectionTimeout: Math.min(spec.requestTimeoutMs, 3_000),
      requestTimeout: spec.requestTimeoutMs,
      // @smithy/node-http-handler 4.x only logs a console warning when requestTimeout passes,
      // unless told to throw; the socket timeout covers a server that goes quiet mid-answer.
      throwOnRequestTimeout: true,
      socketTimeout: spec.requestTimeoutMs,
    },
  });
}
