#!/usr/bin/env node
// Writes schemas/<name>.schema.json from the zod schemas that check each document
// (src/schema/json-schemas.ts); `npm run schemas`, and part of `npm run build` (prepack).
// `--check` writes nothing and exits 1 when a committed schema differs from its definition.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const { DOCUMENTS, jsonSchemaText } = await tsImport('../src/schema/json-schemas.ts', import.meta.url);
const check = process.argv.includes('--check');
const folder = join(root, 'schemas');
mkdirSync(folder, { recursive: true });
let stale = 0;
for (const name of Object.keys(DOCUMENTS)) {
  const file = join(folder, `${name}.schema.json`);
  const text = jsonSchemaText(name);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current === text) continue;
  stale++;
  if (check) console.error(`schemas/${name}.schema.json differs from src/schema (run npm run schemas)`);
  else writeFileSync(file, text);
}
if (check && stale > 0) process.exit(1);
console.log(check ? 'schemas/ up to date' : `schemas/ written (${stale} changed)`);
