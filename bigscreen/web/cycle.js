// cycle.js — what the wall does on its own: rotate the playlist every dwell,
// tick the clock and the 数据延迟 marker every second, give up on a silent
// socket, reload itself every reload_every (only when the server answers, so
// a reload never strands the wall on an error page), and tell tests its state.
"use strict";
(function (W) {
  const fmt = W.fmt;
  const wall = W.wall;
  const st = wall.st;
  const DEFAULT_DWELL_MS = 30000;
  const DEFAULT_STALE_MS = 60000;
  const MIN_RELOAD_MS = 60000;
  const RELOAD_RETRY_MS = 60000;
  const RESUME_WINDOW_MS = 10000;
  const WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];

  const rotation = {
    timer: 0,
    list() {
      if (wall.PIN) return [wall.PIN];
      const pl = st.screen.playlist;
      return Array.isArray(pl) && pl.length ? pl : [...st.scenes.keys()];
    },
    // offer is called for every snapshot: the first one starts the wall, and
    // the scene shown before a reload takes over when it arrives soon after.
    offer(id) {
      const saved = sessionStorage.getItem(wall.STORE_SCENE);
      if (!st.current) this.show(wall.firstScene());
      else if (id === saved && id !== st.current && performance.now() < RESUME_WINDOW_MS) this.show(id);
    },
    show(id) {
      const s = st.scenes.get(id);
      if (!s) return;
      st.current = id;
      for (const [sid, o] of st.scenes) if (sid !== id) o.view.show(false);
      s.view.show(true);
      document.getElementById("scene-title").textContent = s.view.def.title || id;
      if (!wall.PIN) sessionStorage.setItem(wall.STORE_SCENE, id);
      drawPlaylist();
      publish();
    },
    next() {
      const list = this.list().filter((id) => st.scenes.has(id));
      if (list.length === 0) return;
      const i = list.indexOf(st.current);
      this.show(list[(i + 1) % list.length]);
    },
    restart() {
      clearInterval(this.timer);
      if (wall.PIN) return;
      const dwell = Math.max(5000, st.screen.dwell_ms || DEFAULT_DWELL_MS);
      this.timer = setInterval(() => this.next(), dwell);
    },
  };

  function drawPlaylist() {
    const nav = document.getElementById("playlist");
    const list = rotation.list();
    nav.hidden = list.length < 2;
    nav.replaceChildren(...list.map((id) => {
      const s = st.scenes.get(id);
      const el = W.html.h("span", id === st.current ? "on" : "", s ? s.view.def.title || id : id);
      return el;
    }));
  }

  const reload = {
    timer: 0,
    schedule() {
      clearTimeout(this.timer);
      const every = st.screen.reload_every_ms || 0;
      if (every <= 0) return;
      const due = Math.max(MIN_RELOAD_MS, every) - performance.now();
      this.timer = setTimeout(() => this.attempt(), Math.max(0, due));
    },
    attempt() {
      fetch(location.href, { cache: "no-store", credentials: "same-origin" })
        .then((r) => (r.ok ? this.go() : Promise.reject(new Error("HTTP " + r.status))))
        .catch((err) => {
          console.warn("wall: reload postponed:", err);
          this.timer = setTimeout(() => this.attempt(), RELOAD_RETRY_MS);
        });
    },
    go() {
      if (st.current && !wall.PIN) sessionStorage.setItem(wall.STORE_SCENE, st.current);
      location.reload();
    },
  };

  function isStale() {
    const s = st.scenes.get(st.current);
    if (!st.connected || !s || !s.at) return true;
    return wall.now() - s.at > (st.screen.stale_after_ms || DEFAULT_STALE_MS);
  }

  function tickStale() {
    st.stale = isStale();
    document.getElementById("stale").hidden = !st.stale;
    const s = st.scenes.get(st.current);
    const detail = !st.connected ? "连接中断" : s && s.at ? "数据时间 " + fmt.clock(s.at) : "等待数据";
    document.getElementById("stale-detail").textContent = detail;
  }

  function tickClock() {
    const t = wall.now();
    const text = fmt.time(t);
    document.getElementById("clock").textContent = text.slice(11);
    const wd = new Date(t + 8 * 3600 * 1000).getUTCDay();
    document.getElementById("date").textContent = text.slice(0, 10) + " 星期" + WEEKDAYS[wd];
  }

  function tick() {
    if (st.connected && Date.now() - st.lastFrame > wall.HEARTBEAT_TIMEOUT_MS) wall.drop("no heartbeat");
    tickClock();
    tickStale();
    const s = st.scenes.get(st.current);
    if (s) s.view.tick(wall.now());
    publish();
  }

  // publish exposes the state to tests: window.__wall and body data-*.
  function publish() {
    const seq = {};
    for (const [id, s] of st.scenes) seq[id] = s.seq;
    window.__wall = { scene: st.current, seq, connected: st.connected, stale: st.stale, screen: st.screen.name || "" };
    const b = document.body;
    if (st.current) b.dataset.scene = st.current;
    b.dataset.connected = String(st.connected);
    b.dataset.stale = String(st.stale);
    for (const [id, n] of Object.entries(seq)) {
      if (/^[a-z0-9_-]+$/i.test(id)) b.setAttribute("data-seq-" + id.toLowerCase(), String(n));
    }
  }

  // refit scales the canvas to the window (again: resize, new settings); the
  // charts on screen follow when the pixel density changed.
  function refit() {
    W.view.fit(new URLSearchParams(location.search).get("fit") || st.screen.fit);
    const s = st.scenes.get(st.current);
    if (s) s.view.resize();
  }

  function start() {
    refit();
    window.addEventListener("resize", refit);
    tick();
    setInterval(tick, 1000);
    wall.connect();
  }

  W.rotation = rotation;
  W.reload = reload;
  W.publish = publish;
  W.refit = refit;
  start();
})(window.Wall = window.Wall || {});
