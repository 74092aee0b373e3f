// Mallang's charts: draws every <figure class="chart"> of a back-office
// page from the table inside it, with uPlot (vendored beside this file).
// The markup (internal/backoffice/chart.templ):
//
//   <figure class="chart">
//     <div class="chart-canvas" data-chart-for="ID"></div>
//     <table id="ID" data-chart="line|bar" data-unit="won|count">
//       <thead><tr><th>x axis</th><th>series</th><th data-series="off">not drawn</th></tr></thead>
//       <tbody><tr><th data-x="2026-12-07">12월 7일</th><td data-value="12900">12,900원</td>…</tr></tbody>
//     </table>
//   </figure>
//
// The table stays under the chart: without JavaScript, or for a screen
// reader, it is the figure. The legend shows the table's own text of the
// row under the cursor (the last row otherwise); axes show won (만원 on Korean pages) or counts.
// No inline scripts or styles: the page's CSP stays strict.
(function () {
  "use strict";
  var figures = document.querySelectorAll("figure.chart");
  if (!figures.length) {
    return;
  }
  var me = document.currentScript;
  var base = me.src.replace(/charts\.js(\?.*)?$/, "");
  var lang = (document.documentElement.lang || "ko").slice(0, 2) === "en" ? "en" : "ko";
  var colors = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2"];
  var height = 280;

  function css(href) {
    var l = document.createElement("link");
    l.rel = "stylesheet";
    l.href = base + href;
    document.head.appendChild(l);
  }
  css("uPlot.min.css");
  css("charts.css");
  var s = document.createElement("script");
  s.src = base + "uPlot.iife.min.js";
  s.onload = function () {
    for (var i = 0; i < figures.length; i++) {
      draw(figures[i]);
    }
  };
  document.head.appendChild(s);

  var whole = new Intl.NumberFormat(lang === "ko" ? "ko-KR" : "en-US", { maximumFractionDigits: 0 });
  var compact = new Intl.NumberFormat(lang === "ko" ? "ko-KR" : "en-US", { notation: "compact", maximumFractionDigits: 1 });

  // axisNumber is a tick of the y axis: won as 12만원 / ₩120K, counts whole.
  function axisNumber(unit, v) {
    if (unit === "won") {
      var t = Math.abs(v) >= 10000 ? compact.format(v) : whole.format(v);
      return lang === "ko" ? t + "원" : "₩" + t;
    }
    return Math.abs(v) >= 10000 ? compact.format(v) : whole.format(v);
  }

  var isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
  var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // axisLabel is an x label as short as the axis wants: 12/7 or Dec 7 for
  // a date, the label itself otherwise.
  function axisLabel(x, label) {
    var d = isoDate.exec(x);
    if (!d) {
      return label;
    }
    var m = parseInt(d[2], 10), day = parseInt(d[3], 10);
    return lang === "ko" ? m + "/" + day : months[m - 1] + " " + day;
  }

  // read turns the table into uPlot's data and what the legend shows.
  function read(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var cols = [];
    for (var c = 1; c < heads.length; c++) {
      if (heads[c].getAttribute("data-series") !== "off") {
        cols.push({ index: c, name: heads[c].textContent.trim() });
      }
    }
    var xs = [], labels = [], ticks = [], ys = cols.map(function () { return []; }), texts = cols.map(function () { return []; });
    var rows = [];
    for (var b = 0; b < table.tBodies.length; b++) {
      for (var r = 0; r < table.tBodies[b].rows.length; r++) {
        rows.push(table.tBodies[b].rows[r]);
      }
    }
    rows.forEach(function (row, i) {
      var first = row.cells[0];
      if (!first) {
        return;
      }
      var label = first.textContent.trim();
      xs.push(i);
      labels.push(label);
      ticks.push(axisLabel(first.getAttribute("data-x") || label, label));
      cols.forEach(function (col, k) {
        var cell = row.cells[col.index];
        var raw = cell ? cell.getAttribute("data-value") : null;
        var v = raw === null || raw === "" ? null : Number(raw);
        ys[k].push(v === null || isNaN(v) ? null : v);
        texts[k].push(cell ? cell.textContent.trim() : "");
      });
    });
    return { cols: cols, xs: xs, labels: labels, ticks: ticks, ys: ys, texts: texts };
  }

  // xSplits spaces the x ticks so their labels do not collide.
  function xSplits(n, width) {
    var most = Math.max(2, Math.floor(width / 64));
    var step = Math.max(1, Math.ceil(n / most));
    var out = [];
    for (var i = 0; i < n; i += step) {
      out.push(i);
    }
    return out;
  }

  function draw(fig) {
    var holder = fig.querySelector(".chart-canvas");
    var id = holder && holder.getAttribute("data-chart-for");
    var table = id && document.getElementById(id);
    if (!table) {
      return;
    }
    var kind = table.getAttribute("data-chart") === "bar" ? "bar" : "line";
    var unit = table.getAttribute("data-unit") === "won" ? "won" : "count";
    var d = read(table);
    if (!d.xs.length || !d.cols.length) {
      return;
    }
    var n = d.xs.length;
    // at is the row the legend shows: the one under the cursor, else the
    // last (today, on a chart of days).
    function at(idx) { return idx === null || idx === undefined ? n - 1 : idx; }
    var bars = kind === "bar" ? window.uPlot.paths.bars : null;
    var series = [{
      label: table.tHead.rows[0].cells[0].textContent.trim(),
      value: function (u, v, si, idx) { return d.labels[at(idx)] || ""; }
    }];
    d.cols.forEach(function (col, k) {
      var color = colors[k % colors.length];
      var s = {
        label: col.name,
        stroke: color,
        width: 2,
        points: { show: n <= 40 },
        value: function (u, v, si, idx) { return d.texts[k][at(idx)] || ""; }
      };
      if (bars) {
        var many = d.cols.length > 1;
        s.fill = color + "cc";
        s.width = 0;
        s.points = { show: false };
        s.paths = bars({ size: [many ? 0.4 : 0.7, 64], align: many ? (k % 2 ? 1 : -1) : 0 });
      }
      series.push(s);
    });
    var opts = {
      width: Math.max(240, holder.clientWidth || fig.clientWidth || 600),
      height: height,
      series: series,
      scales: {
        x: { time: false, range: function () { return bars ? [-0.5, n - 0.5] : [0, Math.max(1, n - 1)]; } },
        y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; } }
      },
      axes: [
        {
          splits: function (u) { return xSplits(n, u.bbox.width / (window.devicePixelRatio || 1)); },
          values: function (u, splits) { return splits.map(function (i) { return d.ticks[i] || ""; }); },
          grid: { show: false }
        },
        {
          size: unit === "won" ? 72 : 48,
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 2e9, 5e9, 1e10],
          values: function (u, splits) { return splits.map(function (v) { return axisNumber(unit, v); }); }
        }
      ],
      legend: { live: true },
      cursor: { points: { show: !bars } }
    };
    holder.classList.add("chart-drawn");
    var plot = new window.uPlot(opts, [d.xs].concat(d.ys), holder);
    fig.classList.add("chart-ready");
    var last = holder.clientWidth;
    function fit() {
      var w = holder.clientWidth;
      if (w && w !== last) {
        last = w;
        plot.setSize({ width: Math.max(240, w), height: height });
      }
    }
    if (window.ResizeObserver) {
      new window.ResizeObserver(fit).observe(holder);
    } else {
      window.addEventListener("resize", fit);
    }
  }
})();
