// rotation.js — the wall's columns and what each shows. A screen of
// `columns: N` (or ?columns=N) lays N 1920×1080 canvases side by side, which
// view.js scales together: a 32:9 wall shows two scenes, a 48:9 one three,
// edge to edge. Column k starts at the k-th scene of the playlist and steps N
// scenes every dwell, a dwell/N after column k−1: neighbours never show the
// same scene nor change at the same moment. A pinned scene (?scene=) takes a
// single column. Each column has its scene's title and the playlist's tabs,
// named by the scenes' titles.
"use strict";
(function (W) {
  const wall = W.wall;
  const st = wall.st;
  const h = W.html.h;
  const MAX_COLUMNS = 4; // bigscreen.MaxColumns
  const DEFAULT_DWELL_MS = 30000;
  const RESUME_WINDOW_MS = 10000;

  // Column is one canvas of the wall: its title, tabs and the scene shown.
  class Column {
    constructor(index) {
      this.index = index;
      this.current = "";
      this.timers = [];
      this.el = h("section", "column");
      this.el.dataset.column = String(index);
      this.el.style.left = index * W.view.W0 + "px";
      this.title = this.el.appendChild(h("h1", "scene-title", "监控大屏"));
      this.tabs = this.el.appendChild(h("nav", "playlist"));
      this.box = this.el.appendChild(h("div", "scenes"));
      this.el.appendChild(h("div", "waiting", "正在等待大屏数据…"));
    }

    // show puts scene id in this column (its view's element moves here).
    show(id) {
      const s = st.scenes.get(id);
      if (!s) return;
      const old = st.scenes.get(this.current);
      if (old && this.current !== id) old.view.show(false);
      this.current = id;
      this.el.dataset.scene = id;
      this.attach(s.view);
      rotation.save();
      rotation.drawTabs();
      W.publish();
    }

    attach(view) {
      this.box.replaceChildren(view.el);
      view.show(true);
      this.title.textContent = title(this.current);
    }

    stop() {
      this.timers.forEach((t) => (clearTimeout(t), clearInterval(t)));
      this.timers = [];
    }
  }

  function title(id) {
    const s = st.scenes.get(id);
    return (s && s.view.def.title) || st.titles[id] || id;
  }

  function savedScenes() {
    const raw = sessionStorage.getItem(wall.STORE_SCENE) || "";
    try {
      const v = JSON.parse(raw);
      return Array.isArray(v) ? v : [String(v)];
    } catch (_) {
      return raw ? [raw] : []; // a page of an older release saved one id
    }
  }

  const rotation = {
    columns: [new Column(0)],
    loadedAt: performance.now(),

    list() {
      if (wall.PIN) return [wall.PIN];
      const pl = st.screen.playlist;
      return Array.isArray(pl) && pl.length ? pl : [...st.scenes.keys()];
    },

    // count is the columns the screen asks for: ?columns= over the
    // screen's setting, no more than there are scenes to show, one when a
    // scene is pinned.
    count() {
      if (wall.PIN) return 1;
      const n = parseInt(wall.params.get("columns") || st.screen.columns, 10);
      const most = Math.min(MAX_COLUMNS, Math.max(1, this.list().length));
      return Math.max(1, Math.min(most, Number.isFinite(n) ? n : 1));
    },

    current() {
      return this.columns.map((c) => c.current);
    },

    // layout makes as many columns as the screen has; scenes of removed
    // columns are hidden, new columns are filled.
    layout() {
      const n = this.count();
      while (this.columns.length > n) {
        const c = this.columns.pop();
        c.stop();
        const s = st.scenes.get(c.current);
        if (s && !this.elsewhere(c.current, null)) s.view.show(false);
        c.el.remove();
      }
      while (this.columns.length < n) this.columns.push(new Column(this.columns.length));
      const host = document.getElementById("columns");
      for (const c of this.columns) if (c.el.parentNode !== host) host.appendChild(c.el);
      this.fill();
    },

    // elsewhere tells whether id is shown in a column other than c.
    elsewhere(id, c) {
      return this.columns.some((o) => o !== c && o.current === id);
    },

    // pick is the first scene from list position i on (wrapping) that has
    // arrived and no other column shows.
    pick(c, i) {
      const list = this.list();
      for (let k = 0; k < list.length; k++) {
        const id = list[(((i + k) % list.length) + list.length) % list.length];
        if (st.scenes.has(id) && (id === c.current || !this.elsewhere(id, c))) return id;
      }
      return "";
    },

    // preferred is where column c starts: the scene it showed before a
    // reload, else the c-th of the playlist.
    preferred(c) {
      const list = this.list();
      const saved = savedScenes()[c.index];
      if (saved && list.includes(saved)) return list.indexOf(saved);
      return c.index % Math.max(1, list.length);
    },

    fill() {
      for (const c of this.columns) {
        if (c.current && st.scenes.has(c.current)) continue;
        const id = this.pick(c, this.preferred(c));
        if (id) c.show(id);
      }
      this.drawTabs();
    },

    // offer is called for every snapshot: empty columns take what arrived,
    // and a column's scene from before a reload takes over when it arrives
    // soon after.
    offer(id) {
      const soon = performance.now() - this.loadedAt < RESUME_WINDOW_MS;
      for (const c of this.columns) {
        const mine = this.list()[this.preferred(c)] === id;
        if (soon && mine && c.current && c.current !== id && !this.elsewhere(id, c)) c.show(id);
      }
      this.fill();
    },

    // next moves column c on by as many scenes as there are columns.
    next(c) {
      const list = this.list();
      const i = list.indexOf(c.current);
      const id = this.pick(c, i < 0 ? this.preferred(c) : i + this.columns.length);
      if (id && id !== c.current) c.show(id);
    },

    // restart staggers the columns' timers by dwell/N.
    restart() {
      const n = this.columns.length;
      const dwell = Math.max(5000, st.screen.dwell_ms || DEFAULT_DWELL_MS);
      for (const c of this.columns) {
        c.stop();
        if (wall.PIN) continue;
        const t = setTimeout(() => {
          this.next(c);
          c.timers.push(setInterval(() => this.next(c), dwell));
        }, dwell + (c.index * dwell) / n);
        c.timers.push(t);
      }
    },

    reattach(id) {
      const s = st.scenes.get(id);
      for (const c of this.columns) if (c.current === id && s) c.attach(s.view);
    },

    drawTabs() {
      const list = this.list();
      for (const c of this.columns) {
        c.tabs.hidden = list.length < 2;
        c.tabs.replaceChildren(...list.map((id) => h("span", id === c.current ? "on" : "", title(id))));
        c.title.textContent = c.current ? title(c.current) : "监控大屏";
      }
    },

    save() {
      if (!wall.PIN) sessionStorage.setItem(wall.STORE_SCENE, JSON.stringify(this.current()));
    },
  };

  W.rotation = rotation;
})(window.Wall = window.Wall || {});
