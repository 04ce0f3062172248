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

  /* The listening form's live preview: while a query is typed, its matches on the stored
     mentions (GET …/listening/test, nothing saved) replace the "Matching mentions" block.
     Every value is inserted with textContent: mention texts are written by strangers. */
  function livePreview() {
    var form = document.getElementById("listening-form");
    var box = document.getElementById("draft-live");
    if (!form || !box) { return; }
    var timer = null;
    var asked = 0;
    function cell(row, text, cls) {
      var td = document.createElement("td");
      td.textContent = text;
      td.setAttribute("dir", "auto");
      if (cls) { td.className = cls; }
      row.appendChild(td);
    }
    function show(data, headers) {
      box.textContent = "";
      if (data.error) {
        var err = document.createElement("p");
        err.className = "error";
        err.id = "draft-error";
        err.textContent = data.error;
        box.appendChild(err);
        return;
      }
      if (!data.summary) { return; }
      var p = document.createElement("p");
      p.className = "draft-summary";
      p.id = "draft-summary";
      p.textContent = data.summary;
      box.appendChild(p);
      var table = document.createElement("table");
      table.setAttribute("data-table", "draft");
      var head = table.createTHead().insertRow();
      headers.forEach(function (h) {
        var th = document.createElement("th");
        th.textContent = h;
        head.appendChild(th);
      });
      var body = table.createTBody();
      data.rows.forEach(function (r) {
        var row = body.insertRow();
        cell(row, r.when);
        cell(row, r.platform);
        cell(row, r.author_handle);
        cell(row, r.text, "text");
        cell(row, r.terms_text);
      });
      var wrap = document.createElement("div");
      wrap.className = "scroll";
      wrap.appendChild(table);
      box.appendChild(wrap);
    }
    function ask() {
      var query = form.elements.query.value;
      var params = new URLSearchParams({ query: query });
      if (form.elements.ignore_accents.checked) { params.set("ignore_accents", "1"); }
      if (form.elements.segment_chinese.checked) { params.set("segment_chinese", "1"); }
      var mine = ++asked;
      var headers = (box.getAttribute("data-headers") || "").split("|");
      fetch(form.getAttribute("data-test-url").split("?")[0] + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { accept: "application/json" }
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (mine === asked) { show(data, headers); box.setAttribute("data-ready", String(mine)); }
      });
    }
    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(ask, 350);
    }
    form.elements.query.addEventListener("input", later);
    form.elements.ignore_accents.addEventListener("change", later);
    form.elements.segment_chinese.addEventListener("change", later);
  }

  document.addEventListener("DOMContentLoaded", function () {
    autoSubmitLocale();
    livePreview();
    drawCharts();
  });
})();
