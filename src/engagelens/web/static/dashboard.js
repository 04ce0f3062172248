/* EngageLens dashboard: draws the Plotly charts from their JSON blocks and adds small
   conveniences. No inline scripts anywhere (the Content-Security-Policy forbids them); chart
   data arrives as <script type="application/json">, which browsers never execute. */
(function () {
  "use strict";

  function svgButton(name) {
    return {
      name: name,
      title: name,
      icon: window.Plotly.Icons.camera,
      click: function (gd) {
        window.Plotly.downloadImage(gd, { format: "svg", filename: gd.id || "chart" });
      }
    };
  }

  function drawCharts() {
    var plots = document.querySelectorAll("[data-chart]");
    if (!plots.length || !window.Plotly) { return; }
    var rtl = document.documentElement.dir === "rtl";
    plots.forEach(function (el) {
      var block = document.getElementById("chart-" + el.getAttribute("data-chart"));
      if (!block) { return; }
      var figure = JSON.parse(block.textContent);
      var layout = figure.layout || {};
      if (rtl) { layout.legend = Object.assign({ x: 1, xanchor: "right" }, layout.legend || {}); }
      var config = {
        responsive: true,
        displaylogo: false,
        toImageButtonOptions: { format: "png", filename: el.id || "chart", scale: 2 },
        modeBarButtonsToAdd: [svgButton("SVG")]
      };
      window.Plotly.newPlot(el, figure.data || [], layout, config).then(function () {
        el.setAttribute("data-rendered", "1");
      });
    });
  }

  function autoSubmitLocale() {
    var select = document.getElementById("locale-select");
    if (!select) { return; }
    select.addEventListener("change", function () { select.form.submit(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    autoSubmitLocale();
    drawCharts();
  });
})();
