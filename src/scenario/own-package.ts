/**
 * Gives a scenario's `import ... from 'loadgate'` the loadgate that runs it, wherever the file is:
 * a folder with no node_modules, or loadgate installed globally (`npm i -g`), whose
 * <prefix>/lib/node_modules Node never searches.
 * - ESM (a .mts/.mjs file, a .ts/.js one in a "type": "module" package): a resolve hook that
 *   answers only after Node's own resolution failed, so a project's installed loadgate still wins.
 * - CommonJS (.cts/.cjs, .ts/.js elsewhere): require('loadgate') always returns this process's
 *   already loaded module. Loading the package a second time through require() compiles its ESM
 *   files to CommonJS (tsx) and loads undici twice, which throws `Illegal constructor`.
 */
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const OWN_ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url);

// A data: URL, so the hook loads the same from the sources (through tsx) and from dist/.
const ESM_HOOK = `
let ownEntry;
export function initialize(data) { ownEntry = data.ownEntry; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (specifier === 'loadgate' && err && err.code === 'ERR_MODULE_NOT_FOUND') return { url: ownEntry, shortCircuit: true };
    throw err;
  }
}`;

interface CommonJsInternals {
  _resolveFilename(request: string, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
  new (id: string): { exports: unknown; loaded: boolean; filename: string };
}

let provided: Promise<void> | undefined;

export function provideOwnPackage(): Promise<void> {
  provided ??= provide();
  return provided;
}

async function provide(): Promise<void> {
  register(`data:text/javascript,${encodeURIComponent(ESM_HOOK)}`, { data: { ownEntry: OWN_ENTRY.href } });
  const cjs = Module as unknown as CommonJsInternals;
  const ownFile = fileURLToPath(OWN_ENTRY);
  const cached = new cjs(ownFile);
  cached.exports = await import(OWN_ENTRY.href);
  cached.filename = ownFile;
  cached.loaded = true;
  cjs._cache[ownFile] = cached;
  // Module._resolveFilename is where every require() resolves, tsx's included.
  const resolveFilename = cjs._resolveFilename;
  cjs._resolveFilename = function resolveOwnPackage(request: string, ...rest: unknown[]): string {
    return request === 'loadgate' ? ownFile : resolveFilename.call(this, request, ...rest);
  };
}
