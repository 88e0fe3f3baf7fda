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
    var bars = false;
    c.series.forEach(function (s) {
      if (s.bars) {
        bars = true;
        series.push({ label: s.label, stroke: s.color, fill: s.color + '99', width: 1, points: { show: false },
          paths: uPlot.paths.bars({ size: [0.4, 120], align: s.bars }) });
        return;
      }
      series.push({ label: s.label, stroke: s.color, width: 2, dash: s.dashed ? [6, 4] : undefined, spanGaps: false,
        points: { show: c.data[0].length <= 60 } });
    });
    // Bars need room on both sides of the first and last x (minutes here). From the data, not
    // (lo, hi): for a single time point uPlot widens hi by 86400 / ms, which is years in seconds.
    var xs = c.data[0];
    if (bars) xScale.range = function () { return [xs[0] - 40, xs[xs.length - 1] + 40]; };
    return { width: width, height: 300, scales: { x: xScale, y: { range: function (u, lo, hi) { return [Math.min(0, lo), hi > 0 ? hi * 1.05 : 1]; } } },
      series: series, axes: axesOf(c), legend: { show: true }, cursor: { drag: { x: true, y: false } },
      // CloudWatch minutes are UTC; without this uPlot labels them in the reader's local zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); } };
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
