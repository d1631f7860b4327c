// Impact x urgency matrix: ECharts scatter with draggable points; a drop
// snaps to whole scores and saves through the JSON API (PATCH, with the
// version read, so a stale drop is refused rather than overwriting).
(function () {
  "use strict";
  var el = document.getElementById("matrix");
  if (!el || !window.echarts) return;
  var points = JSON.parse(document.getElementById("matrix-data").textContent);
  var words = JSON.parse(document.getElementById("matrix-i18n").textContent);
  var project = el.dataset.project;
  var editable = el.dataset.editable === "true";
  var csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}"))["X-CSRF-Token"];
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var colors = { efficiency: "#2f6fdf", quality: "#d9822b", collaboration: "#12a37f", risk: "#d64545" };

  function spread(list) {
    // Problems on the same cell fan out around its centre.
    var cells = {};
    return list.filter(function (p) { return p.impact && p.urgency; }).map(function (p) {
      var key = p.impact + ":" + p.urgency;
      var n = (cells[key] = (cells[key] || 0) + 1) - 1;
      var angle = n * 2.4, r = n ? 0.18 : 0;
      return { p: p, x: p.urgency + r * Math.cos(angle), y: p.impact + r * Math.sin(angle) };
    });
  }

  function axis(name, gap) {
    // Scores 1-5 sit in the middle of their cells; the cell borders are at the halves.
    return { min: 0.5, max: 5.5, interval: 0.5, name: name, nameLocation: "middle", nameGap: gap,
      splitLine: { show: false },
      axisLabel: { formatter: function (v) { return Number.isInteger(v) ? String(v) : ""; } } };
  }

  function render() {
    var placed = spread(points);
    chart.setOption({
      grid: { left: 60, right: 30, top: 30, bottom: 50 },
      xAxis: axis(words.urgency, 30),
      yAxis: axis(words.impact, 35),
      tooltip: { formatter: function (item) { var p = item.data.p; return p.title + "<br>" + words.impact + " " + p.impact + " · " + words.urgency + " " + p.urgency; } },
      series: [{
        type: "scatter", symbolSize: 18,
        data: placed.map(function (d) { return { value: [d.x, d.y], p: d.p, itemStyle: { color: colors[d.p.category] } }; }),
        label: { show: true, position: "right", formatter: function (item) { return item.data.p.title; }, fontSize: 12 },
        markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { type: "dashed", color: "#b8c0cc" },
          data: [{ xAxis: 2.5 }, { yAxis: 2.5 }] },
        markArea: { silent: true, label: { color: "#8a93a6", fontSize: 12 }, data: [
          [{ xAxis: 2.5, yAxis: 2.5, name: words.act_now, itemStyle: { color: "rgba(214,69,69,0.07)" } }, { xAxis: 5.5, yAxis: 5.5 }],
          [{ xAxis: 0.5, yAxis: 2.5, name: words.plan, itemStyle: { color: "rgba(217,130,43,0.05)" } }, { xAxis: 2.5, yAxis: 5.5 }],
          [{ xAxis: 2.5, yAxis: 0.5, name: words.quick_fix, itemStyle: { color: "rgba(47,111,223,0.05)" } }, { xAxis: 5.5, yAxis: 2.5 }],
          [{ xAxis: 0.5, yAxis: 0.5, name: words.watch, itemStyle: { color: "rgba(0,0,0,0.02)" } }, { xAxis: 2.5, yAxis: 2.5 }]
        ] }
      }]
    }, true);
    if (!editable) return;
    // Drag handles go on once the grid exists (pixel positions need it).
    chart.setOption({
      graphic: placed.map(function (d) {
        return {
          type: "circle", shape: { r: 11 }, invisible: true, draggable: true, z: 100,
          position: chart.convertToPixel("grid", [d.x, d.y]),
          ondragend: function () { drop(d.p, this.x, this.y); }
        };
      })
    });
  }

  function drop(p, x, y) {
    var v = chart.convertFromPixel("grid", [x, y]);
    var urgency = Math.min(5, Math.max(1, Math.round(v[0])));
    var impact = Math.min(5, Math.max(1, Math.round(v[1])));
    save(p, impact, urgency);
  }

  function save(p, impact, urgency) {
    fetch("/api/v1/projects/" + project + "/problems/" + p.id, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ version: p.version, impact: impact, urgency: urgency })
    }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { document.getElementById("messages").innerHTML = "<div class='message error'><strong></strong></div>";
          document.querySelector("#messages strong").textContent = res.body.error; render(); return; }
        p.impact = res.body.impact; p.urgency = res.body.urgency; p.version = res.body.version;
        var row = document.querySelector("#matrix-table tr[data-id='" + p.id + "']");
        if (row) {
          row.querySelector("[data-field=impact]").value = String(p.impact);
          row.querySelector("[data-field=urgency]").value = String(p.urgency);
          row.querySelector(".quadrant").textContent = words[res.body.quadrant] || "";
        }
        render();
      });
  }

  document.querySelectorAll("#matrix-table select").forEach(function (select) {
    select.addEventListener("change", function () {
      var row = select.closest("tr");
      var p = points.find(function (q) { return String(q.id) === row.dataset.id; });
      var impact = Number(row.querySelector("[data-field=impact]").value) || null;
      var urgency = Number(row.querySelector("[data-field=urgency]").value) || null;
      if (impact && urgency) save(p, impact, urgency);
    });
  });
  window.addEventListener("resize", function () { chart.resize(); render(); });
  render();
})();
