// wall.js — the screen's session with the hub (protocol.go): hello, screen
// settings, snapshots, deltas applied only in sequence (resync otherwise),
// heartbeats; reconnects by itself forever, keeps the last data on screen,
// marks it 数据延迟 when it is late, rotates the playlist (rotation.js) and
// reloads itself now and then, resuming the same scenes. Nobody ever has to
// touch the wall.
"use strict";
(function (W) {
  const fmt = W.fmt;
  const params = new URLSearchParams(location.search);
  const PIN = params.get("scene") || "";
  const SCREEN = params.get("screen") || "";
  const HEARTBEAT_TIMEOUT_MS = 20000; // no frame for this long: the socket is dead
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const RESYNC_RETRY_MS = 10000;
  const STORE_SCENE = "wall.scene";
  const STORE_SCREEN = "wall.screen";

  const st = {
    screen: loadScreen(),
    titles: {}, // scene id → title, from the screen frame (tabs before a scene's snapshot)
    scenes: new Map(), // id → {view, seq, at}
    resyncAt: new Map(), // id → when a resync was last asked for
    ws: null,
    connected: false,
    attempts: 0,
    lastFrame: 0,
    offset: 0, // server clock − local clock, from heartbeats
    stale: true,
    reason: "", // why the server closed the last socket (MsgError), shown until it accepts again
  };

  function loadScreen() {
    try {
      return JSON.parse(sessionStorage.getItem(STORE_SCREEN) || "null") || {};
    } catch (_) {
      return {};
    }
  }

  const now = () => Date.now() + st.offset;
  const ctx = { now, dpr: () => W.view.dpr() };

  // ---- connection ----

  function connect() {
    const url = new URL("ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.search = "";
    setConn("connecting", st.attempts ? "正在重连（第" + st.attempts + "次）" : "正在连接");
    let ws;
    try {
      ws = new WebSocket(url.href);
    } catch (err) {
      return retry(err);
    }
    st.ws = ws;
    ws.onopen = () => onOpen(ws);
    ws.onmessage = (ev) => onFrame(ws, ev.data);
    ws.onclose = (ev) => onClose(ws, ev);
  }

  function onOpen(ws) {
    if (ws !== st.ws) return;
    st.connected = true;
    st.lastFrame = Date.now();
    setConn("up", "已连接");
    const hello = { type: "hello", screen: SCREEN, last_seq: lastSeqs() };
    if (PIN) hello.scenes = [PIN];
    ws.send(JSON.stringify(hello));
  }

  function onClose(ws, ev) {
    if (ws !== st.ws) return;
    st.ws = null;
    st.connected = false;
    retry(ev && ev.reason);
  }

  // retry waits 1 s, 2 s, 4 s … up to 30 s, each drawn from the upper half
  // of its step: a hundred screens do not all come back in the same second.
  function retry(why) {
    const step = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, st.attempts));
    const wait = step / 2 + Math.random() * (step / 2);
    st.attempts++;
    const cause = st.reason ? "服务端关闭：" + st.reason : "连接中断";
    setConn("down", cause + "，" + Math.ceil(wait / 1000) + "秒后重连");
    if (why) console.warn("wall: disconnected:", why);
    setTimeout(connect, wait);
    W.publish();
  }

  function send(msg) {
    if (st.ws && st.connected) st.ws.send(JSON.stringify(msg));
  }

  function lastSeqs() {
    const out = {};
    for (const [id, s] of st.scenes) if (s.seq) out[id] = s.seq;
    return out;
  }

  function setConn(state, text) {
    const el = document.getElementById("conn");
    el.dataset.state = state;
    el.querySelector("span").textContent = text;
  }

  // ---- frames ----

  function onFrame(ws, raw) {
    if (ws !== st.ws) return;
    st.lastFrame = Date.now();
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch (err) {
      return console.warn("wall: bad frame", err);
    }
    const handle = HANDLERS[msg && msg.type];
    if (handle) handle(msg);
    W.publish();
  }

  const HANDLERS = {
    screen(m) {
      st.attempts = 0;
      st.reason = "";
      st.screen = m.screen || {};
      st.titles = m.titles || {};
      sessionStorage.setItem(STORE_SCREEN, JSON.stringify(st.screen));
      W.rotation.layout();
      W.refit();
      W.rotation.restart();
      W.reload.schedule();
    },
    snapshot(m) {
      st.attempts = 0;
      if (!m.scene || !m.def) return;
      const s = sceneState(m.scene, m.def);
      s.seq = m.seq || 0;
      s.at = fmt.parseTime(m.at);
      st.resyncAt.delete(m.scene);
      s.view.apply(m.panels);
      W.rotation.offer(m.scene);
    },
    delta(m) {
      const s = st.scenes.get(m.scene);
      if (!s) {
        // a scene of mine whose snapshot went missing: ask; another: not mine
        if (W.rotation.list().includes(m.scene)) resync(m.scene, 0);
        return;
      }
      if (m.seq <= s.seq) return; // already have it (a repeat after a resync)
      if (m.seq !== s.seq + 1) return resync(m.scene, s.seq);
      s.seq = m.seq;
      s.at = Math.max(s.at, fmt.parseTime(m.at));
      st.resyncAt.delete(m.scene);
      s.view.apply(m.panels);
    },
    heartbeat(m) {
      const server = fmt.parseTime(m.at);
      if (server) st.offset = server - Date.now();
      for (const [id, hb] of Object.entries(m.scenes || {})) {
        const s = st.scenes.get(id);
        if (!s) continue;
        if (hb.seq === s.seq) s.at = Math.max(s.at, fmt.parseTime(hb.at));
        else if (hb.seq > s.seq) resync(id, s.seq);
        else resync(id, 0); // the server restarted and counts anew: ask for a snapshot
      }
    },
    error(m) {
      console.warn("wall: server closes:", m.reason);
      st.reason = m.reason || "";
    },
  };

  // resync asks for what follows seq, once per scene until it is answered
  // (or RESYNC_RETRY_MS passed): a burst of out-of-order deltas costs one request.
  function resync(scene, seq) {
    const last = st.resyncAt.get(scene) || 0;
    if (Date.now() - last < RESYNC_RETRY_MS) return;
    st.resyncAt.set(scene, Date.now());
    send({ type: "resync", last_seq: { [scene]: seq } });
  }

  // sceneState keeps a scene's view while its Def is unchanged; a new Def
  // (the scene file was edited) rebuilds it in the column showing it.
  function sceneState(id, def) {
    let s = st.scenes.get(id);
    const key = JSON.stringify(def);
    if (s && s.view.key === key) return s;
    if (s) s.view.dispose();
    s = { view: new W.view.View(def, ctx), seq: 0, at: 0 };
    st.scenes.set(id, s);
    W.rotation.reattach(id);
    return s;
  }

  // drop gives up on a socket that went quiet: a dead TCP path may take
  // minutes to report its close, the wall reconnects now.
  function drop(why) {
    const ws = st.ws;
    st.ws = null;
    st.connected = false;
    if (ws) ws.close();
    retry(why);
  }

  W.wall = { st, now, connect, drop, params, PIN, STORE_SCENE, HEARTBEAT_TIMEOUT_MS };
})(window.Wall = window.Wall || {});
