// charts.js — the ECharts panels: gauge (water levels), map (districts by
// health, development zones as points) and topology (the four WAN levels).
// One chart instance per panel, created when first drawn and reused for every
// update; it is re-created only when the wall's pixel density changes.
"use strict";
(function (W) {
  const fmt = W.fmt;
  const h = W.html.h;
  const MAP = "sanmenxia";
  const TEXT = "#e6f0ff";
  const DIM = "#8aa4c8";

  // holder owns one chart: created lazily (its box must have a size), sharp
  // on a scaled wall (devicePixelRatio × canvas scale), disposed with its panel.
  function holder(body, ctx) {
    const el = body.appendChild(h("div", "chart"));
    let chart = null;
    let dpr = 0;
    let option = null;
    return {
      el,
      set(opt) {
        option = opt;
        if (!chart) {
          dpr = ctx.dpr();
          chart = echarts.init(el, null, { devicePixelRatio: dpr });
        }
        chart.setOption(opt, { replaceMerge: ["series"], lazyUpdate: true });
      },
      resize() {
        if (!chart) return;
        if (Math.abs(ctx.dpr() - dpr) < 0.01) return chart.resize();
        chart.dispose();
        chart = null;
        if (option) this.set(option);
      },
      dispose() {
        if (chart) chart.dispose();
        chart = null;
      },
    };
  }

  function gauge(def, body, ctx) {
    const value = body.appendChild(h("div", "value sr-only"));
    const c = holder(body, ctx);
    return {
      update(d) {
        const items = d && d.sub && d.sub.length ? d.sub.slice(0, 4)
          : [{ name: "", value: d ? d.value : null, state: d && d.state }];
        value.textContent = fmt.value(d ? d.value : null, def.format);
        c.set({ series: items.map((it, i) => gaugeSeries(def, it, i, items.length, c.el)) });
      },
      resize: () => c.resize(),
      dispose: () => c.dispose(),
    };
  }

  function gaugeSeries(def, it, i, n, el) {
    const pct = def.format === "percent";
    const v = fmt.isNum(it.value) ? (pct ? it.value * 100 : it.value) : 0;
    const st = fmt.stateOf(it.value, it.state, def.thresholds) || "ok";
    const color = fmt.color(st);
    const r = Math.max(20, Math.min(el.clientWidth / n / 2, el.clientHeight / 2) * 0.86);
    return {
      id: "g" + i, type: "gauge", center: [((i + 0.5) / n) * 100 + "%", "55%"], radius: r,
      min: 0, max: pct ? 100 : Math.max(100, v), startAngle: 220, endAngle: -40,
      progress: { show: true, width: r / 7, itemStyle: { color } },
      axisLine: { lineStyle: { width: r / 7, color: [[1, "rgba(79,209,255,0.14)"]] } },
      axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
      pointer: { show: false }, anchor: { show: false },
      title: { offsetCenter: [0, "72%"], color: DIM, fontSize: Math.max(12, r / 5) },
      detail: {
        valueAnimation: true, offsetCenter: [0, "0%"], color, fontSize: Math.max(14, r / 3.2),
        formatter: () => fmt.value(it.value, def.format),
      },
      data: [{ value: v, name: it.name }],
    };
  }

  // The GeoJSON comes once per page load (index.html preloads it) and is
  // fetched again until it arrives: a wall must not stay without its map.
  const mapReady = new Promise((resolve) => {
    const load = () => fetch(document.getElementById("geojson").href)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
      .then((geo) => { echarts.registerMap(MAP, nudge(geo)); resolve(); })
      .catch((err) => { console.warn("wall: map", err); setTimeout(load, 10000); });
    load();
  });

  // LABEL_AT moves two labels off the districts' seats: 湖滨区 (the city
  // proper) and 陕州区 around it have their seats a few km apart, so their
  // labels overlapped; these are points inside each district instead.
  const LABEL_AT = { "湖滨区": [111.27, 34.77], "陕州区": [111.37, 34.6] };

  function nudge(geo) {
    for (const f of geo.features || []) {
      const at = f.properties && LABEL_AT[f.properties.name];
      if (at) f.properties.cp = at;
    }
    return geo;
  }

  const AREA = {
    ok: "rgba(47,209,138,0.30)", warn: "rgba(255,176,32,0.45)", bad: "rgba(255,77,79,0.55)",
    unknown: "rgba(107,122,144,0.30)",
  };

  function map(def, body, ctx) {
    const c = holder(body, ctx);
    const legend = body.appendChild(h("div", "map-legend"));
    for (const s of ["ok", "warn", "bad", "unknown"]) {
      legend.appendChild(h("span", "state-" + s, fmt.stateName(s)));
    }
    const points = body.appendChild(h("ul", "map-points"));
    let latest = null;
    return {
      update(d) {
        latest = d;
        points.replaceChildren(...((d && d.points) || []).map((p) => mapPoint(def, p)));
        mapReady.then(() => { if (latest === d) c.set(mapOption(def, d || {})); });
      },
      resize: () => c.resize(),
      dispose: () => c.dispose(),
    };
  }

  // mapPoint lists a development zone beside the map: the zones sit a few km
  // apart inside 湖滨区/陕州区, too close for labels on the map itself.
  function mapPoint(def, p) {
    const li = h("li");
    li.appendChild(h("i")).style.background = fmt.color(fmt.stateOf(p.value, p.state, def.thresholds) || "unknown");
    li.appendChild(h("span", "", p.name));
    li.appendChild(h("b", "", fmt.value(p.value, def.format)));
    return li;
  }

  function mapOption(def, d) {
    const rows = new Map((d.rows || []).map((r) => [r.name, r]));
    const stateOf = (r) => fmt.stateOf(r.value, r.state, def.thresholds) || "unknown";
    return {
      geo: {
        map: MAP, roam: false, top: 10, bottom: 10, left: 10, right: 10, silent: true,
        itemStyle: { areaColor: AREA.unknown, borderColor: "#4fa8ff", borderWidth: 1.2 },
        label: {
          show: true, color: TEXT, fontSize: 16, lineHeight: 22,
          formatter: (p) => (rows.has(p.name) ? p.name + "\n" + fmt.value(rows.get(p.name).value, def.format) : p.name),
        },
        regions: [...rows.values()].map((r) => ({ name: r.name, itemStyle: { areaColor: AREA[stateOf(r)] } })),
      },
      series: [{
        id: "points", type: "effectScatter", coordinateSystem: "geo", symbolSize: 11,
        rippleEffect: { brushType: "stroke", scale: 3.5 },
        label: { show: false },
        data: (d.points || []).filter((p) => Array.isArray(p.coord) && p.coord.length === 2).map((p) => ({
          name: p.name, value: [p.coord[0], p.coord[1]], itemStyle: { color: fmt.color(stateOf(p)) },
        })),
      }],
    };
  }

  const LEVELS = ["city", "county", "town", "village"];
  const LEVEL_NAMES = ["市级", "县级", "乡镇级", "村级"];
  const SIZE = [34, 24, 16, 11];

  function topology(def, body, ctx) {
    const head = body.appendChild(h("div", "topo-levels"));
    for (const n of LEVEL_NAMES) head.appendChild(h("span", "", n));
    const c = holder(body, ctx);
    return {
      update(d) { c.set(topoOption(d || {}, c.el.clientWidth, c.el.clientHeight)); },
      resize: () => c.resize(),
      dispose: () => c.dispose(),
    };
  }

  // topoOption lays the nodes out in four columns itself (layout "none"), in
  // the chart's own pixels: two invisible anchors pin the bounding box to the
  // series box, so the columns line up with the level headings above.
  function topoOption(d, w, hgt) {
    const names = new Map();
    const nodes = [];
    LEVELS.forEach((lvl, li) => {
      const col = (d.nodes || []).filter((n) => n.level === lvl);
      const gap = hgt / Math.max(1, col.length);
      col.forEach((n, i) => {
        names.set(n.id, n.count > 1 ? n.name + "(" + n.count + ")" : n.name);
        nodes.push(topoNode(n, li, w * (0.125 + li * 0.25), gap * (i + 0.5), gap >= 30));
      });
    });
    const anchor = (x, y) => ({ name: "\u0000" + x, x, y, symbolSize: 0, label: { show: false } });
    nodes.push(anchor(w * 0.125, 0), anchor(w * 0.875, hgt));
    return {
      series: [{
        id: "topo", type: "graph", layout: "none", animation: false, silent: true,
        left: "12.5%", right: "12.5%", top: 0, bottom: 0,
        label: { color: TEXT, fontSize: 12, position: "bottom", distance: 2, formatter: (p) => names.get(p.name) || "" },
        data: nodes,
        links: (d.links || []).map(topoLink),
      }],
    };
  }

  function topoNode(n, li, x, y, labelled) {
    return {
      name: n.id, x, y, symbolSize: SIZE[li],
      itemStyle: { color: fmt.color(n.state), borderColor: "#050d1a", borderWidth: 1 },
      label: { show: labelled || li < 2 },
    };
  }

  function topoLink(l) {
    const util = fmt.isNum(l.util) ? Math.max(0, Math.min(1, l.util)) : null;
    return {
      source: l.source, target: l.target,
      lineStyle: {
        color: fmt.color(l.state), opacity: 0.85, curveness: 0,
        width: util === null ? 1 : 1 + util * 6, type: l.state === "unknown" ? "dashed" : "solid",
      },
    };
  }

  W.charts = { gauge, map, topology, mapReady };
})(window.Wall = window.Wall || {});
