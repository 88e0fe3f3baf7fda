/**
 * What one kind of API behind a gateway (a REST API, an HTTP API) differs in, as one value: its
 * CloudWatch metrics, the gateway's own answers, its request-id headers, its integration timeout,
 * its price, its label and its route and key rules. Code outside src/api/ asks the flavour and
 * never compares a type name, so a new kind of API is one file here plus one line in
 * flavours.ts (docs/api-flavours.md lists what else, if anything, a new flavour touches).
 */

/** How a metric reads the emulator's per-minute aggregates (emulator/metrics/store.ts `Cell`). */
export type MetricKind = 'count' | 'error4xx' | 'error5xx' | 'latency' | 'integrationLatency' | 'cacheHit' | 'cacheMiss' | 'dataProcessed';

/** One prebuilt gateway answer. */
export interface GatewayAnswer {
  readonly status: number;
  /** A string, so node:http sends head and body in one write. */
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
