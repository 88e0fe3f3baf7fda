/**
 * In-process properties of every reader of untrusted input (many cases, fast): it returns a
 * value or throws a LoadgateError with one line and exit code 2; never anything else. A result
 * file that passes validation also renders in every format (else `report` would crash, exit 4).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoadgateError } from '../../src/errors.ts';
import { parseGate } from '../../src/gates/parse.ts';
import { renderers } from '../../src/report/render.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { parseLimits } from '../../src/core/limits.ts';
import { gateArb, limitsArb, nasty, resultArb, scenarioArb } from './generators.ts';

/** Runs `read`; a throw must be a one-line usage error. */
function oneLineOrValue<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (!isLoadgateError(err)) throw new Error(`not a LoadgateError: ${(err as Error)?.stack ?? String(err)}`);
    expect(err.exitCode).toBe(2);
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.message.length).toBeLessThan(600);
    return undefined;
  }
}

const RUNS = 300;

describe('readers of untrusted input never crash', () => {
  it('validateScenario: a scenario or one line', () => {
    fc.assert(fc.property(fc.oneof(scenarioArb('http://127.0.0.1:9'), nasty), (raw) => {
      oneLineOrValue(() => validateScenario(raw, 'fuzz.json'));
    }), { numRuns: RUNS * 2, seed: 12 });
  });

  it('parseLimits: limits or one line', () => {
    fc.assert(fc.property(fc.oneof(limitsArb, nasty), (raw) => {
      oneLineOrValue(() => parseLimits(raw, 'limits.json'));
    }), { numRuns: RUNS, seed: 12 });
  });

  it('parseGate: a gate or one line that quotes it', () => {
    fc.assert(fc.property(gateArb, (source) => {
      oneLineOrValue(() => parseGate(source, { file: 'fuzz.json', field: 'gates[0]' }));
    }), { numRuns: RUNS * 2, seed: 12 });
  });

  it('validateResult: a result that renders in every format, or one line naming the field', () => {
    let valid = 0;
    fc.assert(fc.property(resultArb, (raw) => {
      const result = oneLineOrValue(() => validateResult(raw, 'result.json'));
      if (!result) return;
      valid += 1;
      // A validated result must render; a renderer's own UsageError (a bad histogram) is fine.
      for (const render of [renderers.markdown, renderers.html, renderers.terminal, renderers.json, renderJunit]) oneLineOrValue(() => render(result));
    }), { numRuns: RUNS * 2, seed: 12 });
    expect(valid).toBeGreaterThan(RUNS / 5); // the generator also reaches the renderers
  });
});
