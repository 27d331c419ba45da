// park.js — the scenic area's panels: cameras (a mosaic of live thumbnails,
// offline and faulty cameras first, each fault a badge, a moved camera with
// its 基准画面 beside) and plan (a site plan drawn from the scene's layout,
// each device a dot in its state's colour). Names go in through textContent
// and SVG text nodes only.
"use strict";
(function (W) {
  const fmt = W.fmt;
  const h = W.html.h;
  const SVG = "http://www.w3.org/2000/svg";

  // ---- cameras ----

  function cameras(def, body, ctx) {
    const head = body.appendChild(h("div", "cam-summary"));
    const grid = body.appendChild(h("div", "cam-grid"));
    const tiles = new Map(); // camera name → its tile, kept so images load only when they change
    return {
      update(d) {
        const list = (d && d.tiles) || [];
        head.textContent = d ? "在线 " + d.online + "/" + d.total + " · 画面故障 " + d.faulty : "无数据";
        grid.dataset.n = String(Math.min(list.length, 16));
        const keep = new Set(list.map((t) => t.name));
        for (const [name, tile] of tiles) if (!keep.has(name)) tiles.delete(name);
        grid.replaceChildren(...list.map((t) => {
          let tile = tiles.get(t.name);
          if (!tile) tiles.set(t.name, (tile = camTile()));
          tile.set(t);
          return tile.el;
        }));
        if (list.length === 0) grid.appendChild(h("div", "empty", "无摄像机"));
        this.tick(ctx.now());
      },
      tick(now) {
        for (const el of grid.querySelectorAll(".cam-age")) {
          const since = Number(el.dataset.since);
          el.textContent = since > 0 ? "持续" + fmt.duration((now - since) / 1000) : "";
        }
      },
    };
  }

  function camTile() {
    const el = h("figure", "cam-tile");
    const img = el.appendChild(h("img", "cam-img"));
    img.alt = "";
    const ref = el.appendChild(h("div", "cam-ref"));
    const refImg = ref.appendChild(h("img"));
    refImg.alt = "";
    ref.appendChild(h("span", "", "基准画面"));
    const badges = el.appendChild(h("div", "cam-badges"));
    const cap = el.appendChild(h("figcaption"));
    const title = cap.appendChild(h("span", "cam-title"));
    const age = cap.appendChild(h("span", "cam-age"));
    return {
      el,
      set(t) {
        el.className = "cam-tile state-" + (t.state || "unknown");
        setSrc(img, t.thumb);
        ref.hidden = !t.reference;
        setSrc(refImg, t.reference);
        title.textContent = t.title || t.name;
        age.dataset.since = String(fmt.parseTime(t.since) || 0);
        badges.replaceChildren(...(t.faults || []).map((f) => h("span", "cam-badge", f)));
      },
    };
  }

  // setSrc changes an image only when its address changes: the address
  // carries the picture's time, so an unchanged camera costs no request.
  function setSrc(img, src) {
    if (!src) return void img.removeAttribute("src");
    if (img.getAttribute("src") !== src) img.src = src;
  }

  // ---- plan ----

  const ICON_TEXT = { camera: "摄", gate: "闸", barrier: "杆", led: "屏", parking: "P", wifi: "网", broadcast: "播", nvr: "录" };

  function plan(def, body) {
    const layout = def.layout || { points: [] };
    const height = layout.height || 56;
    const svg = body.appendChild(svgEl("svg", { class: "plan", viewBox: "0 0 100 " + height, preserveAspectRatio: "xMidYMid meet" }));
    for (const s of layout.shapes || []) drawShape(svg, s);
    const dots = new Map();
    for (const p of layout.points || []) dots.set(p.key, drawPoint(svg, p));
    return {
      update(d) {
        const byName = new Map(((d && d.rows) || []).map((r) => [r.name, r]));
        for (const [key, dot] of dots) {
          const r = byName.get(key);
          const st = r ? fmt.stateOf(r.value, r.state, def.thresholds) || "ok" : "unknown";
          dot.g.setAttribute("class", "plan-point state-" + st);
          dot.circle.setAttribute("fill", fmt.color(st));
          dot.label.textContent = st === "ok" ? "" : dot.name;
        }
      },
    };
  }

  function svgEl(tag, attrs) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    return el;
  }

  function drawShape(svg, s) {
    const pts = (s.points || []).map((p) => p[0] + "," + p[1]).join(" ");
    const tag = s.kind === "area" ? "polygon" : "polyline";
    svg.appendChild(svgEl(tag, { points: pts, class: "plan-" + s.kind + " plan-" + s.style }));
    if (s.name && s.points && s.points.length) {
      const c = centre(s.points);
      const t = svg.appendChild(svgEl("text", { x: c[0], y: c[1], class: "plan-name" }));
      t.textContent = s.name;
    }
  }

  function centre(points) {
    const n = points.length;
    return [points.reduce((a, p) => a + p[0], 0) / n, points.reduce((a, p) => a + p[1], 0) / n];
  }

  function drawPoint(svg, p) {
    const g = svg.appendChild(svgEl("g", { class: "plan-point" }));
    const circle = g.appendChild(svgEl("circle", { cx: p.x, cy: p.y, r: 1.8 }));
    const icon = g.appendChild(svgEl("text", { x: p.x, y: p.y + 0.7, class: "plan-icon" }));
    icon.textContent = ICON_TEXT[p.icon] || "•";
    const title = g.appendChild(svgEl("title"));
    title.textContent = p.name;
    const label = g.appendChild(svgEl("text", { x: p.x, y: p.y + 4.2, class: "plan-label" }));
    return { g, circle, label, name: p.name };
  }

  W.park = { cameras, plan };
})(window.Wall = window.Wall || {});
