/** The stylesheet of report.html (after uPlot's own): light, print-friendly, readable tables. */
export const PAGE_CSS = `
:root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --card:#fff;
  --pass:#15803d; --pass-bg:#dcfce7; --fail:#b91c1c; --fail-bg:#fee2e2; --warn:#a16207; --warn-bg:#fef9c3; --info:#334155; --info-bg:#e2e8f0; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header.top { background:var(--ink); color:#fff; padding:20px 28px 16px; }
header.top h1 { margin:0 0 6px; font-size:20px; font-weight:600; }
header.top .facts { color:#cbd5e1; font-size:12.5px; display:flex; flex-wrap:wrap; gap:4px 18px; }
header.top .facts b { color:#94a3b8; font-weight:500; margin-right:4px; }
.badges { display:flex; flex-wrap:wrap; gap:8px; margin-top:14px; }
.badge { border-radius:999px; padding:4px 12px; font-size:12.5px; font-weight:600; max-width:100%; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.badge span { font-weight:400; }
.badge.pass { background:var(--pass-bg); color:var(--pass); } .badge.fail { background:var(--fail-bg); color:var(--fail); }
.badge.warn { background:var(--warn-bg); color:var(--warn); } .badge.info { background:var(--info-bg); color:var(--info); }
nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 28px; font-size:13px; position:sticky; top:0; z-index:5; }
nav a { color:var(--info); text-decoration:none; margin-right:16px; } nav a:hover { text-decoration:underline; }
main { max-width:1200px; margin:0 auto; padding:16px 28px 40px; }
.notes { background:var(--warn-bg); color:var(--warn); border-radius:8px; padding:8px 14px; margin:12px 0; }
section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 20px 18px; margin:16px 0; }
section h2 { font-size:16px; margin:0 0 8px; }
section p { margin:4px 0; }
p.empty { color:var(--muted); font-style:italic; }
.chart { margin:14px 0 6px; } .chart h3 { font-size:13.5px; margin:0 0 4px; font-weight:600; color:var(--info); }
table { border-collapse:collapse; margin:10px 0 4px; font-size:13px; font-variant-numeric: tabular-nums; }
caption { text-align:left; font-weight:600; color:var(--info); padding:2px 0 6px; }
th, td { border-bottom:1px solid var(--line); padding:5px 10px; text-align:left; vertical-align:top; }
th { background:#f1f5f9; font-weight:600; white-space:nowrap; }
td:first-child { white-space:nowrap; }
td.num, th.num { text-align:right; white-space:nowrap; }
tbody tr:nth-child(even) td { background:#fafafa; }
.t-good { color:var(--pass); font-weight:600; } .t-bad { color:var(--fail); font-weight:600; }
.t-warn { color:var(--warn); font-weight:600; } .t-muted { color:var(--muted); }
.scroll { overflow-x:auto; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:0 0 24px; }
`;
