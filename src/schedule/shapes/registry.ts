/**
 * The one list of arrival shapes. A new shape is its own file in this folder plus one line here:
 * the scenario validator, the phase types users write (define.ts PhaseInput) and the specs
 * (PhaseSpec), the planner, warm-up and the traffic plan all read this list and nothing else
 * (test/schedule/registry.test.ts). Order is the order error messages list the names in.
 */
import type { PhaseSpecDefinition, SpecBase } from '../shape-definition.ts';
import { burst } from './burst.ts';
import { constant } from './constant.ts';
import { pause } from './pause.ts';
import { poisson } from './poisson.ts';
import { ramp } from './ramp.ts';
import { sine } from './sine.ts';
import { spike } from './spike.ts';
import { steps } from './steps.ts';

export const SHAPES = [constant, poisson, ramp, steps, burst, spike, sine, pause] as const;

type Entry = (typeof SHAPES)[number];

/** A phase as a scenario file writes it (durations as '10s', rates in rps). */
export type PhaseInput = Entry extends infer E ? (E extends { readonly inputType?: infer I } ? NonNullable<I> : never) : never;

/** One phase of the arrival schedule, as planned: durations in ms, rates in rps. */
export type PhaseSpec = Entry extends infer E ? (E extends { readonly spec: PhaseSpecDefinition<infer S> } ? S : never) : never;

/** The names a scenario file may give as `shape`. */
export const INPUT_SHAPE_NAMES: readonly string[] = SHAPES.map((s) => s.name);

/** The names a planned spec may carry (aliases such as poisson and spike expand into these). */
export const SPEC_SHAPE_NAMES: readonly string[] = SHAPES.filter((s) => s.spec !== undefined).map((s) => s.name);

const byName = new Map<string, Entry>(SHAPES.map((s) => [s.name, s]));

/** The input half for a written `shape` name, or undefined. */
export function inputDefinition(name: unknown): Entry | undefined {
  return typeof name === 'string' ? byName.get(name) : undefined;
}

/** The planning half for a spec's shape, or undefined for an unknown (or alias-only) name. */
export function specDefinition(spec: { readonly shape?: unknown }): PhaseSpecDefinition<SpecBase> | undefined {
  const entry = typeof spec.shape === 'string' ? byName.get(spec.shape) : undefined;
  // Each entry's spec half takes exactly the specs that carry its name, which is what was looked up.
  return entry?.spec as PhaseSpecDefinition<SpecBase> | undefined;
}

/**
 * Specs that came out of scenario validation: frozen, and not checked again by the planner, so a
 * phase is validated once (the planner checks only specs handed to it directly).
 */
const validated = new WeakSet<object>();

export function markValidated<S extends SpecBase>(spec: S): S {
  const frozen = Object.freeze(spec);
  validated.add(frozen);
  return frozen;
}

export function isValidated(spec: unknown): boolean {
  return typeof spec === 'object' && spec !== null && validated.has(spec);
}

/** Peak figures of a whole schedule, read from each phase's own shape. */
function each(phases: readonly SpecBase[], figure: (def: PhaseSpecDefinition<SpecBase>, spec: SpecBase) => number): number {
  let peak = 0;
  for (const spec of phases) {
    const def = specDefinition(spec);
    if (def === undefined) throw new TypeError(`phase shape ${JSON.stringify(spec.shape)} is not registered in schedule/shapes/registry.ts`);
    peak = Math.max(peak, figure(def, spec));
  }
  return peak;
}

/** The highest finite intended rate over the phases, rps (instant bursts excluded: see largestInstantCount). */
export function peakRateRpsOf(phases: readonly SpecBase[]): number {
  return each(phases, (def, spec) => def.peakRateRps(spec));
}

/** The largest number of arrivals due at one instant. */
export function largestInstantCount(phases: readonly SpecBase[]): number {
  return each(phases, (def, spec) => def.instantCount(spec));
}

/** At most how many arrivals fall in any window of `windowMs` of one phase, over the phases. */
export function peakCountWithin(phases: readonly SpecBase[], windowMs: number): number {
  return each(phases, (def, spec) => def.peakCountWithin(spec, windowMs));
}
