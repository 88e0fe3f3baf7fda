/**
 * The neutral shape of a report: verdicts plus titled sections of tables. Sections are built once
 * from a RunResult (sections.ts) and every format (terminal, Markdown, HTML) only lays them out,
 * so the three reports always say the same thing.
 */

/** How a cell should stand out: good (green), bad (red), warn (yellow), muted (grey). */
export type Tone = 'good' | 'bad' | 'warn' | 'muted';

/** A table cell: plain text, or text with a tone. */
export type Cell = string | { readonly text: string; readonly tone: Tone };

/** One table. `numeric[i]` right-aligns column i. */
export interface Table {
  readonly caption?: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly numeric?: readonly boolean[];
}

/** Which part of the run a section covers; the HTML report hangs its charts on these ids. */
export type SectionId = 'gates' | 'totals' | 'schedule' | 'latency' | 'routes' | 'throttle' | 'cloudwatch' | 'capacity' | 'verify';

/**
 * One titled part of a report. When `empty` is set the section has no data and that one line
 * says why (no limits declared, CloudWatch unavailable): no table, no chart.
 */
export interface Section {
  readonly id: SectionId;
  readonly title: string;
  readonly lines: readonly string[];
  readonly tables: readonly Table[];
  readonly empty?: string;
}

/** One headline verdict (gates, throttle, CloudWatch, ...), shown first in every report. */
export interface Verdict {
  readonly label: string;
  readonly state: 'pass' | 'fail' | 'warn' | 'info';
  readonly text: string;
}

/** The text of a cell, whatever its tone. */
export function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/** A cell with a tone. */
export function toned(text: string, tone: Tone): Cell {
  return { text, tone };
}

/** A section with no data: one line saying why. */
export function emptySection(id: SectionId, title: string, why: string): Section {
  return { id, title, lines: [], tables: [], empty: why };
}
