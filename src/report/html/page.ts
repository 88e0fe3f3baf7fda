/**
 * report.html: one self-contained page that opens offline. uPlot and its CSS are inlined, the
 * chart data is inlined as JSON, tables are plain HTML, and a Content-Security-Policy forbids
 * any network fetch so the page cannot quietly depend on one.
 */
import type { RunResult } from '../../result/schema.ts';
import { cellText, type Cell, type Section, type Table, type Verdict } from '../model.ts';
import { reportModel } from '../sections.ts';
import { uplotAssets } from './assets.ts';
import { chartSpecs, type ChartSpec } from './charts.ts';
import { CLIENT_SCRIPT } from './client.ts';
import { PAGE_CSS } from './style.ts';

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`, no U+2028/2029. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline code or CSS that must not close its own element early. */
function inlineSafe(text: string): string {
  return text.replace(/<\/(script|style)/gi, '<\\/$1');
}

function cellHtml(c: Cell, numeric: boolean): string {
  const cls = [numeric ? 'num' : '', typeof c === 'string' ? '' : `t-${c.tone}`].filter(Boolean).join(' ');
  return `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(cellText(c))}</td>`;
}

function tableHtml(t: Table): string {
  const num = (i: number): boolean => t.numeric?.[i] ?? false;
  const head = t.head.map((h, i) => `<th${num(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => cellHtml(c, num(i))).join('')}</tr>`).join('\n');
  const caption = t.caption === undefined ? '' : `<caption>${escapeHtml(t.caption)}</caption>`;
  return `<div class="scroll"><table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function chartHtml(c: ChartSpec): string {
  if (c.empty !== undefined) return `<div class="chart"><h3>${escapeHtml(c.title)}</h3><p class="empty">${escapeHtml(c.empty)}</p></div>`;
  return `<div class="chart"><h3>${escapeHtml(c.title)}</h3><div id="${c.id}" class="plot"></div></div>`;
}

function sectionHtml(s: Section, charts: readonly ChartSpec[]): string {
  const parts = [`<section id="sec-${s.id}"><h2>${escapeHtml(s.title)}</h2>`];
  if (s.empty !== undefined) parts.push(`<p class="empty">${escapeHtml(s.empty)}</p>`);
  else {
    for (const line of s.lines) parts.push(`<p>${escapeHtml(line)}</p>`);
    for (const c of charts) parts.push(chartHtml(c));
    for (const t of s.tables) parts.push(tableHtml(t));
  }
  parts.push('</section>');
  return parts.join('\n');
}

function badgeHtml(v: Verdict): string {
  return `<div class="badge ${v.state}" title="${escapeHtml(v.text)}">${escapeHtml(v.label)}: <span>${escapeHtml(v.text)}</span></div>`;
}

/** Renders report.html of a result. */
export function renderHtml(result: RunResult): string {
  const model = reportModel(result);
  const charts = chartSpecs(model.result);
  const { js, css } = uplotAssets();
  const h = model.header;
  const facts = h.facts.map(([k, v]) => `<div><b>${escapeHtml(k)}</b>${escapeHtml(v)}</div>`).join('');
  const notes = h.notes.length === 0 ? '' : `<div class="notes">${h.notes.map((n) => `<div>⚠ ${escapeHtml(n)}</div>`).join('')}</div>`;
  const nav = model.sections.map((s) => `<a href="#sec-${s.id}">${escapeHtml(s.title)}</a>`).join('');
  const sections = model.sections.map((s) => sectionHtml(s, charts.filter((c) => c.section === s.id))).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(h.title)}</title>
<style>${inlineSafe(css)}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(h.title)}</h1><div class="facts">${facts}</div>
<div class="badges">${model.verdicts.map(badgeHtml).join('')}</div></header>
<nav>${nav}</nav>
<main>
${notes}
${sections}
</main>
<footer>Rendered by ${escapeHtml(`${model.result.tool.name} ${model.result.tool.version}`)} from result.json (run ${escapeHtml(model.result.runId)}). Re-render with <code>loadgate report result.json</code>.</footer>
<script id="loadgate-data" type="application/json">${scriptJson({ charts })}</script>
<script>${inlineSafe(js)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
