/**
 * Loads a scenario file: `.ts`/`.mts`/`.js`/`.mjs` (default export or `scenario` export, no build
 * step: TypeScript goes through tsx) or `.json`. Every failure is a one-line UsageError.
 */
import { readFile } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonProblem, UsageError } from '../errors.ts';
import type { Scenario } from './types.ts';
import { validateScenario } from './validate.ts';

const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** The path as the user should see it in messages (relative to the working directory when inside it). */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') ? resolve(file) : rel;
}

export async function loadScenarioFile(file: string): Promise<Scenario> {
  return validateScenario(await loadRawScenario(file), displayPath(file));
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
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${shown}: not valid JSON (${jsonProblem(err)})`, { file: shown });
    }
  }
  if (!MODULE_EXTENSIONS.includes(ext)) {
    throw new UsageError(`${shown}: unsupported scenario file type ${JSON.stringify(ext || '(none)')} (expected .ts, .js, .mjs or .json)`, { file: shown });
  }
  const mod = await importModule(resolve(file), shown);
  const exported = (mod as { default?: unknown; scenario?: unknown }).default ?? (mod as { scenario?: unknown }).scenario;
  if (exported === undefined) throw new UsageError(`${shown}: exports no scenario (use "export default defineScenario({...})")`, { file: shown });
  return exported;
}

async function importModule(absolute: string, shown: string): Promise<unknown> {
  const url = pathToFileURL(absolute).href;
  try {
    return await import(url);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      try {
        const { tsImport } = await import('tsx/esm/api');
        return await tsImport(url, import.meta.url);
      } catch (inner) {
        throw loadFailure(shown, inner);
      }
    }
    throw loadFailure(shown, err);
  }
}

function loadFailure(shown: string, err: unknown): UsageError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(shown.split('/').pop() ?? '\0')) {
    return new UsageError(`${shown}: no such scenario file`, { file: shown });
  }
  const first = String(e.message ?? e).split('\n')[0];
  return new UsageError(`${shown}: cannot load scenario (${e.name ?? 'Error'}: ${first})`, { file: shown });
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code ?? String(err);
}
