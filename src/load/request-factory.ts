/**
 * The request factory: for each arrival index, which of the scenario's requests to send and
 * with which parameter values. Everything is a pure function of (seed, arrival index), never of
 * call order, so workers owning different arrival indices agree and a rerun sends the same
 * requests.
 */
import { UsageError } from '../errors.ts';
import type { ParamGenerator, RequestSpec } from '../scenario/types.ts';
import { type SeedableRng, createSeedableRng, hashAt, seed32 } from '../schedule/rng.ts';
import type { PreparedRequest, RequestFactory } from './inputs.ts';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** Hash streams per parameter: a uuid needs four 32-bit words. */
const STREAMS_PER_PARAM = 4;
const PLACEHOLDER = /\{([^{}\s]+)\}/g;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A string split at its placeholders: literals[0] value[refs[0]] literals[1] ... */
interface Template {
  readonly literals: readonly string[];
  /** Index into the request's parameter list, per placeholder. */
  readonly refs: readonly number[];
}

interface CompiledRequest {
  readonly spec: RequestSpec;
  readonly generators: readonly ParamGenerator[];
  readonly names: readonly string[];
  /** First hash stream of this request's parameters. */
  readonly streamBase: number;
  readonly path: Template | string;
  /** Shared by every prepared request when no header value has a placeholder. */
  readonly staticHeaders: Record<string, string>;
  readonly headerTemplates: readonly (readonly [string, Template | string])[] | undefined;
  readonly body: Template | string | undefined;
  /** Scratch for this request's parameter values; filled and read inside one prepare(). */
  readonly values: string[];
  /** Per parameter: may its values need URI-encoding in the path (list and function values)? */
  readonly encode: readonly boolean[];
}

/**
 * Compiles `text` against the request's parameters. A `{name}` without a generator is not a
 * placeholder and stays as written (so JSON bodies such as `{"a":1}` pass through). Returns the
 * string itself when nothing needs filling.
 */
function compile(text: string, names: readonly string[]): Template | string {
  const literals: string[] = [];
  const refs: number[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const ref = names.indexOf(match[1]!);
    if (ref < 0) continue;
    literals.push(text.slice(last, match.index));
    refs.push(ref);
    last = match.index! + match[0].length;
  }
  if (refs.length === 0) return text;
  literals.push(text.slice(last));
  return { literals, refs };
}

function fill(template: Template | string, values: readonly string[], encode: readonly boolean[] | undefined): string {
  if (typeof template === 'string') return template;
  const { literals, refs } = template;
  let out = literals[0]!;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const value = values[ref]!;
    out += (encode?.[ref] ? encodeURIComponent(value) : value) + literals[i + 1]!;
  }
  return out;
}

function compileRequest(spec: RequestSpec, streamBase: number): CompiledRequest {
  const names = Object.keys(spec.params);
  const generators = names.map((name) => spec.params[name]!);
  const headerEntries = Object.entries(spec.headers).map(([k, v]) => [k, compile(v, names)] as const);
  const dynamicHeaders = headerEntries.some(([, v]) => typeof v !== 'string');
  return {
    spec,
    generators,
    names,
    streamBase,
    path: compile(spec.path, names),
    staticHeaders: { ...spec.headers },
    headerTemplates: dynamicHeaders ? headerEntries : undefined,
    body: spec.body === undefined ? undefined : compile(spec.body, names),
    values: new Array<string>(names.length).fill(''),
    encode: generators.map((g) => g.type === 'list' || g.type === 'function'),
  };
}

/** u in [0, 1) with 53 bits from two hash words. */
function unit53(seedWord: number, index: number, stream: number): number {
  const hi = hashAt(seedWord, index, stream) >>> 5;
  const lo = hashAt(seedWord, index, stream + 1) >>> 6;
  return (hi * 67108864 + lo) / TWO_POW_53;
}

function hex16(word: number): string {
  return HEX[(word >>> 8) & 255]! + HEX[word & 255]!;
}

/** A version-4 UUID (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx) from four hash words: 122 random bits. */
function uuidAt(seedWord: number, index: number, stream: number): string {
  const w0 = hashAt(seedWord, index, stream);
  const w1 = (hashAt(seedWord, index, stream + 1) & 0xffff0fff) | 0x00004000;
  const w2 = (hashAt(seedWord, index, stream + 2) & 0x3fffffff) | 0x80000000;
  const w3 = hashAt(seedWord, index, stream + 3);
  return `${hex16(w0 >>> 16)}${hex16(w0)}-${hex16(w1 >>> 16)}-${hex16(w1)}-${hex16(w2 >>> 16)}-${hex16(w2)}${hex16(w3 >>> 16)}${hex16(w3)}`;
}

/**
 * A factory over the scenario's requests. Per arrival index it picks a request with probability
 * weight / Σ weights and fills its `{param}` placeholders in path (URI-encoded), header values
 * and body (as is). A parameter used in several places has one value per request. Generators:
 * - int: uniform integer in [min, max];
 * - uuid: a random version-4 UUID;
 * - list: one of `values`, uniformly;
 * - sequence: start + arrival index (unique across the run and across workers);
 * - function: fn({ index, random }) with `random` seeded by (seed, index, parameter); `random`
 *   is valid during the call only (it is re-seeded for the next one).
 * Values from int, uuid and sequence are URI-safe; list and function values are encoded in paths.
 */
export function createRequestFactory(requests: readonly RequestSpec[], seed: number): RequestFactory {
  if (requests.length === 0) throw UsageError.invalid(undefined, 'requests', [], 'at least one request');
  const cumulative = new Float64Array(requests.length);
  let totalWeight = 0;
  requests.forEach((r, i) => {
    if (!(Number.isFinite(r.weight) && r.weight >= 0)) {
      throw UsageError.invalid(undefined, `requests[${i}].weight`, r.weight, 'a finite number >= 0');
    }
    totalWeight += r.weight;
    cumulative[i] = totalWeight;
  });
  if (!(totalWeight > 0)) throw UsageError.invalid(undefined, 'requests', 'all weights 0', 'at least one weight > 0');
  let stream = 1;
  const compiled = requests.map((spec) => {
    const c = compileRequest(spec, stream);
    stream += STREAMS_PER_PARAM * c.names.length;
    return c;
  });
  return new WeightedFactory(compiled, cumulative, seed32(seed));
}

class WeightedFactory implements RequestFactory {
  readonly #requests: readonly CompiledRequest[];
  readonly #cumulative: Float64Array;
  readonly #seedWord: number;
  /** Re-seeded per call of a function generator, so its `random` allocates nothing. */
  readonly #rng: SeedableRng = createSeedableRng(0);

  constructor(requests: readonly CompiledRequest[], cumulative: Float64Array, seedWord: number) {
    this.#requests = requests;
    this.#cumulative = cumulative;
    this.#seedWord = seedWord;
  }

  prepare(arrivalIndex: number): PreparedRequest {
    const requestIndex = this.#pick(arrivalIndex);
    const r = this.#requests[requestIndex]!;
    for (let p = 0; p < r.generators.length; p++) {
      r.values[p] = this.#value(r, p, arrivalIndex, requestIndex);
    }
    return {
      requestIndex,
      method: r.spec.method,
      path: fill(r.path, r.values, r.encode),
      headers: r.headerTemplates ? fillHeaders(r.headerTemplates, r.values) : r.staticHeaders,
      body: r.body === undefined ? undefined : fill(r.body, r.values, undefined),
    };
  }

  #pick(arrivalIndex: number): number {
    const n = this.#cumulative.length;
    if (n === 1) return 0;
    const target = (hashAt(this.#seedWord, arrivalIndex, 0) / TWO_POW_32) * this.#cumulative[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  #value(r: CompiledRequest, p: number, index: number, requestIndex: number): string {
    const gen = r.generators[p]!;
    const stream = r.streamBase + STREAMS_PER_PARAM * p;
    switch (gen.type) {
      case 'int':
        return String(gen.min + Math.floor(unit53(this.#seedWord, index, stream) * (gen.max - gen.min + 1)));
      case 'uuid':
        return uuidAt(this.#seedWord, index, stream);
      case 'list':
        return gen.values[Math.floor((hashAt(this.#seedWord, index, stream) / TWO_POW_32) * gen.values.length)]!;
      case 'sequence':
        return String(gen.start + index);
      case 'function':
        return this.#call(gen.fn, index, stream, `requests[${requestIndex}].params.${r.names[p]}`);
    }
  }

  #call(fn: Extract<ParamGenerator, { type: 'function' }>['fn'], index: number, stream: number, field: string): string {
    this.#rng.reseed(hashAt(this.#seedWord, index, stream));
    try {
      return String(fn({ index, random: this.#rng.random }));
    } catch (err) {
      throw new UsageError(`${field}: the function threw for arrival ${index}: ${err instanceof Error ? err.message : String(err)}`, { field });
    }
  }
}

function fillHeaders(entries: readonly (readonly [string, Template | string])[], values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, template] of entries) headers[name] = fill(template, values, undefined);
  return headers;
}
