/**
 * The registry of API flavours: the one list a new kind of API is added to (docs/api-flavours.md).
 */
import type { ApiFlavour, ApiNaming, ControlPlane, MetricKind } from './flavour.ts';
import { HTTP } from './http.ts';
import { REST } from './rest.ts';

export type { ApiFlavour, ApiNaming, GatewayAnswer, GatewayResponses, MetricKind } from './flavour.ts';

/** Every flavour by type; the first is the default of a limits file without `api.type`. */
const FLAVOURS = {
  rest: REST,
  http: HTTP,
} as const satisfies Record<string, ApiFlavour>;

/** The name of a flavour, as configs and result.json spell it. */
export type ApiType = keyof typeof FLAVOURS;

/** Every flavour's type, registry order (for validation messages and schemas). */
export const API_TYPES = Object.freeze(Object.keys(FLAVOURS)) as unknown as readonly [ApiType, ...ApiType[]];

/** The flavour a limits file gets when it names none. */
export const DEFAULT_API_TYPE: ApiType = API_TYPES[0];

/** The flavour of `type`. */
export function flavourOf(type: ApiType): ApiFlavour {
  return FLAVOURS[type];
}

/** True when `text` names a registered flavour. */
export function isApiType(text: string): text is ApiType {
  return Object.hasOwn(FLAVOURS, text);
}

/**
 * The flavour whose CloudWatch metrics are keyed by a name the caller has (`--api-name` means a
 * REST API, `--api-id` an HTTP API); the first in registry order wins when both are given, the
 * last flavour when neither is (an absent name is `undefined`; an empty one still counts).
 */
export function apiTypeFromNaming(naming: ApiNaming): ApiType {
  return API_TYPES.find((t) => naming[FLAVOURS[t].metrics.apiDimensionFrom] !== undefined) ?? API_TYPES[API_TYPES.length - 1];
}

/** The API's own CloudWatch dimension, or undefined when the naming lacks the value it needs. */
export function apiDimensionOf(type: ApiType, naming: ApiNaming): { Name: string; Value: string } | undefined {
  const m = FLAVOURS[type].metrics;
  const value = naming[m.apiDimensionFrom];
  return value ? { Name: m.apiDimension, Value: value } : undefined;
}

/** The CloudWatch name of the metric that reads `kind` for this flavour, if it publishes one. */
export function metricNameOf(type: ApiType, kind: MetricKind): string | undefined {
  return Object.entries(FLAVOURS[type].metrics.published).find(([, k]) => k === kind)?.[0];
}

/**
 * The kind of API a control plane's resources describe (an AWS::ApiGateway:: template, a Terraform
 * aws_apigatewayv2_api with protocol HTTP): the first registered flavour of that service.
 */
export function apiTypeOfControlPlane(plane: ControlPlane): ApiType {
  return API_TYPES.find((type) => flavourOf(type).controlPlane === plane)!;
}
