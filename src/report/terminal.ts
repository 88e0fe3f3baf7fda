/**
 * The terminal summary: verdicts first, then one cli-table3 table per part of the run.
 * Colour (ANSI) only when asked: the CLI asks as src/color.ts decides (flag, NO_COLOR, FORCE_COLOR, TTY).
 */
import Table from 'cli-table3';
import type { RunResult } from '../result/schema.ts';
import { type Cell, type Section, type Table as ReportTable, type Tone, type Verdict } from './model.ts';
import { reportModel } from './sections.ts';
import { ANSI, paint } from '../color.ts';

/** Options of the terminal renderer. */
export interface TerminalOptions {
  /** Emit ANSI colours. @default false */
  readonly color: boolean;
}

/** Every tone of the report model has a colour (the compiler checks). */
const TONES: Readonly<Record<Tone | 'bold' | 'title', string>> = ANSI;
const VERDICT_MARK: Record<Verdict['state'], [string, Tone | undefined]> = { pass: ['PASS', 'good'], fail: ['FAIL', 'bad'], warn: ['WARN', 'warn'], info: ['INFO', 'muted'] };

function cell(c: Cell, color: boolean): string {
  return typeof c === 'string' ? c : paint(c.text, TONES[c.tone], color);
}

function tableText(t: ReportTable, color: boolean): string {
  const table = new Table({
    head: t.head.map((h) => paint(h, TONES.bold, color)),
    style: { head: [], border: [], compact: true },
    colAligns: t.head.map((_, i) => (t.numeric?.[i] ? 'right' : 'left')),
  });
  for (const row of t.rows) table.push(row.map((c) => cell(c, color)));
  const caption = t.caption === undefined ? '' : `${t.caption}\n`;
  return `${caption}${table.toString()}`;
}

function sectionText(s: Section, color: boolean): string {
  const parts = [paint(`== ${s.title} ==`, TONES.title, color)];
  if (s.empty !== undefined) parts.push(paint(s.empty, TONES.muted, color));
  for (const line of s.lines) parts.push(line);
  for (const t of s.tables) parts.push(tableText(t, color));
  return parts.join('\n');
}

function verdictLines(verdicts: readonly Verdict[], color: boolean): string {
  const width = Math.max(...verdicts.map((v) => v.label.length));
  return verdicts
    .map((v) => {
      const [mark, tone] = VERDICT_MARK[v.state];
      return `${paint(mark, tone === undefined ? TONES.bold : `1;${TONES[tone]}`, color)}  ${v.label.padEnd(width)}  ${v.text}`;
    })
    .join('\n');
}

/** Renders the terminal summary of a result. */
export function renderTerminal(result: RunResult, options: TerminalOptions = { color: false }): string {
  const { color } = options;
  const model = reportModel(result);
  const head = [paint(model.header.title, TONES.bold, color), ...model.header.facts.map(([k, v]) => `${paint(k.padEnd(9), TONES.muted, color)}${v}`)];
  const notes = model.header.notes.map((n) => paint(`note: ${n}`, TONES.warn, color));
  const body = model.sections.map((s) => sectionText(s, color));
  return `${[head.join('\n'), verdictLines(model.verdicts, color), ...(notes.length > 0 ? [notes.join('\n')] : []), ...body].join('\n\n')}\n`;
}
