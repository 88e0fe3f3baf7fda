/**
 * The uPlot library and stylesheet, read from node_modules at render time so report.html can
 * inline them and open offline (no CDN, no network).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's IIFE build (defines `window.uPlot`) and its CSS. */
export interface UplotAssets {
  readonly js: string;
  readonly css: string;
}

let cached: UplotAssets | undefined;

/** Reads uPlot once per process. */
export function uplotAssets(): UplotAssets {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    cached = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return cached;
}
