/**
 * HTTP APIs (API Gateway v2). Answers, ids and metrics as docs/api-flavours.md tabulates them:
 *
 * | case              | answer                            |
 * |-------------------|-----------------------------------|
 * | throttled         | 429 Too Many Requests             |
 * | quota             | (no quotas)                       |
 * | missing/bad key   | (no keys)                         |
 * | unknown route     | 404 Not Found                     |
 * | body too large    | 413 Request Entity Too Large      |
 * | timeout           | 503 Service Unavailable (30 s)    |
 * | proxy target down | 502 Bad Gateway (our choice)      |
 * | Lambda throttled  | 500 Internal Server Error         |
 * | bad path encoding | 400 Bad Request (our choice)      |
 * | emulator fault    | 500 Internal Server Error         |
 *
 * No `x-amzn-ErrorType` on any answer; every answer carries `apigw-requestid`.
 */
import { jsonAnswer as json, newShortId, type ApiFlavour } from './flavour.ts';

export const HTTP: ApiFlavour = Object.freeze({
  type: 'http',
  label: 'HTTP API',
  metrics: Object.freeze({
    namespace: 'AWS/ApiGateway',
    published: Object.freeze({
      Count: 'count', '4xx': 'error4xx', '5xx': 'error5xx', Latency: 'latency',
      IntegrationLatency: 'integrationLatency', DataProcessed: 'dataProcessed',
    }),
    apiDimension: 'ApiId',
    apiDimensionFrom: 'id',
  }),
  responses: Object.freeze({
    throttled: json(429, 'Too Many Requests'),
    quota: json(429, 'Limit Exceeded'),
    forbidden: json(403, 'Forbidden'),
    notFound: json(404, 'Not Found'),
    tooLarge: json(413, 'Request Entity Too Large'),
    timeout: json(503, 'Service Unavailable'),
    badGateway: json(502, 'Bad Gateway'),
    badRequest: json(400, 'Bad Request'),
    internalError: json(500, 'Internal Server Error'),
    lambdaThrottled: Object.freeze({ 500: json(500, 'Internal Server Error'), 502: json(502, 'Bad Gateway') }),
  }),
  requestIdHeaders: () => ['apigw-requestid', newShortId()],
  clientErrorType: () => undefined,
  // A hard limit on HTTP APIs: a config cannot raise it.
  integrationTimeoutMs: Object.freeze({ default: 30_000, max: 30_000 }),
  pricePerRequestUsd: 1e-6,
  controlPlane: 'apigatewayv2',
  routing: Object.freeze({
    apiKeys: false,
    catchAllRoutes: Object.freeze(['$default']),
    defaultStageName: '$default',
    defaultStage: true,
    resourceDimension: 'route-key',
  }),
});
