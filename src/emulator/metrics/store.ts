/**
 * The emulator's AWS/ApiGateway metric store: what the gateway records per request, kept as
 * per-minute aggregates of the finest dimension set (stage, method, resource). Coarser sets
 * (ApiName, ApiName+Stage) and longer periods are merged at query time, so memory grows with
 * minutes x cells, never with requests. The CloudWatch-compatible endpoint (handler.ts) reads it.
 */
import {
  cellMatches, dimensionSetsOf, metricsOf,
  type ApiIdentity, type CellField, type CellFilter, type MetricIdentity,
} from './catalog.ts';
import { flavourOf } from '../../api/flavours.ts';
import { Flags, Values, type Aggregate, type Statistic } from './distribution.ts';

/** One request as the gateway saw it; the emulator calls `record` once per answered request. */
export interface RequestMetric {
  /** Epoch ms the request was received. */
  readonly atWallMs: number;
  readonly stage: string;
  /** The request's HTTP method. */
  readonly method: string;
  /** REST: resource path of the matched route ("/users/{id}"); HTTP API: the matched route key
   *  ("GET /users/{id}"); unmatched: the raw path. */
  readonly resource: string;
  readonly status: number;
  /** Receive to response sent. */
  readonly latencyMs: number;
  /** Null when the integration was not called (throttled, rejected, unmatched). */
  readonly integrationLatencyMs: number | null;
  /** Request + response payload bytes (HTTP API DataProcessed). */
  readonly bytes: number;
}

/** Options of a MetricStore; every field has a default fit for a run of a few hours. */
export interface MetricStoreOptions {
  /** Publish ApiName/ApiId+Method+Resource+Stage too. @default false */
  readonly detailedMetrics?: boolean;
  /** Minutes kept, counted back from the newest recorded minute. @default 1440 */
  readonly retentionMinutes?: number;
  /** Distinct (stage, method, resource) cells per minute; beyond it resources fold into one
   *  "(other)" cell per stage and method, so a scan of random paths cannot grow memory. @default 1000 */
  readonly maxCellsPerMinute?: number;
  /** ListMetrics page size (AWS: 500; tests make it small to exercise paging). @default 500 */
  readonly listMetricsPageSize?: number;
  /** Wall clock for ListMetrics' RecentlyActive. @default Date.now */
  readonly nowWallMs?: () => number;
}

/** One datapoint of a series: the start of its period (epoch ms) and the statistic's value. */
export interface Datapoint {
  readonly atWallMs: number;
  readonly value: number;
}

const MINUTE_MS = 60_000;
const OTHER_RESOURCE = '(other)';

/** The aggregates of one (minute, stage, method, resource). */
class Cell {
  readonly count = new Flags();
  readonly error4xx = new Flags();
  readonly error5xx = new Flags();
  readonly cacheHit = new Flags();
  readonly cacheMiss = new Flags();
  readonly latency = new Values(1000);
  readonly integrationLatency = new Values(1000);
  readonly dataProcessed = new Values(1);

  constructor(readonly stage: string, readonly method: string, readonly resource: string) {}
}

/** A fresh, empty aggregate of the kind `field` uses, to merge cells into. */
function emptyOf(field: CellField): Flags | Values {
  if (field === 'latency' || field === 'integrationLatency') return new Values(1000);
  if (field === 'dataProcessed') return new Values(1);
  return new Flags();
}

/**
 * Per-minute AWS/ApiGateway metrics of one API, with the names and dimension sets AWS uses for
 * its type (REST: ApiName..., HTTP API: ApiId...). Throttled requests emit no IntegrationLatency.
 */
export class MetricStore {
  readonly api: ApiIdentity;
  readonly detailedMetrics: boolean;
  readonly listMetricsPageSize: number;
  readonly nowWallMs: () => number;
  readonly #retentionMinutes: number;
  readonly #maxCells: number;
  /** Whether the flavour publishes cache and payload metrics (only those are recorded). */
  readonly #publishesCache: boolean;
  readonly #publishesBytes: boolean;
  /** minute start (epoch ms) -> cell key -> cell. */
  readonly #minutes = new Map<number, Map<string, Cell>>();
  #newestMinuteMs = -Infinity;
  #recorded = 0;
  /** The last cell written and its minute: consecutive requests mostly hit the same one. */
  #last: { minuteMs: number; cell: Cell } | null = null;

  constructor(api: ApiIdentity, opts: MetricStoreOptions = {}) {
    this.api = Object.freeze({ type: api.type, name: api.name, id: api.id });
    this.detailedMetrics = opts.detailedMetrics ?? false;
    this.listMetricsPageSize = opts.listMetricsPageSize ?? 500;
    this.nowWallMs = opts.nowWallMs ?? Date.now;
    this.#retentionMinutes = opts.retentionMinutes ?? 1440;
    this.#maxCells = opts.maxCellsPerMinute ?? 1000;
    const kinds = new Set(Object.values(metricsOf(api.type)));
    this.#publishesCache = kinds.has('cacheHit') || kinds.has('cacheMiss');
    this.#publishesBytes = kinds.has('dataProcessed');
  }

  /** Requests recorded since the store was created (evicted minutes included). */
  get recordedRequests(): number {
    return this.#recorded;
  }

  /** Adds one answered request to its minute. */
  record(m: RequestMetric): void {
    const cell = this.#cellFor(m);
    this.#recorded += 1;
    cell.count.add(true);
    cell.error4xx.add(m.status >= 400 && m.status < 500);
    cell.error5xx.add(m.status >= 500 && m.status < 600);
    cell.latency.add(m.latencyMs);
    if (m.integrationLatencyMs !== null) cell.integrationLatency.add(m.integrationLatencyMs);
    if (this.#publishesCache) {
      // No cache in the emulator: every request is neither a hit nor a miss, as AWS reports 0s.
      cell.cacheHit.add(false);
      cell.cacheMiss.add(false);
    }
    if (this.#publishesBytes) cell.dataProcessed.add(m.bytes);
  }

  /**
   * One statistic of one metric over [startMs, endMs), one datapoint per period that has data,
   * stamped with the period's start, oldest first. Periods are counted from `startMs` rounded
   * down to the minute; a metric name or dimension set this API does not publish has no data.
   */
  series(field: CellField, filter: CellFilter, stat: Statistic, startMs: number, endMs: number, periodMs: number): Datapoint[] {
    const firstMs = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    const buckets = new Map<number, Flags | Values>();
    for (const minuteMs of this.#sortedMinutes()) {
      if (minuteMs < firstMs || minuteMs >= endMs) continue;
      const atMs = firstMs + Math.floor((minuteMs - firstMs) / periodMs) * periodMs;
      for (const cell of this.#minutes.get(minuteMs)!.values()) {
        if (!cellMatches(filter, cell)) continue;
        let agg = buckets.get(atMs);
        if (!agg) buckets.set(atMs, (agg = emptyOf(field)));
        mergeInto(agg, cell[field]);
      }
    }
    const points: Datapoint[] = [];
    for (const [atWallMs, agg] of buckets) {
      const value = (agg as Aggregate).statistic(stat);
      if (value !== null) points.push({ atWallMs, value });
    }
    return points.sort((a, b) => a.atWallMs - b.atWallMs);
  }

  /**
   * Every metric with data since `sinceMs` (all retained data when undefined), sorted by name
   * and then dimensions, so paging through it is stable.
   */
  metrics(sinceMs?: number): MetricIdentity[] {
    const cells = new Map<string, Required<CellFilter>>();
    for (const [minuteMs, minute] of this.#minutes) {
      if (sinceMs !== undefined && minuteMs + MINUTE_MS <= sinceMs) continue;
      for (const [key, cell] of minute) cells.set(key, cell);
    }
    const out = new Map<string, MetricIdentity>();
    for (const name of Object.keys(metricsOf(this.api.type))) {
      for (const cell of cells.values()) {
        for (const dims of dimensionSetsOf(this.api, this.detailedMetrics, cell)) {
          const id = `${name}\u0000${dims.map((d) => `${d.Name}=${d.Value}`).join('\u0000')}`;
          if (!out.has(id)) out.set(id, { MetricName: name, Dimensions: dims });
        }
      }
    }
    return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
  }

  /** The namespace the store publishes in (the flavour's). */
  get namespace(): 'AWS/ApiGateway' {
    return flavourOf(this.api.type).metrics.namespace;
  }

  #cellFor(m: RequestMetric): Cell {
    const minuteMs = Math.floor(m.atWallMs / MINUTE_MS) * MINUTE_MS;
    const last = this.#last;
    if (last && last.minuteMs === minuteMs && last.cell.stage === m.stage && last.cell.method === m.method && last.cell.resource === m.resource) {
      return last.cell;
    }
    const cell = this.#lookup(m, minuteMs);
    this.#last = { minuteMs, cell };
    return cell;
  }

  #lookup(m: RequestMetric, minuteMs: number): Cell {
    let minute = this.#minutes.get(minuteMs);
    if (!minute) {
      minute = new Map();
      this.#minutes.set(minuteMs, minute);
      if (minuteMs > this.#newestMinuteMs) {
        this.#newestMinuteMs = minuteMs;
        this.#evict();
      }
    }
    let key = `${m.stage}\u0000${m.method}\u0000${m.resource}`;
    let cell = minute.get(key);
    if (cell) return cell;
    let resource = m.resource;
    if (minute.size >= this.#maxCells) {
      resource = OTHER_RESOURCE;
      key = `${m.stage}\u0000${m.method}\u0000${resource}`;
      cell = minute.get(key);
      if (cell) return cell;
    }
    cell = new Cell(m.stage, m.method, resource);
    minute.set(key, cell);
    return cell;
  }

  #evict(): void {
    const oldestKeptMs = this.#newestMinuteMs - (this.#retentionMinutes - 1) * MINUTE_MS;
    for (const minuteMs of this.#minutes.keys()) {
      if (minuteMs >= oldestKeptMs) continue;
      this.#minutes.delete(minuteMs);
      if (this.#last?.minuteMs === minuteMs) this.#last = null;
    }
  }

  #sortedMinutes(): number[] {
    return [...this.#minutes.keys()].sort((a, b) => a - b);
  }
}

function mergeInto(into: Flags | Values, from: Flags | Values): void {
  if (into instanceof Flags && from instanceof Flags) into.merge(from);
  else if (into instanceof Values && from instanceof Values) into.merge(from);
}
