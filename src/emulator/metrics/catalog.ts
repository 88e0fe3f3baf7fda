/**
 * Which AWS/ApiGateway metrics exist, under which dimension sets, per API flavour (src/api/:
 * the names and the API's own dimension live there). The store keeps only the finest cells (stage, method, resource); this file maps a
 * CloudWatch metric identity onto a filter over those cells, and back.
 */

import { apiDimensionOf, flavourOf, type ApiType, type MetricKind } from '../../api/flavours.ts';

/** The namespace every API Gateway metric lives in (the flavours' own: src/api/). */
export const NAMESPACE = 'AWS/ApiGateway';

/** One CloudWatch dimension, spelled as on the wire. */
export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** A metric as ListMetrics returns it and GetMetricData names it. */
export interface MetricIdentity {
  readonly MetricName: string;
  readonly Dimensions: readonly Dimension[];
}

/** What a dimension set selects among the store's cells; undefined fields match every cell. */
export interface CellFilter {
  readonly stage?: string;
  readonly method?: string;
  readonly resource?: string;
}

/** The API a store publishes for, as the emulator describes it. */
export interface ApiIdentity {
  readonly type: ApiType;
  readonly name: string;
  readonly id: string;
}

/** How each published metric reads a cell (see store.ts `Cell`). */
export type CellField = MetricKind;

/** CloudWatch units of each published metric, for ListMetrics readers and docs. */
export const METRIC_UNITS: Readonly<Record<CellField, 'Count' | 'Milliseconds' | 'Bytes'>> = {
  count: 'Count', error4xx: 'Count', error5xx: 'Count', cacheHit: 'Count', cacheMiss: 'Count',
  latency: 'Milliseconds', integrationLatency: 'Milliseconds', dataProcessed: 'Bytes',
};

/** The metric names this API type publishes, in AWS's spelling, mapped to the cell field. */
export function metricsOf(type: ApiType): Readonly<Record<string, CellField>> {
  return flavourOf(type).metrics.published;
}

/** The dimension every set starts with (ApiName for REST APIs, ApiId for HTTP APIs). */
export function apiDimension(api: ApiIdentity): Dimension {
  return apiDimensionOf(api.type, api)!;
}

/**
 * The filter a query's dimensions select, or undefined when no published metric has exactly
 * this dimension set (CloudWatch matches the whole set: {ApiName} and {ApiName, Stage} are two
 * different metrics, and a query naming neither gets no data).
 */
export function filterOf(api: ApiIdentity, detailed: boolean, dims: readonly Dimension[]): CellFilter | undefined {
  const byName = new Map(dims.map((d) => [d.Name, d.Value]));
  if (byName.size !== dims.length) return undefined;
  const own = apiDimension(api);
  if (byName.get(own.Name) !== own.Value) return undefined;
  const names = [...byName.keys()].filter((n) => n !== own.Name).sort().join(',');
  if (names === '') return {};
  if (names === 'Stage') return { stage: byName.get('Stage') };
  if (detailed && names === 'Method,Resource,Stage') {
    return { stage: byName.get('Stage'), method: byName.get('Method'), resource: byName.get('Resource') };
  }
  return undefined;
}

/** The dimension sets a cell publishes under, coarsest first. */
export function dimensionSetsOf(api: ApiIdentity, detailed: boolean, cell: Required<CellFilter>): Dimension[][] {
  const own = apiDimension(api);
  const sets: Dimension[][] = [[own], [own, { Name: 'Stage', Value: cell.stage }]];
  if (detailed) {
    sets.push([own, { Name: 'Method', Value: cell.method }, { Name: 'Resource', Value: cell.resource }, { Name: 'Stage', Value: cell.stage }]);
  }
  return sets;
}

/** True when `cell` is selected by `filter`. */
export function cellMatches(filter: CellFilter, cell: Required<CellFilter>): boolean {
  return (filter.stage === undefined || filter.stage === cell.stage)
    && (filter.method === undefined || filter.method === cell.method)
    && (filter.resource === undefined || filter.resource === cell.resource);
}
