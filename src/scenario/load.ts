/**
 * Loads a scenario file: `.ts`/`.mts`/`.cts`/`.js`/`.mjs`/`.cjs` (default export or `scenario` export, no build
 * step: TypeScript goes through tsx) or `.json`. Every failure is a one-line UsageError.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseJsonOf, UsageError } from '../errors.ts';
import { provideOwnPackage } from './own-package.ts';
import type { Scenario } from './types.ts';
import { addInputSecrets } from '../core/redact.ts';
import { substituteEnv, withoutEnvValues } from './env.ts';
import { validateScenario } from './validate.ts';

const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts'];
const MODULE_EXTENSIONS = [...TYPESCRIPT_EXTENSIONS, '.js', '.mjs', '.cjs'];

/** The path as the user should see it in messages (relative to the working directory when inside it). */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') ? resolve(file) : rel;
}

export async function loadScenarioFile(file: string): Promise<Scenario> {
  const shown = displayPath(file);
  const raw = await loadRawScenario(file);
  if (extname(file).toLowerCase() !== '.json') return validateScenario(raw, shown);
  const { raw: substituted, secrets } = substituteEnv(raw, shown);
  addInputSecrets(secrets.map((s) => s.value));
  try {
    return validateScenario(substituted, shown);
  } catch (err) {
    throw withoutEnvValues(err, secrets);
  }
}

export async function loadRawScenario(file: string): Promise<unknown> {
  const shown = displayPath(file);
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${shown}: cannot read scenario (${describeFsError(err)})`, { file: shown });
    }
    return parseJsonOf(text, shown);
  }
  if (!MODULE_EXTENSIONS.includes(ext)) {
    throw new UsageError(`${shown}: unsupported scenario file type ${JSON.stringify(ext || '(none)')} (expected .ts, .mts, .cts, .js, .mjs, .cjs or .json)`, { file: shown });
  }
  const exported = exportedScenario(await importModule(resolve(file), shown));
  if (exported === undefined) throw new UsageError(`${shown}: exports no scenario (use "export default defineScenario({...})")`, { file: shown });
  return exported;
}

async function importModule(absolute: string, shown: string): Promise<unknown> {
  const url = pathToFileURL(absolute).href;
  await provideOwnPackage();
  try {
    const ext = extname(absolute).toLowerCase();
    if (TYPESCRIPT_EXTENSIONS.includes(ext)) await registerTsx();
    // Through import(), Node runs a CommonJS file with a restricted require() that does not see
    // the loadgate module own-package.ts provides: require() it directly.
    if (ext === '.cts' || ext === '.cjs') return { default: createRequire(import.meta.url)(absolute) as unknown };
    return await import(url);
  } catch (err) {
    throw loadFailure(shown, err);
  }
}

let tsxRegistered = false;

/**
 * tsx registered for the whole process (not tsImport's private namespace), so a .ts compiled to
 * CommonJS (a package without "type": "module") requires the same loadgate module as the CLI runs
 * (own-package.ts) and `import` and `require` both compile TypeScript, whether or not the CLI
 * itself runs from the sources through tsx.
 */
async function registerTsx(): Promise<void> {
  if (tsxRegistered) return;
  tsxRegistered = true;
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}

/**
 * A CommonJS scenario's `module.exports` arrives as the namespace's `default`, with the scenario
 * one level further down when it was compiled from `export default` (tsx, tsc): unwrap it.
 */
function exportedScenario(mod: unknown): unknown {
  const pick = (m: unknown): unknown => (isObject(m) ? (m.default ?? m.scenario) : undefined);
  const first = pick(mod);
  if (isObject(first) && ('default' in first || ('scenario' in first && Object.keys(first).length === 1))) return pick(first);
  return first;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function loadFailure(shown: string, err: unknown): UsageError {
  const e = err as NodeJS.ErrnoException;
  if (process.env.LOADGATE_DEBUG) process.stderr.write(`${e?.stack ?? String(err)}\n`);
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(shown.split('/').pop() ?? '\0')) {
    return new UsageError(`${shown}: no such scenario file`, { file: shown });
  }
  const first = String(e?.message ?? e).split('\n')[0];
  const name = e instanceof Error ? e.name : 'thrown';
  return new UsageError(`${shown}: cannot load scenario (${name}: ${first}; LOADGATE_DEBUG=1 shows the stack)`, { file: shown });
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code ?? String(err);
}
