/**
 * The script report.html runs in the browser: it reads the inlined chart data and draws each
 * chart with uPlot (inlined before it). Plain ES5-style JavaScript in a string, because it runs
 * in the page, not in Node. Every uPlot instance is kept on `window.__loadgateCharts` so a test
 * (or a curious reader in devtools) can check what was drawn.
 */

/** The browser script; expects `<script id="loadgate-data" type="application/json">`. */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var payload = JSON.parse(document.getElementById('loadgate-data').textContent);
  var charts = [];

  function pctLabel(x) {
    if (x == null) return '';
    var p = 100 * (1 - 1 / x);
    if (x >= 1000) return p.toFixed(Math.min(5, Math.round(Math.log10(x)) - 2)) + '%';
    return (Math.round(p * 10) / 10) + '%';
  }

  function percentileSplits(u) {
    var out = [], max = u.scales.x.max;
    for (var v = 1; v <= max * 1.0001; v *= 10) { out.push(v); if (v === 1 && max >= 2) out.push(2); }
    return out;
  }

  function axesOf(c) {
    var x = { label: c.xLabel, stroke: '#334155', grid: { stroke: '#e2e8f0' } };
    if (c.xKind === 'percentile') {
      x.splits = percentileSplits;
      // uPlot's default log-axis filter blanks splits that are not powers of 10 (our 2 = 50%).
      x.filter = function (u, splits) { return splits; };
      x.values = function (u, splits) { return splits.map(pctLabel); };
    }
    return [x, { label: c.yLabel, size: 64, stroke: '#334155', grid: { stroke: '#e2e8f0' } }];
  }

  function optsOf(c, width) {
    var xScale = c.xKind === 'time' ? { time: true } : c.xKind === 'percentile' ? { time: false, distr: 3, log: 10 } : { time: false };
    var series = [{ label: c.xLabel, value: c.xKind === 'percentile' ? function (u, v) { return v == null ? '' : pctLabel(v); } : undefined }];
    c.series.forEach(function (s) {
      series.push({ label: s.label, stroke: s.color, width: 2, dash: s.dashed ? [6, 4] : undefined, spanGaps: false,
        points: { show: c.data[0].length <= 60 } });
    });
    return { width: width, height: 300, scales: { x: xScale, y: { range: function (u, lo, hi) { return [Math.min(0, lo), hi > 0 ? hi * 1.05 : 1]; } } },
      series: series, axes: axesOf(c), legend: { show: true }, cursor: { drag: { x: true, y: false } } };
  }

  payload.charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el || c.empty) return;
    var width = Math.max(320, el.clientWidth || 900);
    var u = new uPlot(optsOf(c, width), c.data, el);
    u.__loadgateId = c.id;
    charts.push(u);
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (u) { var w = u.root.parentElement.clientWidth; if (w > 0) u.setSize({ width: Math.max(320, w), height: 300 }); });
  });
  window.__loadgateCharts = charts;
})();
`;
