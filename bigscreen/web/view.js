// view.js — the canvas and the scenes on it: one 1920×1080 canvas per column
// of the wall, side by side, scaled together to the wall by the screen's fit;
// one view per scene built from its Def alone (24×12 grid), panels drawn only
// while their scene is on screen, and the slow auto-scroll of lists longer
// than their panel.
"use strict";
(function (W) {
  const W0 = 1920;
  const H0 = 1080;
  const h = W.html.h;
  const MAKERS = {
    kpi: W.html.kpi, ranking: W.html.ranking, board: W.html.board, table: W.html.table,
    duty: W.html.duty, gauge: W.charts.gauge, map: W.charts.map, topology: W.charts.topology,
    cameras: W.park.cameras, plan: W.park.plan,
  };

  let scale = 1;

  // fit lays out columns canvases side by side and scales them together:
  // width and height keep the aspect (centred, the other axis cut or
  // letter-boxed), stretch fills both axes; anything else (no screen
  // settings yet) shows the whole canvas. A 32:9 wall with two columns (48:9
  // with three) is filled edge to edge at any of the three.
  function fit(mode, columns) {
    const cw = W0 * columns;
    const el = document.getElementById("canvas");
    el.style.width = cw + "px";
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    let sx = vw / cw;
    let sy = vh / H0;
    if (mode === "width") sy = sx;
    else if (mode === "height") sx = sy;
    else if (mode !== "stretch") sx = sy = Math.min(sx, sy);
    const ox = Math.max(0, (vw - cw * sx) / 2);
    const oy = Math.max(0, (vh - H0 * sy) / 2);
    el.style.transform =
      "translate(" + ox + "px," + oy + "px) scale(" + sx + "," + sy + ")";
    scale = Math.max(sx, sy);
  }

  // dpr is the pixel density charts draw at, so text on a 4K or 8K wall
  // stays sharp although the canvas is laid out at 1920×1080.
  function dpr() {
    return Math.min(4, Math.max(1, (window.devicePixelRatio || 1) * scale));
  }

  function clamp(v, lo, hi) {
    return Math.max(lo, Math.min(hi, Number.isInteger(v) ? v : lo));
  }

  function place(el, g) {
    const x = clamp(g && g.x, 0, 23);
    const y = clamp(g && g.y, 0, 11);
    const w = clamp(g && g.w, 1, 24 - x);
    const hh = clamp(g && g.h, 1, 12 - y);
    el.style.gridColumn = x + 1 + " / span " + w;
    el.style.gridRow = y + 1 + " / span " + hh;
  }

  function makePanel(def, ctx) {
    const el = h("section", "panel panel-" + def.type);
    el.dataset.panel = def.id;
    place(el, def.grid);
    el.appendChild(h("h2", "panel-title", def.title));
    const body = el.appendChild(h("div", "panel-body"));
    const make = MAKERS[def.type];
    if (!make) {
      body.appendChild(h("div", "empty", "不支持的面板类型: " + def.type));
      return { el, update() {} };
    }
    const p = make(def, body, ctx);
    p.el = el;
    return p;
  }

  // View is one scene, shown in the column that holds its element (see
  // rotation.js). Data for a hidden view is kept and drawn when it shows:
  // charts need a box with a size, and drawing what nobody sees costs the
  // wall PC for nothing.
  class View {
    constructor(def, ctx) {
      this.def = def;
      this.key = JSON.stringify(def);
      this.el = h("div", "scene");
      this.el.dataset.sceneId = def.id;
      this.el.hidden = true;
      this.panels = new Map();
      this.data = {};
      this.dirty = new Set();
      for (const pd of def.panels || []) {
        const p = makePanel(pd, ctx);
        this.panels.set(pd.id, p);
        this.el.appendChild(p.el);
      }
    }

    apply(panels) {
      for (const [id, d] of Object.entries(panels || {})) {
        if (!this.panels.has(id)) continue;
        this.data[id] = d;
        this.dirty.add(id);
      }
      if (!this.el.hidden) this.flush();
    }

    flush() {
      for (const id of this.dirty) {
        try {
          this.panels.get(id).update(this.data[id]);
        } catch (err) {
          console.error("wall: panel " + id, err);
        }
      }
      this.dirty.clear();
    }

    show(on) {
      this.el.hidden = !on;
      if (!on) return;
      this.resize();
      this.flush();
    }

    resize() {
      if (this.el.hidden) return; // a hidden chart has no size; show() resizes
      for (const p of this.panels.values()) if (p.resize) p.resize();
    }

    tick(now) {
      if (this.el.hidden) return;
      for (const p of this.panels.values()) if (p.tick) p.tick(now);
      for (const el of this.el.querySelectorAll(".scroll")) scrollStep(el);
    }

    dispose() {
      for (const p of this.panels.values()) if (p.dispose) p.dispose();
      this.el.remove();
    }
  }

  // scrollStep moves a long list by a fraction of a row each tick and comes
  // back to the top after resting at the end: every line gets read.
  function scrollStep(el) {
    const max = el.scrollHeight - el.clientHeight;
    if (max <= 2) return void (el.scrollTop = 0);
    const rest = Number(el.dataset.rest || 0);
    if (rest > 0) return void (el.dataset.rest = String(rest - 1));
    if (el.scrollTop >= max - 1) {
      el.scrollTop = 0;
      el.dataset.rest = "4";
      return;
    }
    el.scrollTop = Math.min(max, el.scrollTop + 24);
    if (el.scrollTop >= max - 1) el.dataset.rest = "4";
  }

  W.view = { fit, dpr, View, W0 };
})(window.Wall = window.Wall || {});
