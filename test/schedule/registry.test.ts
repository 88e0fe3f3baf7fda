/**
 * The shape registry is the only list of shapes: every registered shape validates from a file,
 * plans, and reports a peak that bounds its own arrivals (so warm-up and the traffic plan never
 * see 0 for a shape that sends), nothing outside schedule/shapes/ branches on a shape name, and a
 * shape missing a part does not type-check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { peakRateRps, warmConnectionsFor } from '../../src/load/warm-up.ts';
import { trafficPlanOf } from '../../src/cli/consent.ts';
import type { PhaseInput } from '../../src/scenario/define.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { arrivalCursor } from '../../src/schedule/arrivals.ts';
import { planOf } from '../../src/schedule/plan.ts';
import type { ShapeDefinition } from '../../src/schedule/shape-definition.ts';
import { ConstantShape, type ConstantInput, type ConstantSpec } from '../../src/schedule/shapes/constant.ts';
import { jsonSchemaOf } from '../../src/schema/json-schemas.ts';
import { INPUT_SHAPE_NAMES, SHAPES, specDefinition } from '../../src/schedule/shapes/registry.ts';

const scenarioOf = (phase: unknown) => validateScenario({ name: 'registry', phases: [phase] }, 'scenarios/registry.json');

describe.each(SHAPES.map((s) => [s.name, s] as const))('registered shape %s', (name, definition) => {
  const scenario = scenarioOf(definition.example);
  const plan = planOf(scenario.phases);

  it('validates its own example from a scenario file and plans it', () => {
    expect(scenario.phases.length).toBeGreaterThan(0);
    expect(plan.durationMs).toBeGreaterThan(0);
    for (const spec of scenario.phases) expect(specDefinition(spec), `${name} planned as an unregistered ${spec.shape}`).toBeDefined();
  });

  it('has a peak that bounds its own arrivals (warm-up and the traffic plan see it)', () => {
    const arrivals = [...iterate(arrivalCursor(plan, 1))].length;
    // Poisson phases give the expected count only on average.
    if (plan.phases.every((p) => p.spacing === 'uniform')) expect(arrivals).toBe(plan.expectedArrivals);
    if (name === 'pause') {
      expect(arrivals).toBe(0);
      return;
    }
    expect(arrivals).toBeGreaterThan(0);
    expect(peakRateRps(scenario.phases)).toBeGreaterThan(0);
    const traffic = trafficPlanOf(scenario.phases, plan.expectedArrivals);
    expect(traffic.peakRps + traffic.largestBurst).toBeGreaterThan(0);
    // No phase can hold more arrivals than its peak over its whole length.
    for (const [i, p] of plan.phases.entries()) {
      const spec = scenario.phases[i]!;
      const def = specDefinition(spec)!;
      expect(def.peakCountWithin(spec, spec.durationMs) + 1e-9).toBeGreaterThanOrEqual(p.count);
      expect(def.instantCount(spec) + (def.peakRateRps(spec) * spec.durationMs) / 1000 + 1e-9).toBeGreaterThanOrEqual(p.count);
    }
    expect(warmConnectionsFor(scenario.phases, 1_000_000)).toBeGreaterThanOrEqual(8);
  });

  it('publishes exactly the fields it reads, in schemas/scenario.schema.json', () => {
    const entry = findPhaseSchema(jsonSchemaOf('scenario'), name);
    expect(Object.keys(entry?.properties ?? {})).toEqual(['shape', ...definition.inputFields]);
  });

  it('refuses a field it does not declare, naming it', () => {
    expect(() => scenarioOf({ ...definition.example, bogus: 1 })).toThrow(/^scenarios\/registry\.json: phases\[0\]\.bogus/);
  });
});

/** The published schema of one shape's phase: the object whose `shape` is that constant. */
function findPhaseSchema(node: unknown, name: string): { properties?: Record<string, unknown> } | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const props = (node as { properties?: { shape?: { const?: unknown } } }).properties;
  if (props?.shape?.const === name) return node as { properties: Record<string, unknown> };
  for (const child of Object.values(node)) {
    const found = findPhaseSchema(child, name);
    if (found) return found;
  }
  return undefined;
}

function* iterate(cursor: { next(): number }): Generator<number> {
  for (let t = cursor.next(); t !== Infinity; t = cursor.next()) yield t;
}

describe('the registry is the only list', () => {
  it('the validator offers exactly the registered names', () => {
    expect(() => scenarioOf({ shape: 'square', duration: '1s' })).toThrow(`(expected one of ${SHAPES.map((s) => s.name).join(', ')})`);
    expect(INPUT_SHAPE_NAMES).toEqual(SHAPES.map((s) => s.name));
  });

  it('the phase type users write covers every registered name, and only those', () => {
    type Registered = (typeof SHAPES)[number]['name'];
    const exhaustive: Record<Registered, true> = { constant: true, poisson: true, ramp: true, steps: true, burst: true, spike: true, sine: true, pause: true };
    const written: Record<PhaseInput['shape'], true> = exhaustive;
    expect(Object.keys(written).sort()).toEqual([...INPUT_SHAPE_NAMES].sort());
  });

  it('no source file outside schedule/shapes/ branches on a shape name', () => {
    const names = SHAPES.map((s) => s.name).join('|');
    const branch = new RegExp(`shape\\s*[!=]==?\\s*['"](${names})['"]|case\\s+['"](${names})['"]`);
    const offenders = sourceFiles('src').filter((f) => !f.startsWith(join('src', 'schedule', 'shapes')) && branch.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('a shape missing a part does not type-check', () => {
    const missingPeak: ShapeDefinition<'flat', { shape: 'flat'; duration: string }, ConstantSpec, ConstantSpec> = {
      name: 'flat',
      inputFields: ['duration'],
      fields: (k) => ({ duration: k.duration }),
      example: { shape: 'flat', duration: '1s' },
      fromInput: (read) => [{ shape: 'constant', rateRps: 1, durationMs: read.duration('duration'), arrivals: 'uniform' }],
      // @ts-expect-error: no peakRateRps, so warm-up could not size for it
      spec: { build: (s) => new ConstantShape(s.rateRps, s.durationMs), spacing: () => 'uniform', instantCount: () => 0, peakCountWithin: () => 1 },
    };
    // @ts-expect-error: an input field the written type does not have
    const wrongField: ShapeDefinition<'constant', ConstantInput, ConstantSpec> = { name: 'constant', inputFields: ['rate'], fields: (k) => ({ rateRps: k.rate, duration: k.duration, arrivals: k.arrivals }), example: { shape: 'constant', rateRps: 1, duration: 1 }, fromInput: () => [] };
    // @ts-expect-error: a field without its schema would be missing from schemas/scenario.schema.json
    const missingSchema: ShapeDefinition<'constant', ConstantInput, ConstantSpec> = { name: 'constant', inputFields: ['rateRps', 'duration'], fields: (k) => ({ rateRps: k.rate, duration: k.duration }), example: { shape: 'constant', rateRps: 1, duration: 1 }, fromInput: () => [] };
    expect([missingPeak, wrongField, missingSchema]).toHaveLength(3);
  });
});

describe('phases are validated once', () => {
  it('the planner does not check again what scenario validation produced, and checks what it is handed directly', () => {
    const check = vi.spyOn(ConstantShape, 'of');
    try {
      const scenario = scenarioOf({ shape: 'spike', baseRps: 10, peakRps: 50, duration: '3s', spikeAt: '1s', spikeDuration: '1s' });
      planOf(scenario.phases);
      expect(check).not.toHaveBeenCalled();
      planOf(scenario.phases.map((p) => ({ ...p })));
      expect(check).toHaveBeenCalledTimes(3);
    } finally {
      check.mockRestore();
    }
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
