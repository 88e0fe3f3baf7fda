/**
 * REST APIs (API Gateway v1). Answers, ids and metrics as docs/api-flavours.md tabulates them:
 *
 * | case              | answer                                                |
 * |-------------------|-------------------------------------------------------|
 * | throttled         | 429 Too Many Requests, TooManyRequestsException       |
 * | quota             | 429 Limit Exceeded, LimitExceededException            |
 * | missing/bad key   | 403 Forbidden, ForbiddenException                     |
 * | unknown route     | 403 Missing Authentication Token                      |
 * | body too large    | 413 plain text                                        |
 * | timeout           | 504 Endpoint request timed out (29 s)                 |
 * | proxy target down | 502 Internal server error                             |
 * | Lambda throttled  | 500 (or 502) Internal server error                    |
 * | bad path encoding | 400 Bad Request, BadRequestException (our choice)     |
 * | emulator fault    | 500 Internal server error                             |
 *
 * Every answer carries `x-amzn-RequestId` (a uuid) and `x-amz-apigw-id`.
 */
import { jsonAnswer as json, newRequestIds, type ApiFlavour } from './flavour.ts';

export const REST: ApiFlavour = Object.freeze({
  type: 'rest',
  label: 'REST API',
  metrics: Object.freeze({
    namespace: 'AWS/ApiGateway',
    published: Object.freeze({
      Count: 'count', '4XXError': 'error4xx', '5XXError': 'error5xx', Latency: 'latency',
      IntegrationLatency: 'integrationLatency', CacheHitCount: 'cacheHit', CacheMissCount: 'cacheMiss',
    }),
    apiDimension: 'ApiName',
    apiDimensionFrom: 'name',
  }),
  responses: Object.freeze({
    throttled: json(429, 'Too Many Requests', 'TooManyRequestsException'),
    quota: json(429, 'Limit Exceeded', 'LimitExceededException'),
    forbidden: json(403, 'Forbidden', 'ForbiddenException'),
    notFound: json(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException'),
    tooLarge: Object.freeze({
      status: 413,
      body: 'HTTP content length exceeded 10485760 bytes.',
      headers: Object.freeze(['content-type', 'text/plain']),
    }),
    timeout: json(504, 'Endpoint request timed out', 'InternalServerErrorException'),
    badGateway: json(502, 'Internal server error', 'InternalServerErrorException'),
    badRequest: json(400, 'Bad Request', 'BadRequestException'),
    internalError: json(500, 'Internal server error', 'InternalServerErrorException'),
    lambdaThrottled: Object.freeze({
      500: json(500, 'Internal server error', 'InternalServerErrorException'),
      502: json(502, 'Internal server error', 'InternalServerErrorException'),
    }),
  }),
  requestIdHeaders(): string[] {
    const ids = newRequestIds();
    return ['x-amzn-RequestId', ids.uuid, 'x-amz-apigw-id', ids.shortId];
  },
  clientErrorType: (status: number) => (status === 400 ? 'BadRequestException' : 'ClientException'),
  // Regional APIs may raise it past 29 s; the emulator allows up to 5 minutes.
  integrationTimeoutMs: Object.freeze({ default: 29_000, max: 300_000 }),
  pricePerRequestUsd: 3.5e-6,
  controlPlane: 'apigateway',
  routing: Object.freeze({
    apiKeys: true,
    // A greedy {proxy+} needs at least one segment, so the root needs a route of its own.
    catchAllRoutes: Object.freeze(['ANY /', 'ANY /{proxy+}']),
    defaultStageName: 'prod',
    defaultStage: false,
    resourceDimension: 'resource-path',
  }),
});
