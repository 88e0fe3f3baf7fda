/**
 * summary.md: a CI job summary or PR comment in plain GitHub Markdown. Verdicts first (✅/❌),
 * then one GitHub table per part of the run. No HTML. Cells are escaped so that a `|`, a
 * newline or Markdown syntax in a route or scenario name cannot break a table.
 */
import type { RunResult } from '../result/schema.ts';
import { cellText, type Cell, type Section, type Table, type Verdict } from './model.ts';
import { reportModel } from './sections.ts';

const VERDICT_ICON: Record<Verdict['state'], string> = { pass: '✅', fail: '❌', warn: '⚠️', info: 'ℹ️' };

/** Escapes text for a GitHub Markdown table cell or paragraph. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*_[\]<>|#~])/g, '\\$1');
}

function cell(c: Cell): string {
  const text = escapeMarkdown(cellText(c));
  if (typeof c === 'string' || text === '') return text;
  if (c.tone === 'good') return `✅ ${text}`;
  if (c.tone === 'bad') return `❌ **${text}**`;
  if (c.tone === 'warn') return `⚠️ ${text}`;
  return text;
}

function tableMd(t: Table): string {
  const head = t.head.map((h) => escapeMarkdown(h) || ' ');
  const align = t.head.map((_, i) => (t.numeric?.[i] ? '---:' : ':---'));
  const lines = [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
  const caption = t.caption === undefined ? '' : `**${escapeMarkdown(t.caption)}**\n\n`;
  return `${caption}${lines.join('\n')}`;
}

function sectionMd(s: Section): string {
  const parts = [`### ${escapeMarkdown(s.title)}`];
  if (s.empty !== undefined) parts.push(`_${escapeMarkdown(s.empty)}_`);
  for (const line of s.lines) parts.push(escapeMarkdown(line));
  for (const t of s.tables) parts.push(tableMd(t));
  return parts.join('\n\n');
}

/** Renders summary.md of a result. */
export function renderMarkdown(result: RunResult): string {
  const model = reportModel(result);
  const title = `## ${VERDICT_ICON[model.verdicts[0].state]} ${escapeMarkdown(model.header.title)}`;
  const verdicts = model.verdicts.map((v) => `- ${VERDICT_ICON[v.state]} **${escapeMarkdown(v.label)}**: ${escapeMarkdown(v.text)}`).join('\n');
  const facts = model.header.facts.map(([k, v]) => `${escapeMarkdown(k)}: ${escapeMarkdown(v)}`).join(' · ');
  const notes = model.header.notes.map((n) => `> ⚠️ ${escapeMarkdown(n)}`).join('\n>\n');
  const parts = [title, verdicts, facts, notes, ...model.sections.map(sectionMd)].filter((p) => p !== '');
  return `${parts.join('\n\n')}\n`;
}
