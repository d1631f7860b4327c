// Pilot evaluation charts (ECharts), drawn whenever htmx swaps in the results:
// per KPI the pilot group's distribution before vs after (Tukey box plot; bars for
// shares), the weekly trend of pilot and control with the pilot start marked,
// and pilot vs control before and after the start.
(function () {
  "use strict";
  var PILOT = "#2f6fdf", CONTROL = "#9aa5b8", BEFORE = "#b8c0cc";

  function fmt(v) {
    if (v === null || v === undefined) return "—";
    return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  function title(text, unit) {
    return { text: text, subtext: unit || "", left: "center", textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 } };
  }

  function distribution(c, w) {
    var labels = [w.before, w.after];
    if (c.share) {
      return {
        title: title(w.share), grid: { left: 50, right: 20, top: 55, bottom: 30 },
        tooltip: { trigger: "axis", valueFormatter: fmt },
        xAxis: { type: "category", data: labels }, yAxis: { type: "value", name: c.unit },
        series: [{ type: "bar", barWidth: "40%", data: [
          { value: c.groups.pilot[0], itemStyle: { color: BEFORE } },
          { value: c.groups.pilot[1], itemStyle: { color: PILOT } }],
          label: { show: true, position: "top", formatter: function (p) { return fmt(p.value) + c.unit; } } }]
      };
    }
    return {
      title: title(w.distribution, w.box), grid: { left: 50, right: 20, top: 55, bottom: 30 },
      tooltip: { trigger: "item", formatter: function (p) {
        var v = p.value.length === 6 ? p.value.slice(1) : p.value;  // ECharts may prepend the index
        return p.name + "<br>" + fmt(v[0]) + " · Q1 " + fmt(v[1]) + " · " +
          "M " + fmt(v[2]) + " · Q3 " + fmt(v[3]) + " · " + fmt(v[4]) + " " + c.unit; } },
      xAxis: { type: "category", data: labels }, yAxis: { type: "value", name: c.unit, scale: true },
      series: [{ type: "boxplot", data: [
        { value: c.box.before || [], itemStyle: { color: "#eef1f6", borderColor: "#7a8599" } },
        { value: c.box.after || [], itemStyle: { color: "#e7eefc", borderColor: PILOT } }] }]
    };
  }

  function weekly(c, w) {
    var series = [{ name: w.pilot, type: "line", data: c.weekly.pilot, connectNulls: true, color: PILOT,
      markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#d64545" },
        label: { formatter: w.start, color: "#d64545" }, data: [{ xAxis: c.start_week }] } }];
    if (c.weekly.control) {
      series.push({ name: w.control, type: "line", data: c.weekly.control, connectNulls: true, color: CONTROL });
    }
    return {
      title: title(w.weekly), legend: { bottom: 0 }, grid: { left: 50, right: 20, top: 55, bottom: 55 },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      xAxis: { type: "category", data: c.weeks, axisLabel: { formatter: function (v) { return v.slice(5); } } },
      yAxis: { type: "value", name: c.unit, scale: true }, series: series
    };
  }

  function groups(c, w) {
    var series = [{ name: w.pilot, type: "bar", data: c.groups.pilot, color: PILOT }];
    if (c.groups.control) series.push({ name: w.control, type: "bar", data: c.groups.control, color: CONTROL });
    return {
      title: title(w.groups), legend: { bottom: 0 }, grid: { left: 50, right: 20, top: 55, bottom: 55 },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      xAxis: { type: "category", data: [w.before, w.after] }, yAxis: { type: "value", name: c.unit },
      series: series.map(function (s) {
        s.label = { show: true, position: "top", formatter: function (p) { return fmt(p.value); } };
        return s;
      })
    };
  }

  var MAKERS = { distribution: distribution, weekly: weekly, groups: groups };

  function draw() {
    var data = document.getElementById("pilot-charts-data");
    if (!data || !window.echarts) return;
    var charts = JSON.parse(data.textContent);
    var words = JSON.parse(document.getElementById("pilot-charts-i18n").textContent);
    document.querySelectorAll(".pilot-chart").forEach(function (el) {
      var c = charts[Number(el.dataset.index)];
      if (!c) return;
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(MAKERS[el.dataset.chart](c, words), true);
    });
  }

  document.body.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "pilot-results") draw();
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".pilot-chart").forEach(function (el) {
      var chart = window.echarts && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
