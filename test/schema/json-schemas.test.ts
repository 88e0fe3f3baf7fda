/**
 * The published JSON Schemas are the zod definitions that check each document: the committed
 * files are what the definitions generate, and a real JSON Schema validator (ajv, draft 2020-12)
 * gives the same verdict as loadgate on the repo's own files and on broken ones. The rules JSON
 * Schema cannot state are listed as such (ajv accepts, loadgate refuses), so none goes unnoticed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ajvModule from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseEmulatorConfig } from '../../src/emulator/config.ts';
import { isLoadgateError } from '../../src/errors.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { parseLimitsDocument } from '../../src/cli/scenario-flags.ts';
import { loadRawScenario } from '../../src/scenario/load.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { DOCUMENTS, jsonSchemaOf, jsonSchemaText, type DocumentName } from '../../src/schema/json-schemas.ts';
import { SHAPES } from '../../src/schedule/shapes/registry.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

// ajv is CommonJS: its class is the namespace's default export.
const Ajv2020 = (ajvModule as unknown as { default: typeof ajvModule.Ajv2020 }).default;
const ajv = new Ajv2020({ strict: false, allErrors: false });
const validators = Object.fromEntries(Object.keys(DOCUMENTS).map((name) => [name, ajv.compile(jsonSchemaOf(name as DocumentName))]));

/** loadgate's own verdict before any traffic: what `run`, `emulator`, `--limits` and `report` check. */
const loadgate: Record<DocumentName, (raw: unknown) => unknown> = {
  scenario: (raw) => {
    validateScenario(raw, 'x.json');
    // An embedded emulator config is checked in full before the emulator starts (target.ts).
    const emulator = (raw as { emulator?: unknown }).emulator;
    if (emulator !== undefined) parseEmulatorConfig(emulator, 'x.json', 'emulator');
  },
  'emulator-config': (raw) => parseEmulatorConfig(raw, 'emu.json'),
  limits: (raw) => parseLimitsDocument(raw, 'limits.json'),
  result: (raw) => validateResult(raw, 'result.json'),
};

function loadgateAccepts(kind: DocumentName, raw: unknown): { ok: boolean; message?: string } {
  try {
    loadgate[kind](raw);
    return { ok: true };
  } catch (err) {
    if (!isLoadgateError(err)) throw err;
    return { ok: false, message: err.message };
  }
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));
const isJsonForm = (value: unknown): boolean => JSON.stringify(value) !== undefined && !/"type":"function"/.test(JSON.stringify(value)) && !hasFunction(value);
function hasFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && Object.values(value).some(hasFunction);
}

describe('the committed schemas are what the definitions generate', () => {
  it.each(Object.keys(DOCUMENTS))('schemas/%s.schema.json', (name) => {
    expect(readFileSync(join(REPO_ROOT, 'schemas', `${name}.schema.json`), 'utf8')).toBe(jsonSchemaText(name as DocumentName));
  });
});

const SCENARIO_FILES = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => /\.(ts|json)$/.test(f));
const quickstartish = { name: 'x', phases: [{ shape: 'constant', rateRps: 10, duration: '1s' }] };

describe('good files: both accept', async () => {
  const scenarios: [string, unknown][] = [];
  for (const file of SCENARIO_FILES) {
    const raw = await loadRawScenario(join(REPO_ROOT, 'scenarios', file));
    if (isJsonForm(raw)) scenarios.push([`scenarios/${file}`, JSON.parse(JSON.stringify(raw))]);
  }
  for (const shape of SHAPES) scenarios.push([`a ${shape.name} phase`, { name: 'x', phases: [shape.example] }]);
  scenarios.push(['$schema named, as editors need', { $schema: './node_modules/loadgate/schemas/scenario.schema.json', ...quickstartish }]);
  const limits = scenarios.flatMap(([why, s]) => ((s as { limits?: unknown }).limits ? [[`the limits of ${why}`, { $schema: 'limits.schema.json', ...(s as { limits: object }).limits }] as [string, unknown]] : []));
  const cases: [DocumentName, string, unknown][] = [
    ...scenarios.map(([why, raw]) => ['scenario', why, raw] as [DocumentName, string, unknown]),
    ...readdirSync(join(REPO_ROOT, 'scenarios', 'emulator')).map((f) => ['emulator-config', `scenarios/emulator/${f}`, readJson(`scenarios/emulator/${f}`)] as [DocumentName, string, unknown]),
    ...limits.map(([why, raw]) => ['limits', why, raw] as [DocumentName, string, unknown]),
    ...['no-limits', 'throttled', 'verify', 'capacity'].map((f) => ['result', `test/fixtures/results/${f}.json`, readJson(`test/fixtures/results/${f}.json`)] as [DocumentName, string, unknown]),
  ];

  it('covers every kind with the repo\'s own files', () => {
    expect(new Set(cases.map(([kind]) => kind))).toEqual(new Set(Object.keys(DOCUMENTS)));
    expect(scenarios.length).toBeGreaterThanOrEqual(SCENARIO_FILES.length - 1);
  });

  it.each(cases)('%s: %s', (kind, _why, raw) => {
    expect(loadgateAccepts(kind, raw)).toEqual({ ok: true });
    expect(validators[kind]!(raw), JSON.stringify(validators[kind]!.errors)).toBe(true);
  });
});

const emu = readJson('scenarios/emulator/shop.json') as Record<string, unknown>;
const result = readJson('test/fixtures/results/throttled.json') as Record<string, unknown>;
const phase = (p: Record<string, unknown>) => ({ name: 'x', phases: [p] });

/** Broken files both refuse; loadgate's line must name the file and the field. */
const BROKEN: [DocumentName, string, unknown, RegExp][] = [
  ['scenario', 'no name', { phases: quickstartish.phases }, /^x\.json: name: undefined is invalid/],
  ['scenario', 'no phases', { name: 'x' }, /^x\.json: phases: /],
  ['scenario', 'an unknown field (a typo)', { ...quickstartish, phase: [] }, /^x\.json: phase: unknown field/],
  ['scenario', 'a negative rate', phase({ shape: 'constant', rateRps: -5, duration: '1s' }), /^x\.json: phases\[0\]\.rateRps: -5 is invalid \(expected a number >= 0 <= 1000000\)/],
  ['scenario', 'a rate above the cap', phase({ shape: 'constant', rateRps: 2e6, duration: '1s' }), /phases\[0\]\.rateRps: 2000000 is invalid/],
  ['scenario', 'an unknown shape', phase({ shape: 'square', duration: '1s' }), /phases\[0\]\.shape: "square" is invalid/],
  ['scenario', 'a field of another shape', phase({ shape: 'constant', rateRps: 1, duration: '1s', toRps: 2 }), /phases\[0\]\.toRps: unknown field/],
  ['scenario', 'a duration without unit grammar', phase({ shape: 'pause', duration: 'soon' }), /phases\[0\]\.duration: "soon" is invalid/],
  ['scenario', 'fractional steps', phase({ shape: 'steps', fromRps: 1, toRps: 2, steps: 2.5, duration: '1s' }), /phases\[0\]\.steps: 2\.5/],
  ['scenario', 'a burst of 0', phase({ shape: 'burst', count: 0 }), /phases\[0\]\.count: 0/],
  ['scenario', 'an unknown spacing', phase({ shape: 'ramp', fromRps: 1, toRps: 2, duration: '1s', arrivals: 'random' }), /phases\[0\]\.arrivals: "random"/],
  ['scenario', 'a header value that is no string', { ...quickstartish, requests: [{ headers: { 'x-a': 1 } }] }, /requests\[0\]\.headers\.x-a: 1 is invalid/],
  ['scenario', 'an unknown tolerance', { ...quickstartish, tolerance: 'loose' }, /tolerance: "loose" is invalid/],
  ['scenario', 'a status below 100', { ...quickstartish, throttleStatuses: [42] }, /throttleStatuses\[0\]: 42/],
  ['scenario', 'limits with a negative burst', { ...quickstartish, limits: { stages: { prod: { throttle: { rateRps: 1, burst: -1 } } } } }, /limits\.stages\.prod\.throttle\.burst: -1/],
  ['scenario', 'an emulator integration of no known type', { ...quickstartish, emulator: { routes: { 'GET /x': { integration: { type: 'grpc' } } } } }, /^x\.json: emulator\.routes\.GET \/x\.integration/],
  ['scenario', '$schema that is no string', { ...quickstartish, $schema: 1 }, /\$schema: 1 is invalid/],
  ['emulator-config', 'an unknown integration type', { routes: { 'GET /x': { integration: { type: 'grpc' } } } }, /^emu\.json: routes\.GET \/x\.integration/],
  ['emulator-config', 'a status of 100', { routes: { 'GET /x': { integration: { type: 'mock', status: 100 } } } }, /integration\.status: 100/],
  ['emulator-config', 'a lambda without concurrency', { routes: { 'GET /x': { integration: { type: 'lambda' } } } }, /integration\.reservedConcurrency/],
  ['emulator-config', 'a quota period of a year', { ...emu, usagePlans: { gold: { quota: { limit: 1, period: 'YEAR' } } } }, /usagePlans\.gold\.quota\.period: "YEAR"/],
  ['emulator-config', 'an unknown top-level field', { ...emu, stagess: {} }, /^emu\.json: stagess: unknown field/],
  ['limits', 'a rate that is a string', { stages: { prod: { throttle: { rateRps: '100', burst: 1 } } } }, /^limits\.json: stages\.prod\.throttle\.rateRps: "100" is invalid/],
  ['limits', 'an API type that does not exist', { api: { type: 'websocket' } }, /api\.type: "websocket"/],
  ['limits', 'an unknown field', { stage: {} }, /^limits\.json: stage: unknown field/],
  ['result', 'a count that is a string', { ...result, totals: { ...(result.totals as object), sent: 'oops' } }, /^result\.json: totals\.sent: /],
  ['result', 'no schemaVersion', Object.fromEntries(Object.entries(result).filter(([k]) => k !== 'schemaVersion')), /^result\.json: schemaVersion/],
];

/** Rules only loadgate states (JSON Schema cannot say them): ajv accepts, loadgate refuses, in one line. */
const LOADGATE_ONLY: [DocumentName, string, unknown, RegExp][] = [
  ['scenario', 'a sine amplitude above its mean', phase({ shape: 'sine', meanRps: 10, amplitudeRps: 20, period: '1s', duration: '2s' }), /amplitudeRps: 20 is invalid \(expected a number >= 0 <= 10\)/],
  ['scenario', 'a burst longer than its phase', phase({ shape: 'burst', count: 5, spread: '2s', duration: '1s' }), /phases\[0\]\.duration: "1s" is invalid/],
  ['scenario', 'a schedule over 24 h in all', { name: 'x', phases: [{ shape: 'pause', duration: '20h' }, { shape: 'pause', duration: '20h' }] }, /^x\.json: phases: 144000 s in all is invalid/],
  ['scenario', 'a target with credentials', { ...quickstartish, target: 'http://u:p@127.0.0.1/' }, /target: "http:\/\/\*\*\*\*@127\.0\.0\.1\/" is invalid/],
  ['scenario', 'a stage the limits do not declare', { ...quickstartish, limits: { stages: { prod: {} } }, stage: 'dev' }, /^x\.json: stage: "dev" is invalid/],
  ['emulator-config', 'a route key that is no route', { routes: { 'GET /a/{id': {} } }, /routes\.GET \/a\/\{id: .*braces balanced/],
  ['limits', 'an API key of an undeclared plan', { apiKeys: { 'k-1': { usagePlan: 'gold' } } }, /apiKeys\.k-1\.usagePlan: "gold" is invalid/],
];

describe('broken files: both refuse, loadgate in one line naming file, field and value', () => {
  it.each(BROKEN)('%s: %s', (kind, _why, raw, message) => {
    const verdict = loadgateAccepts(kind, raw);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(message);
    expect(verdict.message).not.toMatch(/[\r\n]/);
    expect(validators[kind]!(raw)).toBe(false);
  });
});

describe('rules JSON Schema cannot state: only loadgate refuses', () => {
  it.each(LOADGATE_ONLY)('%s: %s', (kind, _why, raw, message) => {
    const verdict = loadgateAccepts(kind, raw);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(message);
    expect(validators[kind]!(raw)).toBe(true);
  });
});
