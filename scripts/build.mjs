#!/usr/bin/env node
// Compiles src/ into dist/ for the published package (`npm run build`, run by `prepack`).
// tsc's rewriteRelativeImportExtensions turns `./x.ts` into `./x.js` in the emitted JavaScript but
// leaves declaration files pointing at `.ts` paths, which a user's own tsc cannot resolve inside
// node_modules (TS5097): those are rewritten here.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const RELATIVE_TS_IMPORT = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.([cm]?)ts\2/g;
let rewritten = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(RELATIVE_TS_IMPORT, (_m, lead, quote, path, flavour) => `${lead}${quote}${path}.${flavour}js${quote}`);
  if (fixed !== text) (writeFileSync(file, fixed), rewritten++);
}
// The JSON Schemas ship beside dist/ (package.json files), generated from the same definitions.
const schemas = spawnSync(process.execPath, [join(root, 'scripts', 'build-schemas.mjs')], { stdio: 'inherit' });
if (schemas.status !== 0) process.exit(schemas.status ?? 1);

console.log(`dist/ built (${rewritten} declaration files had their .ts imports rewritten to .js)`);
