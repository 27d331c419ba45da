// cycle.js — what the wall does on its own besides rotating (rotation.js):
// tick the clock and the 数据延迟 marker every second, give up on a silent
// socket, reload itself every reload_every (only when the server answers, so
// a reload never strands the wall on an error page), and tell tests its state.
"use strict";
(function (W) {
  const fmt = W.fmt;
  const wall = W.wall;
  const st = wall.st;
  const rotation = W.rotation;
  const DEFAULT_STALE_MS = 60000;
  const MIN_RELOAD_MS = 60000;
  const RELOAD_RETRY_MS = 60000;
  const WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];

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
      rotation.save();
      location.reload();
    },
  };

  // shown are the states of the scenes on the wall, one per filled column.
  function shown() {
    return rotation.current().map((id) => st.scenes.get(id)).filter(Boolean);
  }

  // oldest is the oldest data time on the wall (0: a column has none yet).
  function oldest() {
    const list = shown();
    if (list.length === 0) return 0;
    return Math.min(...list.map((s) => s.at || 0));
  }

  // The wall is stale while any column's data is late: one marker for all.
  function isStale() {
    const at = oldest();
    if (!st.connected || !at) return true;
    return wall.now() - at > (st.screen.stale_after_ms || DEFAULT_STALE_MS);
  }

  function tickStale() {
    st.stale = isStale();
    document.getElementById("stale").hidden = !st.stale;
    const at = oldest();
    const detail = !st.connected ? "连接中断" : at ? "数据时间 " + fmt.clock(at) : "等待数据";
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
    for (const s of shown()) s.view.tick(wall.now());
    publish();
  }

  // publish exposes the state to tests: window.__wall (scene: the first
  // column's, scenes: every column's) and body data-*.
  function publish() {
    const seq = {};
    for (const [id, s] of st.scenes) seq[id] = s.seq;
    const scenes = rotation.current();
    window.__wall = { scene: scenes[0], scenes, columns: scenes.length, seq, connected: st.connected,
      stale: st.stale, screen: st.screen.name || "" };
    const b = document.body;
    if (scenes[0]) b.dataset.scene = scenes[0];
    b.dataset.connected = String(st.connected);
    b.dataset.stale = String(st.stale);
    for (const [id, n] of Object.entries(seq)) {
      if (/^[a-z0-9_-]+$/i.test(id)) b.setAttribute("data-seq-" + id.toLowerCase(), String(n));
    }
  }

  // refit scales the columns to the window (again: resize, new settings);
  // the charts on screen follow when the pixel density changed.
  function refit() {
    W.view.fit(wall.params.get("fit") || st.screen.fit, rotation.columns.length);
    for (const s of shown()) s.view.resize();
  }

  function start() {
    rotation.layout();
    refit();
    window.addEventListener("resize", refit);
    tick();
    setInterval(tick, 1000);
    wall.connect();
  }

  W.reload = reload;
  W.publish = publish;
  W.refit = refit;
  start();
})(window.Wall = window.Wall || {});
