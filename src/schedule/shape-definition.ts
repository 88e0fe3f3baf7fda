/**
 * What one arrival shape declares, in its one file under schedule/shapes/: the fields a scenario
 * file gives it, how those are read and checked, the spec it becomes, the rate curve it plans and
 * the peak figures that size warm-up and the traffic plan. The registry (shapes/registry.ts) is
 * the only list of shapes; nothing else names them (test/schedule/registry.test.ts).
 */
import type { ZodType } from 'zod';
import type { Where } from '../validate.ts';
import type { Shape } from './shape.ts';

/** Evenly spaced arrivals, or a Poisson process with the same rate curve (seeded). */
export type Spacing = 'uniform' | 'poisson';

/** A duration: `'500ms'`, `'10s'`, `'2m'`, `'1m30s'`, or a number of seconds. */
export type DurationInput = string | number;

/** Every phase spec has a shape name and a length; the rest is the shape's own. */
export interface SpecBase {
  readonly shape: string;
  readonly durationMs: number;
}

/**
 * Readers over one phase as a scenario file wrote it (scenario/validate.ts builds them, with the
 * caps of scenario/caps.ts): each returns the value or throws a UsageError naming the file, the
 * field (`phases[2].rateRps`) and the value.
 */
export interface PhaseReaders {
  /** `arrivals` ('uniform' when absent), read before any other field. */
  readonly arrivals: Spacing;
  /** A rate in rps, from 0 to the rate cap. */
  rate(key: string): number;
  /** A duration > 0 within the phase cap, in ms. */
  duration(key: string): number;
  /** A duration >= 0 within the phase cap, in ms; `fallbackMs` when the field is absent (required when no fallback). */
  durationOr(key: string, fallbackMs?: number): number;
  /** An integer in [min, max]. */
  integer(key: string, min: number, max: number): number;
  /** A number in [min, max]. */
  number(key: string, min: number, max: number): number;
  /** Refuses the field's value with `expected`. */
  refuse(key: string, expected: string): never;
  /** The caps a shape may need beyond rates and durations. */
  readonly caps: { readonly burstCount: number; readonly steps: number };
}

/**
 * The kinds of field a shape is written with, as zod schemas (schema/scenario.ts builds them with
 * the caps): what the JSON Schema publishes and what a document is checked against before the
 * readers build it.
 */
export interface FieldKinds {
  readonly rate: ZodType;
  readonly duration: ZodType;
  readonly arrivals: ZodType;
  integer(min: number, max: number): ZodType;
  number(min: number): ZodType;
  readonly caps: { readonly burstCount: number; readonly steps: number };
}

/** The part of a shape that a scenario file writes: its fields and how they become specs. */
export interface PhaseInputDefinition<Name extends string, Input extends { shape: Name }, Out extends SpecBase> {
  readonly name: Name;
  /** The fields besides `shape`, in the order they are read (unknown ones are refused). */
  readonly inputFields: readonly (Exclude<keyof Input, 'shape'> & string)[];
  /** The same fields as schemas (optional ones `.optional()`), for the JSON Schema and the document check. */
  fields(kinds: FieldKinds): { readonly [K in Exclude<keyof Input, 'shape'>]-?: ZodType };
  /** The phase as written -> its validated spec(s); a spike becomes base, peak, base. */
  fromInput(read: PhaseReaders): Out[];
  /** A phase as a user would write it, for the registry's own tests and the docs. */
  readonly example: Input;
  /** Phantom: the TypeScript type of the written phase (define.ts's PhaseInput is their union). */
  readonly inputType?: Input;
}

/** The planning half: a spec (times in ms, rates in rps) and what the schedule and warm-up need. */
export interface PhaseSpecDefinition<Spec extends SpecBase> {
  /**
   * The rate curve. With `check`, the spec was given directly (library callers, throttle/probe.ts)
   * and is checked first, naming `phases[i].field`; specs that came through scenario validation
   * are built without (registry.ts).
   */
  build(spec: Spec, check?: Where): Shape;
  /** How arrivals are spaced along the curve (checked too when `check` is given). */
  spacing(spec: Spec, check?: Where): Spacing;
  /** The highest finite intended rate, rps (0 for an instant burst or a pause). */
  peakRateRps(spec: Spec): number;
  /** Arrivals due at one instant (an instant burst's count; 0 for every rate curve). */
  instantCount(spec: Spec): number;
  /** At most how many arrivals fall in any window of `windowMs` (sizes warm connections). */
  peakCountWithin(spec: Spec, windowMs: number): number;
}

/** One shape: a name users write, and (unless it is an alias that expands into others) its spec half. */
export type ShapeDefinition<Name extends string, Input extends { shape: Name }, Out extends SpecBase, Spec extends SpecBase | never = never> =
  PhaseInputDefinition<Name, Input, Out> & ([Spec] extends [never] ? { readonly spec?: undefined } : { readonly spec: PhaseSpecDefinition<Spec> });

/** A rate shape's `peakCountWithin`: the peak rate held for the whole window (an upper bound). */
export function rateHeldFor(peakRateRps: number, windowMs: number): number {
  return (peakRateRps * windowMs) / 1000;
}
