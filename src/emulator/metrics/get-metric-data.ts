/**
 * GetMetricData against a MetricStore, with CloudWatch's rules: Period a multiple of 60,
 * StartTime inclusive and EndTime exclusive, ScanBy (newest first by default), MaxDatapoints
 * per page and NextToken paging. Paging walks one flat list (query by query, each in ScanBy
 * order); every page lists every query, with `PartialData` while more of it is still to come.
 */
import { invalidParameter } from './api-error.ts';
import { filterOf, metricsOf } from './catalog.ts';
import { parseStatistic } from './distribution.ts';
import type { Datapoint, MetricStore } from './store.ts';
import {
  decodeToken, dimensions, encodeToken, fingerprintOf, fullDimensions, members, optInteger, optList,
  optString, required, timestampMs, type Members,
} from './wire.ts';

const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

/** One query's slice of a page (each protocol writes the timestamps its own way). */
export interface MetricDataResultWire {
  readonly Id: string;
  readonly Label: string;
  readonly Timestamps: Date[];
  readonly Values: number[];
  readonly StatusCode: 'Complete' | 'PartialData';
  readonly Messages: never[];
}

interface Query {
  readonly id: string;
  readonly label: string;
  readonly returnData: boolean;
  readonly points: Datapoint[];
}

/** Answers one GetMetricData request (decoded members). */
export function getMetricData(store: MetricStore, body: Members): Record<string, unknown> {
  const startMs = timestampMs(body, 'StartTime');
  const endMs = timestampMs(body, 'EndTime');
  if (endMs <= startMs) throw invalidParameter('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = optString(body, 'ScanBy', '') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidParameter(`The value ${JSON.stringify(scanBy)} for parameter ScanBy is not valid (expected TimestampDescending or TimestampAscending).`);
  }
  const maxPoints = optInteger(body, 'MaxDatapoints', '', 1, MAX_DATAPOINTS) ?? MAX_DATAPOINTS;
  const queries = readQueries(store, body, startMs, endMs).filter((q) => q.returnData);
  if (scanBy === 'TimestampDescending') for (const q of queries) q.points.reverse();

  const fingerprint = fingerprintOf(body);
  const from = decodeToken(optString(body, 'NextToken', ''), fingerprint);
  const to = from + maxPoints;
  let offset = 0;
  const results: MetricDataResultWire[] = [];
  for (const q of queries) {
    const lo = Math.max(0, from - offset);
    const hi = Math.max(0, Math.min(q.points.length, to - offset));
    const slice = lo < hi ? q.points.slice(lo, hi) : [];
    results.push({
      Id: q.id, Label: q.label, Messages: [],
      Timestamps: slice.map((p) => new Date(p.atWallMs)),
      Values: slice.map((p) => p.value),
      StatusCode: offset + q.points.length > to ? 'PartialData' : 'Complete',
    });
    offset += q.points.length;
  }
  const out: Record<string, unknown> = { MetricDataResults: results, Messages: [] };
  if (offset > to) out.NextToken = encodeToken(to, fingerprint);
  return out;
}

function readQueries(store: MetricStore, body: Members, startMs: number, endMs: number): Query[] {
  const list = optList(body, 'MetricDataQueries', '');
  if (list.length === 0) required(body, 'MetricDataQueries', '');
  if (list.length > MAX_QUERIES) throw invalidParameter(`The collection MetricDataQueries must not have more than ${MAX_QUERIES} members.`);
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const q = readQuery(store, members(raw, `MetricDataQueries.member.${i + 1}`), `MetricDataQueries.member.${i + 1}`, startMs, endMs);
    if (seen.has(q.id)) throw invalidParameter(`The values for parameter id in MetricDataQueries are not unique (${JSON.stringify(q.id)}).`);
    seen.add(q.id);
    return q;
  });
}

function readQuery(store: MetricStore, q: Members, path: string, startMs: number, endMs: number): Query {
  const id = required(q, 'Id', path);
  if (typeof id !== 'string' || !ID.test(id) || id.length > 255) {
    throw invalidParameter(`The value ${JSON.stringify(id)} for parameter ${path}.Id is not valid (it must start with a lowercase letter and hold only letters, digits and underscores).`);
  }
  if (q.Expression !== undefined) {
    throw invalidParameter(`The parameter ${path}.Expression is not supported by the loadgate emulator: use MetricStat.`);
  }
  const stat = members(required(q, 'MetricStat', path), `${path}.MetricStat`);
  const at = `${path}.MetricStat`;
  const metric = members(required(stat, 'Metric', at), `${at}.Metric`);
  const periodS = optInteger(stat, 'Period', at, 1, 86_400 * 455);
  if (periodS === undefined) required(stat, 'Period', at);
  if (periodS! % 60 !== 0) {
    throw invalidParameter(`The value ${periodS} for parameter ${at}.Period is not valid: API Gateway metrics have one-minute resolution, so Period must be a multiple of 60.`);
  }
  const statText = required(stat, 'Stat', at);
  const statistic = typeof statText === 'string' ? parseStatistic(statText) : undefined;
  if (!statistic) {
    throw invalidParameter(`The value ${JSON.stringify(statText)} for parameter ${at}.Stat is not valid (served: Sum, SampleCount, Average, Minimum, Maximum, pNN.NN).`);
  }
  const namespace = required(metric, 'Namespace', `${at}.Metric`);
  const name = required(metric, 'MetricName', `${at}.Metric`);
  if (typeof name !== 'string') throw invalidParameter(`The parameter ${at}.Metric.MetricName must be a string.`);
  const dims = fullDimensions(dimensions(optList(metric, 'Dimensions', `${at}.Metric`), `${at}.Metric.Dimensions`, false));
  const returnData = q.ReturnData !== false;
  const label = optString(q, 'Label', path) ?? name;

  const table = metricsOf(store.api.type);
  const field = namespace === store.namespace && Object.hasOwn(table, name) ? table[name] : undefined;
  const filter = field ? filterOf(store.api, store.detailedMetrics, dims) : undefined;
  const points = field && filter ? store.series(field, filter, statistic, startMs, endMs, periodS! * 1000) : [];
  return { id, label, returnData, points };
}
