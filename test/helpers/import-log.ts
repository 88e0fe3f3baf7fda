/**
 * A `--import` preload that appends every module URL a cold process resolves to the file named by
 * LG_IMPORT_LOG: how the package tests see what a command loaded (fast-start, lazy-imports).
 */
const LOG_IMPORTS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LG_IMPORT_LOG, resolved.url + '\\n');
  return resolved;
}`;

export const IMPORT_LOG_PRELOAD = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(LOG_IMPORTS)}`)});`)}`;
