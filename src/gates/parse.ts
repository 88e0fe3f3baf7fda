/**
 * The gate grammar (as k6's thresholds parser, with result.json names and units):
 *
 * ```
 * gate     ::= metric [ selector ] op value [ "in" "every" duration [ "after" duration ] ]
 * metric   ::= name ( "." name )*          ; one of the names in gates/metrics.ts (docs/gates.md)
 * selector ::= "{" "route" ":" ( '"' text '"' | "'" text "'" | text ) "}"   ; one route (gates/route-metrics.ts)
 * op       ::= "<" | "<=" | ">" | ">=" | "==" | "!="
 * value    ::= number [ unit ] | word       ; word: an enum metric's value (pass, fail, ok, ...)
 * unit     ::= "ms" | "s" | "us" | "µs" | "m"   ; latency metrics (a bare number is ms)
 *            | "%"                              ; rate metrics (a bare number is a share 0..1)
 *            | "rps"                            ; rate-per-second metrics
 * duration ::= number ( "ms" | "s" | "m" | "h" )   ; whole seconds, since the timeline is per second
 * number   ::= [ "-" ] digit+ [ "." digit+ ]
 * ```
 *
 * `latency.p99 < 300ms in every 10s after 30s` cuts the run into windows [30 s, 40 s), [40 s,
 * 50 s), ... by send time and requires the gate of each window that holds data.
 * Errors are one line that quotes the gate and points at the bad token:
 * `scenario.ts: gates[1]: gate "latency.p99 <> 250ms": at column 14: '>': expected a value`.
 */
import { UsageError } from '../errors.ts';
import type { GateSpec } from '../scenario/types.ts';
import { METRICS, metricByName, type MetricDef } from './metrics.ts';
import { PER_ROUTE_METRICS, perRouteMetric } from './route-metrics.ts';

/** A comparison operator of the grammar. */
export type GateOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed gate: what to read, how to compare it, and over what window. */
export interface Gate {
  /** The expression as written (trimmed). */
  readonly source: string;
  readonly metric: string;
  readonly op: GateOp;
  /** In the metric's unit: ms, a share 0..1, a count, rps; or an enum word. */
  readonly value: number | string;
  /** `< 250ms`, as the user wrote the threshold. */
  readonly threshold: string;
  /** Per-window: windows of `everyS` seconds, starting `afterS` seconds into the run. */
  readonly window?: { readonly everyS: number; readonly afterS: number };
  /** Stop the run as soon as this gate can no longer pass (see evaluate.ts abortCheck). */
  readonly abortOnFail: boolean;
  /** Only the requests of this route (a request `name`): `latency.p99{route:"GET /orders"}`. */
  readonly route?: string;
  /** Where it was written (`scenario.ts: gates[1]`, `--gate`), for later errors about it. */
  readonly from?: string;
}

interface Token {
  readonly kind: 'name' | 'number' | 'op' | 'other';
  readonly text: string;
  /** For numbers: the number and the unit written right after it. */
  readonly num?: number;
  readonly unit?: string;
  /** 1-based column in the source. */
  readonly column: number;
}

const TIME_UNITS_MS: Record<string, number> = { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001, m: 60_000 };
const WINDOW_UNITS_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

function tokenize(source: string, fail: (column: number, text: string, why: string) => never): Token[] {
  const re = /\s*(?:(-?\d+(?:\.\d+)?)([A-Za-zµ%]*)|([A-Za-z_][A-Za-z0-9_.]*(?:-[A-Za-z0-9_.]+)*)|(<=|>=|==|!=|<|>)|(\S+?(?=\s|$|[<>=!])|\S))/gy;
  const tokens: Token[] = [];
  let m: RegExpExecArray | null;
  while (re.lastIndex < source.length && (m = re.exec(source)) !== null) {
    const text = m[0].trimStart();
    const column = m.index + (m[0].length - text.length) + 1;
    if (text === '') break;
    if (m[1] !== undefined) tokens.push({ kind: 'number', text, num: Number(m[1]), unit: m[2], column });
    else if (m[3] !== undefined) tokens.push({ kind: 'name', text, column });
    else if (m[4] !== undefined) tokens.push({ kind: 'op', text, column });
    else if (text.startsWith('=')) fail(column, text, "use '==' to compare");
    else tokens.push({ kind: 'other', text, column });
  }
  return tokens;
}

/** The closest known metric name, for "did you mean". */
function suggest(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 3)) + 1;
  for (const known of METRICS.keys()) {
    const d = editDistance(name, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Where a gate came from, for the error message: the scenario file and field, or `--gate`. */
export interface GateSource {
  readonly file?: string;
  readonly field?: string;
}

/**
 * Parses one gate expression. Throws a UsageError (exit 2) quoting the input and pointing at the
 * bad token ("at column N: 'xyz': why").
 */
export function parseGate(source: string, where: GateSource = {}, abortOnFail = false): Gate {
  const written = source.trim();
  const prefix = [where.file, where.field].filter(Boolean).join(': ');
  const fail = (column: number, token: string, why: string): never => {
    const at = column > written.length ? 'at the end' : `at column ${column}: '${token}'`;
    throw new UsageError(`${prefix ? `${prefix}: ` : ''}gate ${JSON.stringify(written)}: ${at}: ${why}`, { file: where.file, field: where.field });
  };
  // The selector is read apart and blanked out, so the tokens after it keep their columns.
  const selector = readSelector(written, fail);
  const text = selector ? written.slice(0, selector.from) + ' '.repeat(selector.to - selector.from) + written.slice(selector.to) : written;
  const tokens = tokenize(text, fail);
  let i = 0;
  const end: Token = { kind: 'other', text: '', column: text.length + 1 };
  const next = (): Token => tokens[i++] ?? end;
  const peek = (): Token => tokens[i] ?? end;

  const metricTok = next();
  if (metricTok.kind !== 'name') fail(metricTok.column, metricTok.text, 'expected a metric name such as latency.p99 (see docs/gates.md)');
  const metric = metricByName(metricTok.text) ?? shareShorthand(metricTok, tokens[i + 1], fail);
  if (!metric) {
    const hint = suggest(metricTok.text);
    return fail(metricTok.column, metricTok.text, `unknown metric${hint ? ` (did you mean ${hint}?)` : ' (see docs/gates.md for the names)'}`);
  }
  if (selector && !perRouteMetric(metric.name)) {
    fail(selector.from + 1, written.slice(selector.from, selector.to), `${metric.name} is not recorded per route (per route: ${PER_ROUTE_METRICS})`);
  }
  const opTok = next();
  if (opTok.kind !== 'op') fail(opTok.column, opTok.text, 'expected a comparison: < <= > >= == !=');
  const op = opTok.text as GateOp;
  const valueTok = next();
  const value = readValue(metric, opTok, valueTok, fail);
  const threshold = `${op} ${valueTok.text}`;

  const after = peek();
  if (after.kind !== 'number' && after.text !== '' && (after.text in TIME_UNITS_MS || after.text === '%' || after.text === 'rps')) {
    fail(after.column, after.text, `write the unit right after the number (${valueTok.text}${after.text})`);
  }
  let window: Gate['window'];
  if (after !== end) window = readWindow(metric, next, fail);
  const extra = peek();
  if (extra !== end) fail(extra.column, extra.text, 'unexpected text after the gate');
  return Object.freeze({
    source: written, metric: metric.name, op, value, threshold, window, abortOnFail,
    ...(selector ? { route: selector.route } : {}), ...(prefix ? { from: prefix } : {}),
  });
}

/**
 * `requests.failed{route:"POST /pay"} < 1%`, as k6 users write `http_req_failed`: a count/rate
 * pair named without its suffix is the rate when the value is a percentage; anything else is
 * ambiguous, so the error names both.
 */
function shareShorthand(metricTok: Token, valueTok: Token | undefined, fail: Fail): MetricDef | undefined {
  const rate = metricByName(`${metricTok.text}.rate`);
  if (!rate || !metricByName(`${metricTok.text}.count`)) return undefined;
  if (valueTok?.kind === 'number' && valueTok.unit === '%') return rate;
  return fail(metricTok.column, metricTok.text, `write ${metricTok.text}.rate (a share: 1%) or ${metricTok.text}.count (a number)`);
}

/** `{route:"GET /orders"}` right after the metric name: the route and the span it covers. */
function readSelector(text: string, fail: Fail): { route: string; from: number; to: number } | undefined {
  const head = /^([A-Za-z_][A-Za-z0-9_.]*)\s*\{/.exec(text);
  if (!head) return undefined;
  const from = head[0].length - 1;
  const body = /^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^}"']*))\s*\}/.exec(text.slice(from));
  if (!body) return fail(from + 1, '{', 'expected a selector such as {route:"GET /orders"} (with its closing })');
  const [whole, key, doubleQuoted, singleQuoted, bare] = body;
  if (key !== 'route') fail(from + 2, key, `unknown selector (a gate selects one route: {route:"GET /orders"})`);
  const route = (doubleQuoted ?? singleQuoted)?.replace(/\\(.)/g, '$1') ?? bare.trim();
  if (route === '') fail(from + 1, whole, 'expected a route name, the request name as in the scenario: {route:"GET /orders"}');
  return { route, from, to: from + whole.length };
}

type Fail = (column: number, token: string, why: string) => never;

function readValue(metric: MetricDef, opTok: Token, tok: Token, fail: Fail): number | string {
  if (metric.kind === 'enum') {
    const words = metric.words ?? [];
    if (opTok.text !== '==' && opTok.text !== '!=') fail(opTok.column, opTok.text, `${metric.name} is compared with == or != (${words.join(' | ')})`);
    if (tok.kind !== 'name' || !words.includes(tok.text)) fail(tok.column, tok.text, `expected one of ${words.join(', ')}`);
    return tok.text;
  }
  if (tok.kind !== 'number' || tok.num === undefined) return fail(tok.column, tok.text, `expected a number${unitHint(metric)}`);
  const unit = tok.unit ?? '';
  const bad = (): never => fail(tok.column, tok.text, `${metric.name} takes ${unitHint(metric).replace(/^ /, '') || 'a plain number'}`);
  switch (metric.kind) {
    case 'ms':
      if (!(unit in TIME_UNITS_MS)) bad();
      return tok.num * TIME_UNITS_MS[unit];
    case 'ratio':
      if (unit === '%') return tok.num / 100;
      if (unit !== '' || tok.num < 0 || tok.num > 1) bad();
      return tok.num;
    case 'rps':
      if (unit !== '' && unit !== 'rps') bad();
      return tok.num;
    default:
      if (unit !== '') bad();
      return tok.num;
  }
}

function unitHint(metric: MetricDef): string {
  switch (metric.kind) {
    case 'ms': return ' with a time unit (250ms, 0.3s)';
    case 'ratio': return ' as a percentage (1%) or a share 0..1 (0.01)';
    case 'rps': return ' (requests per second, e.g. 100 or 100rps)';
    default: return '';
  }
}

function readWindow(metric: MetricDef, next: () => Token, fail: Fail): { everyS: number; afterS: number } {
  const inTok = next();
  if (inTok.text !== 'in') fail(inTok.column, inTok.text, "unexpected text after the gate (a window is written 'in every 10s [after 30s]')");
  if (!metric.window) fail(inTok.column, inTok.text, `${metric.name} has no per-second data, so it cannot be gated per window (docs/gates.md lists which can)`);
  const everyTok = next();
  if (everyTok.text !== 'every') fail(everyTok.column, everyTok.text, "expected 'every' (in every 10s)");
  const everyS = readSeconds(next(), fail, 1);
  let afterS = 0;
  const afterTok = next();
  if (afterTok.text === 'after') afterS = readSeconds(next(), fail, 0);
  else if (afterTok.text !== '') fail(afterTok.column, afterTok.text, "expected 'after' or the end of the gate");
  return { everyS, afterS };
}

function readSeconds(tok: Token, fail: Fail, min: number): number {
  const unitS = WINDOW_UNITS_S[tok.unit ?? ''];
  if (tok.kind !== 'number' || tok.num === undefined || unitS === undefined) return fail(tok.column, tok.text, 'expected a duration such as 10s or 1m');
  const s = tok.num * unitS;
  if (!Number.isInteger(Math.round(s * 1e6) / 1e6) || s < min) fail(tok.column, tok.text, `expected whole seconds${min > 0 ? ' >= 1' : ''} (the timeline is per second)`);
  return Math.round(s);
}

/** Gates from a scenario's `gates` (field `gates[i]`) followed by `--gate` flags (field `--gate`). */
export function parseGates(specs: readonly GateSpec[], flags: readonly string[], file?: string): Gate[] {
  return [
    ...specs.map((s, i) => parseGate(s.expr, { file, field: `gates[${i}]` }, s.abortOnFail)),
    ...flags.map((f) => parseGate(f, { field: '--gate' })),
  ];
}

/** `every 10s after 30s`, how a window appears in verdicts and reports. */
export function windowText(window: NonNullable<Gate['window']>): string {
  return `every ${window.everyS}s${window.afterS > 0 ? ` after ${window.afterS}s` : ''}`;
}
