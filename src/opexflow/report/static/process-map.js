/* opexflow process map.
 *
 * Builds a Graphviz DOT graph from the report data (#report-data), lays it
 * out with Graphviz compiled to WebAssembly (the vendored @hpcc-js/wasm
 * build, global "@hpcc-js/wasm/graphviz") and adds a frequency/performance
 * switch, a path-coverage slider, hover focus and pan/zoom. User text enters
 * the page only through Graphviz's escaped SVG output or textContent.
 * humanize() mirrors opexflow.report.formatting.humanize_duration.
 */
(function () {
  "use strict";

  var FIT_SCALE_MAX = 1.25;
  var ZOOM_MAX = 4;
  var NAME_MAX_WIDTH = 190;
  var FONT_SIZE = 13;
  var BLUES = ["#f3f7fc", "#d3e3f4", "#8db8e2", "#3c7cc4", "#1b4f8f"];
  var HEAT = ["#fbfaf7", "#fde3b8", "#f9a66c", "#e0533a", "#9e1a1a"];
  var EDGE_FREQ = ["#b3bec9", "#5d8fca", "#1b4f8f"];
  var EDGE_HEAT = ["#b3bec9", "#f0a04b", "#d7301f", "#7f0000"];
  var NEUTRAL = "#f4f5f7";
  var START = "#3f8f5a";
  var END = "#52606d";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  /* ---------- formatting ---------- */

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function makeFormat(lang, S) {
    var locale = lang === "zh" ? "zh-CN" : "en-US";
    var fixed = [0, 1, 2].map(function (digits) {
      return new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    });
    function isNum(v) {
      return typeof v === "number" && isFinite(v);
    }
    function int(v) {
      return isNum(v) ? fixed[0].format(Math.floor(v + 0.5)) : S.empty;
    }
    function humanize(seconds) {
      if (!isNum(seconds)) return S.empty;
      var sign = seconds < 0 ? "-" : "";
      var s = Math.abs(seconds);
      if (s < 59.5) return sign + Math.floor(s + 0.5) + " " + S.unit_s;
      var m = s / 60;
      if (m < 59.5) return sign + fixed[m < 9.95 ? 1 : 0].format(m) + " " + S.unit_min;
      var h = s / 3600;
      if (h < 23.95) return sign + fixed[1].format(h) + " " + S.unit_h;
      var d = Math.floor(s / 86400);
      var rh = Math.floor((s - d * 86400) / 3600 + 0.5);
      if (rh === 24) {
        d += 1;
        rh = 0;
      }
      if (d >= 30 || rh === 0) return sign + fixed[0].format(d + rh / 24) + " " + S.unit_d;
      return sign + d + " " + S.unit_d + " " + rh + " " + S.unit_h;
    }
    return { isNum: isNum, int: int, humanize: humanize };
  }

  /* ---------- colours ---------- */

  function hexToRgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function ramp(stops, t) {
    var x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(x));
    var a = hexToRgb(stops[i]);
    var b = hexToRgb(stops[i + 1]);
    var f = x - i;
    return "#" + a.map(function (c, k) {
      var v = Math.round(c + (b[k] - c) * f);
      return (v < 16 ? "0" : "") + v.toString(16);
    }).join("");
  }

  function isDark(hex) {
    var c = hexToRgb(hex);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 140;
  }

  function ratio(value, max) {
    return max > 0 && value > 0 ? Math.sqrt(value / max) : 0;
  }

  /* ---------- model ---------- */

  function buildModel(pm) {
    var nodes = new Map();
    function ensure(name) {
      name = String(name);
      if (!nodes.has(name)) {
        nodes.set(name, { id: "n" + nodes.size, name: name, d: { activity: name, cases: 0, events: 0 } });
      }
      return nodes.get(name);
    }
    (pm.nodes || []).forEach(function (n) {
      ensure(n.activity).d = n;
    });
    var edges = (pm.edges || []).map(function (e, i) {
      return { id: "e" + i, from: ensure(e.from), to: ensure(e.to), d: e };
    });
    function terminal(list) {
      return (list || []).map(function (t) {
        return { node: ensure(t.activity), cases: t.cases || 0 };
      });
    }
    return { nodes: Array.from(nodes.values()), edges: edges, starts: terminal(pm.start), ends: terminal(pm.end) };
  }

  /* Keep the paths with the most cases until they cover pct% of all case
     transitions, then give every activity its strongest path in and out. */
  function selectEdges(edges, pct) {
    var sorted = edges.slice().sort(function (a, b) {
      return (b.d.cases || 0) - (a.d.cases || 0) || (b.d.events || 0) - (a.d.events || 0);
    });
    var total = sorted.reduce(function (sum, e) { return sum + (e.d.cases || 0); }, 0);
    var keep = new Set();
    var covered = 0;
    for (var i = 0; i < sorted.length; i++) {
      if (keep.size > 0 && covered >= (total * pct) / 100 - 1e-9) break;
      keep.add(sorted[i]);
      covered += sorted[i].d.cases || 0;
    }
    var bestIn = new Map();
    var bestOut = new Map();
    sorted.forEach(function (e) {
      if (e.from === e.to) return;
      if (!bestIn.has(e.to)) bestIn.set(e.to, e);
      if (!bestOut.has(e.from)) bestOut.set(e.from, e);
    });
    bestIn.forEach(function (e) { keep.add(e); });
    bestOut.forEach(function (e) { keep.add(e); });
    return keep;
  }

  function defaultCoverage(model) {
    var limit = Math.max(40, Math.round(model.nodes.length * 1.6));
    for (var pct = 100; pct > 10; pct -= 5) {
      if (selectEdges(model.edges, pct).size <= limit) return pct;
    }
    return 10;
  }

  /* ---------- DOT ---------- */

  function dotString(text) {
    return '"' + String(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]+/g, " ") + '"';
  }

  /* Lines of a plain label: each line escaped, joined by DOT's centred line break. */
  function dotLines(lines) {
    return '"' + lines.map(function (l) { return dotString(l).slice(1, -1); }).join("\\n") + '"';
  }

  function attrs(map) {
    return "[" + Object.keys(map).map(function (k) {
      var v = map[k];
      return k + "=" + (typeof v === "number" ? String(Math.round(v * 1000) / 1000) : dotString(v));
    }).join(", ") + "]";
  }

  function Measure(fontStack) {
    var ctx = document.createElement("canvas").getContext("2d");
    var nameFont = "600 " + FONT_SIZE + "px " + fontStack;
    var statsFont = FONT_SIZE + "px " + fontStack;
    function width(text, font) {
      ctx.font = font;
      return ctx.measureText(text).width;
    }
    function wrap(text) {
      if (width(text, nameFont) <= NAME_MAX_WIDTH) return [text];
      var tokens = text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+/g) || [text];
      var lines = [];
      var line = "";
      tokens.forEach(function (tok) {
        if (line.trim() && width((line + tok).trim(), nameFont) > NAME_MAX_WIDTH) {
          lines.push(line.trim());
          line = tok.trim() ? tok : "";
        } else {
          line += tok;
        }
      });
      if (line.trim()) lines.push(line.trim());
      return lines;
    }
    return {
      wrap: wrap,
      label: function (nameLines, stats) {
        var w = Math.max(width(stats, statsFont), Math.max.apply(null, nameLines.map(function (l) { return width(l, nameFont); })));
        return { text: nameLines.concat([stats]), widthIn: (w + 26) / 72 };
      },
    };
  }

  function Styler(model, view, metric, fmt, S) {
    var maxCases = 0;
    var maxWait = 0;
    var maxDur = 0;
    model.nodes.forEach(function (n) {
      maxCases = Math.max(maxCases, n.d.cases || 0);
      if (fmt.isNum(n.d.waiting_median_s)) maxWait = Math.max(maxWait, n.d.waiting_median_s);
    });
    model.edges.forEach(function (e) {
      maxCases = Math.max(maxCases, e.d.cases || 0);
      if (fmt.isNum(e.d[metric])) maxDur = Math.max(maxDur, e.d[metric]);
    });
    var perf = view === "performance";
    function node(n) {
      var fillColor = perf
        ? (fmt.isNum(n.d.waiting_median_s) ? ramp(HEAT, 0.08 + 0.92 * ratio(n.d.waiting_median_s, maxWait)) : NEUTRAL)
        : ramp(BLUES, 0.04 + 0.96 * ratio(n.d.cases, maxCases));
      var stats = perf
        ? fill(S.node_perf, { wait: fmt.humanize(n.d.waiting_median_s), service: fmt.humanize(n.d.service_median_s) })
        : fill(S.node_freq, { cases: fmt.int(n.d.cases), events: fmt.int(n.d.events) });
      return { fill: fillColor, font: isDark(fillColor) ? "#ffffff" : "#1f2933", stats: stats };
    }
    function edge(e) {
      var r = perf ? ratio(e.d[metric], maxDur) : ratio(e.d.cases, maxCases);
      return {
        color: ramp(perf ? EDGE_HEAT : EDGE_FREQ, r),
        penwidth: 1 + 4.5 * r,
        weight: 1 + Math.round(8 * ratio(e.d.cases, maxCases)),
        label: perf ? fmt.humanize(e.d[metric]) : fmt.int(e.d.cases),
      };
    }
    function terminal(cases) {
      return { penwidth: 1 + 3 * ratio(cases, maxCases), label: perf ? "" : fmt.int(cases) };
    }
    return { node: node, edge: edge, terminal: terminal };
  }

  function nodeTip(n, fmt, S) {
    var lines = [n.name, fill(S.node_freq, { cases: fmt.int(n.d.cases), events: fmt.int(n.d.events) })];
    lines.push(fill(S.node_perf, { wait: fmt.humanize(n.d.waiting_median_s), service: fmt.humanize(n.d.service_median_s) }));
    if (n.d.rework_cases) lines.push(fill(S.node_rework, { cases: fmt.int(n.d.rework_cases) }));
    return lines.join("\n");
  }

  function edgeTip(e, fmt, S) {
    return e.from.name + " → " + e.to.name + "\n" + fill(S.edge_tip, {
      cases: fmt.int(e.d.cases), events: fmt.int(e.d.events),
      median: fmt.humanize(e.d.median_s), mean: fmt.humanize(e.d.mean_s), p90: fmt.humanize(e.d.p90_s),
    });
  }

  function buildDot(model, state, env) {
    var style = Styler(model, state.view, state.metric, env.fmt, env.S);
    var kept = selectEdges(model.edges, state.coverage);
    var tips = {};
    var out = [
      "digraph G {",
      'graph [rankdir="TB", nodesep=0.45, ranksep=0.42, pad=0.25, bgcolor="transparent", outputorder="edgesfirst", fontname="Helvetica"];',
      'node [shape="box", style="rounded,filled", fontname="Helvetica", fontsize=' + FONT_SIZE + ', color="#8a99ab", penwidth=1, margin="0.16,0.07", height=0.5];',
      'edge [fontname="Helvetica", fontsize=11, fontcolor="#3e4c59", arrowsize=0.7];',
    ];
    if (model.starts.length) {
      out.push("__start " + attrs({ id: "node-start", shape: "circle", label: "", width: 0.22, height: 0.22, fixedsize: "true", fillcolor: START, color: START }) + ";");
      tips["node-start"] = env.S.start;
    }
    if (model.ends.length) {
      out.push("__end " + attrs({ id: "node-end", shape: "doublecircle", label: "", width: 0.16, height: 0.16, fixedsize: "true", fillcolor: END, color: END }) + ";");
      tips["node-end"] = env.S.end;
    }
    model.nodes.forEach(function (n) {
      var s = style.node(n);
      var label = env.measure.label(env.measure.wrap(n.name), s.stats);
      out.push(n.id + " [label=" + dotLines(label.text) + ", " + attrs({ id: "node-" + n.id, width: label.widthIn, fillcolor: s.fill, fontcolor: s.font }).slice(1) + ";");
      tips["node-" + n.id] = nodeTip(n, env.fmt, env.S);
    });
    model.starts.forEach(function (t, i) {
      var s = style.terminal(t.cases);
      out.push("__start -> " + t.node.id + " " + attrs({ id: "edge-s" + i, style: "dashed", color: "#8fa39a", penwidth: s.penwidth, label: s.label ? " " + s.label + " " : "" }) + ";");
      tips["edge-s" + i] = fill(env.S.start_tip, { cases: env.fmt.int(t.cases) }) + "\n" + t.node.name;
    });
    model.edges.forEach(function (e) {
      if (!kept.has(e)) return;
      var s = style.edge(e);
      out.push(e.from.id + " -> " + e.to.id + " " + attrs({ id: "edge-" + e.id, color: s.color, penwidth: s.penwidth, weight: s.weight, label: " " + s.label + " " }) + ";");
      tips["edge-" + e.id] = edgeTip(e, env.fmt, env.S);
    });
    model.ends.forEach(function (t, i) {
      var s = style.terminal(t.cases);
      out.push(t.node.id + " -> __end " + attrs({ id: "edge-t" + i, style: "dashed", color: "#9aa5b1", penwidth: s.penwidth, label: s.label ? " " + s.label + " " : "" }) + ";");
      tips["edge-t" + i] = fill(env.S.end_tip, { cases: env.fmt.int(t.cases) }) + "\n" + t.node.name;
    });
    if (model.starts.length) out.push("{ rank=source; __start; }");
    if (model.ends.length) out.push("{ rank=sink; __end; }");
    out.push("}");
    return { dot: out.join("\n"), tips: tips, shown: kept.size };
  }

  /* ---------- SVG, hover focus, pan and zoom ---------- */

  function parseSvg(text) {
    var doc = new DOMParser().parseFromString(text.slice(text.indexOf("<svg")), "image/svg+xml");
    var svg = doc.documentElement;
    if (svg.nodeName !== "svg" || doc.getElementsByTagName("parsererror").length) {
      throw new Error("Graphviz returned no SVG");
    }
    return document.importNode(svg, true);
  }

  function decorate(svg, tips) {
    var graphTitle = svg.querySelector("g.graph > title");
    if (graphTitle) graphTitle.remove();
    Array.prototype.forEach.call(svg.querySelectorAll("g.node, g.edge"), function (g) {
      var title = g.querySelector("title");
      if (title) title.textContent = tips[g.id] || "";
      if (g.classList.contains("node")) {
        var texts = g.querySelectorAll("text");
        Array.prototype.forEach.call(texts, function (t, i) {
          t.setAttribute("class", i === texts.length - 1 ? "stats" : "name");
        });
      }
    });
  }

  function Focus(container, svg, model) {
    var byNode = {};
    model.edges.forEach(function (e) {
      [e.from.id, e.to.id].forEach(function (id) {
        (byNode[id] = byNode[id] || []).push(e);
      });
    });
    function lit(id) {
      var el = svg.querySelector("#" + id);
      if (el) el.classList.add("lit");
    }
    svg.addEventListener("mouseover", function (ev) {
      var g = ev.target.closest ? ev.target.closest("g.node") : null;
      if (!g || !/^node-n\d+$/.test(g.id)) return;
      container.classList.add("focus");
      lit(g.id);
      (byNode[g.id.slice(5)] || []).forEach(function (e) {
        lit("edge-" + e.id);
        lit("node-" + e.from.id);
        lit("node-" + e.to.id);
      });
    });
    svg.addEventListener("mouseout", function () {
      container.classList.remove("focus");
      Array.prototype.forEach.call(svg.querySelectorAll(".lit"), function (el) { el.classList.remove("lit"); });
    });
  }

  function PanZoom(container, svg) {
    var base = svg.viewBox.baseVal;
    var home = { x: base.x, y: base.y, w: base.width, h: base.height };
    var vb = { x: home.x, y: home.y, w: home.w, h: home.h };
    var fitScale = 1;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    function apply() {
      svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].join(" "));
    }
    function fit() {
      var cw = container.clientWidth;
      var ch = container.clientHeight;
      fitScale = Math.min(cw / home.w, ch / home.h, FIT_SCALE_MAX);
      vb.w = cw / fitScale;
      vb.h = ch / fitScale;
      vb.x = home.x + (home.w - vb.w) / 2;
      vb.y = home.y + (home.h - vb.h) / 2;
      apply();
    }
    function zoom(factor, cx, cy) {
      var cw = container.clientWidth;
      var ch = container.clientHeight;
      var scale = Math.max(fitScale * 0.5, Math.min(ZOOM_MAX, (cw / vb.w) * factor));
      var px = vb.x + (cx / cw) * vb.w;
      var py = vb.y + (cy / ch) * vb.h;
      vb.w = cw / scale;
      vb.h = ch / scale;
      vb.x = px - (cx / cw) * vb.w;
      vb.y = py - (cy / ch) * vb.h;
      apply();
    }
    function naturalHeight(maxHeight) {
      var s = Math.min(FIT_SCALE_MAX, container.clientWidth / home.w);
      return Math.max(360, Math.min(maxHeight, Math.ceil(home.h * s) + 24));
    }
    function pan(dx, dy) {
      vb.x -= (dx * vb.w) / container.clientWidth;
      vb.y -= (dy * vb.h) / container.clientHeight;
      apply();
    }
    return { fit: fit, zoom: zoom, pan: pan, naturalHeight: naturalHeight };
  }

  function wirePointer(container, view) {
    var drag = null;
    container.addEventListener("wheel", function (ev) {
      if (!view.current || !(ev.ctrlKey || ev.metaKey)) return;
      ev.preventDefault();
      var box = container.getBoundingClientRect();
      view.current.zoom(Math.exp(-ev.deltaY * 0.0015), ev.clientX - box.left, ev.clientY - box.top);
    }, { passive: false });
    container.addEventListener("pointerdown", function (ev) {
      if (!view.current || ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY };
      container.setPointerCapture(ev.pointerId);
      container.classList.add("dragging");
    });
    container.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      view.current.pan(ev.clientX - drag.x, ev.clientY - drag.y);
      drag = { x: ev.clientX, y: ev.clientY };
    });
    function stop() {
      drag = null;
      container.classList.remove("dragging");
    }
    container.addEventListener("pointerup", stop);
    container.addEventListener("pointercancel", stop);
    container.addEventListener("dblclick", function () {
      if (view.current) view.current.fit();
    });
  }

  /* ---------- page ---------- */

  function Controls(root, state, S, onChange) {
    var viewButtons = root.querySelectorAll("[data-view]");
    var metricBox = root.querySelector(".metric");
    var metric = root.querySelector("#map-metric");
    var range = root.querySelector("#map-coverage");
    var rangeLabel = root.querySelector("#map-coverage-label");
    var timer = null;
    function sync() {
      Array.prototype.forEach.call(viewButtons, function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-view") === state.view));
      });
      metricBox.hidden = state.view !== "performance";
      metric.value = state.metric;
      range.value = String(state.coverage);
      rangeLabel.textContent = fill(S.map_coverage, { pct: state.coverage + "%" });
    }
    Array.prototype.forEach.call(viewButtons, function (b) {
      b.addEventListener("click", function () {
        state.view = b.getAttribute("data-view");
        sync();
        onChange();
      });
    });
    metric.addEventListener("change", function () {
      state.metric = metric.value;
      onChange();
    });
    range.addEventListener("input", function () {
      state.coverage = Number(range.value);
      sync();
      clearTimeout(timer);
      timer = setTimeout(onChange, 120);
    });
    sync();
    root.hidden = false;
  }

  /* Optional start state from the address, e.g. report.html#view=performance&metric=p90_s&paths=80 */
  function fromHash(state) {
    var hash = window.location.hash;
    var view = /[#&]view=(frequency|performance)\b/.exec(hash);
    var metric = /[#&]metric=(median_s|mean_s|p90_s)\b/.exec(hash);
    var paths = /[#&]paths=(\d+)\b/.exec(hash);
    if (view) state.view = view[1];
    if (metric) state.metric = metric[1];
    if (paths) state.coverage = Math.max(10, Math.min(100, Math.round(Number(paths[1]) / 5) * 5));
    return state;
  }

  function start() {
    var data = readJson("report-data");
    var config = readJson("report-i18n");
    var container = document.getElementById("map-canvas");
    var status = document.getElementById("map-status");
    if (!data || !config || !container) return;
    var S = config.strings;
    var view = { current: null };
    function fail(err) {
      view.current = null;
      status.className = "map-status error";
      status.textContent = fill(S.map_error, { error: err && err.message ? err.message : String(err) });
      container.replaceChildren(status);
    }
    var lib = window["@hpcc-js/wasm/graphviz"];
    if (!lib) return fail(new Error("Graphviz"));
    var fontStack = getComputedStyle(document.documentElement).getPropertyValue("--font-sans").trim() || "sans-serif";
    var model = buildModel(data.process_map || {});
    var env = { S: S, fmt: makeFormat(config.lang, S), measure: Measure(fontStack) };
    var state = fromHash({ view: "frequency", metric: "median_s", coverage: defaultCoverage(model) });
    var sizedOnce = false;
    wirePointer(container, view);
    lib.Graphviz.load().then(function (graphviz) {
      function render() {
        try {
          var built = buildDot(model, state, env);
          var svg = parseSvg(graphviz.layout(built.dot, "svg", "dot"));
          decorate(svg, built.tips);
          container.replaceChildren(svg);
          view.current = PanZoom(container, svg);
          if (!sizedOnce) {
            container.style.height = view.current.naturalHeight(Math.max(720, window.innerHeight * 1.5)) + "px";
            sizedOnce = true;
          }
          view.current.fit();
          Focus(container, svg, model);
          document.getElementById("map-shown").textContent = fill(S.map_shown, { shown: built.shown, total: model.edges.length });
          document.getElementById("map-legend").textContent = state.view === "performance"
            ? fill(S.legend_performance, { metric: S["metric_" + state.metric.replace(/_s$/, "")] })
            : S.legend_frequency;
        } catch (err) {
          fail(err);
        }
      }
      Controls(document.getElementById("map-controls"), state, S, render);
      window.addEventListener("resize", function () {
        if (view.current) view.current.fit();
      });
      render();
    }, fail);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
