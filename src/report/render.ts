/**
 * The report formats: each is a pure function of a RunResult (result.json) returning text.
 * Writing files is the CLI's job (src/cli/report.ts, the pipeline); this module only renders.
 */
import type { RunResult } from '../result/schema.ts';
import { renderHtml } from './html/page.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';

/** A report renderer (Vegeta's Reporter, minus the writer). */
export type Render = (result: RunResult) => string;

/** The formats loadgate renders. */
export type ReportFormat = 'terminal' | 'markdown' | 'html' | 'json';

/** Every format's renderer. The terminal one here is colourless; the CLI passes `{ color }` itself. */
export const renderers: Readonly<Record<ReportFormat, Render>> = Object.freeze({
  terminal: ((result) => renderTerminal(result, { color: false })) satisfies Render,
  markdown: renderMarkdown satisfies Render,
  html: renderHtml satisfies Render,
  json: renderJson satisfies Render,
});

/** The file each written format goes to (the terminal summary is printed, not written). */
export const reportFileNames = Object.freeze({ markdown: 'summary.md', html: 'report.html', json: 'result.json' } as const);

/** Formats in the order they are listed in `--help` and validated. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['terminal', 'markdown', 'html', 'json'];
