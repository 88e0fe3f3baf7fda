/**
 * What one kind of API behind a gateway (a REST API, an HTTP API) differs in, as one value: its
 * CloudWatch metrics, the gateway's own answers, its request-id headers, its integration timeout,
 * its price, its label and its route and key rules. Code outside src/api/ asks the flavour and
 * never compares a type name, so a new kind of API is one file here plus one line in
 * flavours.ts (docs/api-flavours.md lists what else, if anything, a new flavour touches).
 */
import { randomFillSync } from 'node:crypto';

/** How a metric reads the emulator's per-minute aggregates (emulator/metrics/store.ts `Cell`). */
export type MetricKind = 'count' | 'error4xx' | 'error5xx' | 'latency' | 'integrationLatency' | 'cacheHit' | 'cacheMiss' | 'dataProcessed';

/** One prebuilt gateway answer. */
export interface GatewayAnswer {
  readonly status: number;
  /** A string: the emulator's server sends an ASCII body in the head's one write (emulator/http1/response.ts). */
  readonly body: string;
  /** Flat [name, value, ...] without the request ids and content-length. */
  readonly headers: readonly string[];
}

/** The gateway's own answers for one kind of API (docs/emulator.md "Error shapes"). */
export interface GatewayResponses {
  readonly throttled: GatewayAnswer;
  readonly quota: GatewayAnswer;
  readonly forbidden: GatewayAnswer;
  readonly notFound: GatewayAnswer;
  readonly tooLarge: GatewayAnswer;
  readonly timeout: GatewayAnswer;
  readonly badGateway: GatewayAnswer;
  /** A path whose percent-encoding does not decode (`%E0%A4%A`). */
  readonly badRequest: GatewayAnswer;
  /** The emulator itself failed on this request (a bug): the last-resort answer. */
  readonly internalError: GatewayAnswer;
  readonly lambdaThrottled: Readonly<Record<500 | 502, GatewayAnswer>>;
}

/** The API's name and id, either of which CloudWatch may key its metrics by. */
export interface ApiNaming {
  readonly name?: string;
  readonly id?: string;
}

/** The AWS/ApiGateway metrics of one kind of API (docs/aws-rules.md §3). */
export interface FlavourMetrics {
  /**
   * The CloudWatch namespace. result.json's schema (version 1) pins `AWS/ApiGateway`, so a
   * flavour in another namespace (an ALB's `AWS/ApplicationELB`) widens this type and the schema.
   */
  readonly namespace: 'AWS/ApiGateway';
  /** Every metric published, AWS's spelling -> what it reads. */
  readonly published: Readonly<Record<string, MetricKind>>;
  /** The dimension every dimension set starts with (`ApiName`, `ApiId`). */
  readonly apiDimension: string;
  /** Which of the API's names that dimension carries. */
  readonly apiDimensionFrom: keyof ApiNaming;
}

/** Route, stage and key rules of one kind of API. */
export interface FlavourRouting {
  /** Usage plans, API keys and `apiKeyRequired` exist (REST) or not (HTTP API). */
  readonly apiKeys: boolean;
  /** The routes served when none is declared. */
  readonly catchAllRoutes: readonly string[];
  /** The stage created when none is declared. */
  readonly defaultStageName: string;
  /** A stage named `$default` exists and serves paths without a stage prefix. */
  readonly defaultStage: boolean;
  /** The metrics' Resource dimension: the matched route key (`GET /a/{id}`) or the resource path (`/a/{id}`). */
  readonly resourceDimension: 'route-key' | 'resource-path';
}

/** Everything that differs between kinds of API. */
export interface ApiFlavour {
  /** The name in configs, result.json and `--limits-from aws:<type>:...`. */
  readonly type: string;
  /** For people: `REST API`, `HTTP API`. */
  readonly label: string;
  readonly metrics: FlavourMetrics;
  readonly responses: GatewayResponses;
  /** Request-id headers for one answer, flat [name, value, ...], fresh ids each call. */
  requestIdHeaders(): string[];
  /** `x-amzn-ErrorType` of an answer to an unparsable request (none on HTTP APIs). */
  clientErrorType(status: number): string | undefined;
  /** Integration timeout: AWS's default and the most a config may set. */
  readonly integrationTimeoutMs: { readonly default: number; readonly max: number };
  /** USD per request at the first-tier list price (docs/aws-rules.md §6). */
  readonly pricePerRequestUsd: number;
  readonly routing: FlavourRouting;
  /**
   * The AWS service that describes this kind of API: its management API, its CloudFormation
   * namespace (AWS::ApiGateway:: or AWS::ApiGatewayV2::) and its Terraform resources
   * (docs/api-flavours.md "What a flavour carries").
   */
  readonly controlPlane: ControlPlane;
}

export type ControlPlane = 'apigateway' | 'apigatewayv2';

/** A JSON `{"message": ...}` answer, with `x-amzn-ErrorType` when given. */
export function jsonAnswer(status: number, message: string, errorType?: string): GatewayAnswer {
  const headers = ['content-type', 'application/json'];
  if (errorType) headers.push('x-amzn-ErrorType', errorType);
  return Object.freeze({ status, body: JSON.stringify({ message }), headers: Object.freeze(headers) });
}

/** An API Gateway style short id (`Ab1CdEFGoAMEbXw=`): 11 bytes of a uuid in base64. */
export function shortId(uuid: string): string {
  return Buffer.from(uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24, 26), 'hex').toString('base64');
}

// Request ids are made on every answer the emulator gives: from a pool of random bytes, so the
// short id is a base64 of the uuid's own bytes instead of a hex round trip through a new Buffer.
const POOLED_IDS = 1024;
const idPool = Buffer.allocUnsafe(16 * POOLED_IDS);
let nextPooledId = POOLED_IDS;
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The offset of 16 fresh random bytes in the pool, with a version-4 uuid's version and variant bits. */
function uuidBytes(): number {
  if (nextPooledId === POOLED_IDS) {
    randomFillSync(idPool);
    nextPooledId = 0;
  }
  const at = 16 * nextPooledId++;
  idPool[at + 6] = (idPool[at + 6] & 0x0f) | 0x40;
  idPool[at + 8] = (idPool[at + 8] & 0x3f) | 0x80;
  return at;
}

/** A fresh random (version 4) uuid and its shortId, as randomUUID() and shortId() would make them. */
export function newRequestIds(): { readonly uuid: string; readonly shortId: string } {
  const at = uuidBytes();
  const b = idPool;
  const h = HEX_OF_BYTE;
  const uuid = `${h[b[at]]}${h[b[at + 1]]}${h[b[at + 2]]}${h[b[at + 3]]}-${h[b[at + 4]]}${h[b[at + 5]]}-${h[b[at + 6]]}${h[b[at + 7]]}-${h[b[at + 8]]}${h[b[at + 9]]}-${h[b[at + 10]]}${h[b[at + 11]]}${h[b[at + 12]]}${h[b[at + 13]]}${h[b[at + 14]]}${h[b[at + 15]]}`;
  return { uuid, shortId: b.toString('base64', at, at + 11) };
}

/** shortId() of a fresh random uuid, without making the uuid. */
export function newShortId(): string {
  const at = uuidBytes();
  return idPool.toString('base64', at, at + 11);
}
