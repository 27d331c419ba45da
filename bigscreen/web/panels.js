// panels.js — the HTML panels: kpi (flip counter), ranking, board, table, duty.
// Server strings go in through textContent only: an incident title is data,
// never markup. Each panel keeps its DOM and redraws in place.
"use strict";
(function (W) {
  const fmt = W.fmt;

  function h(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function stateClass(state) {
    return state ? "state-" + state : "";
  }

  // setFlip writes text into el one span per character; characters that
  // changed flip in, so a changing counter catches the eye but a steady one rests.
  function setFlip(el, text) {
    const old = el.textContent;
    if (old === text) return;
    const frag = document.createDocumentFragment();
    for (let i = 0; i < text.length; i++) {
      const s = h("span", old[i] === text[i] || old === "" ? "" : "flip", text[i]);
      frag.appendChild(s);
    }
    el.replaceChildren(frag);
  }

  const SEVERITY_BY_NAME = { "紧急": "critical", "重要": "major", "次要": "minor", "提示": "warning" };

  function kpi(def, body) {
    const value = body.appendChild(h("div", "value"));
    const sub = body.appendChild(h("div", "sub"));
    return {
      update(d) {
        const v = d ? d.value : null;
        const st = fmt.stateOf(v, d && d.state, def.thresholds);
        value.className = "value " + stateClass(st);
        setFlip(value, fmt.value(v, def.format));
        sub.replaceChildren(...((d && d.sub) || []).map((r) => subItem(r, def.format)));
      },
    };
  }

  function subItem(r, format) {
    const it = h("span", "sub-item");
    const dot = it.appendChild(h("i"));
    const sev = SEVERITY_BY_NAME[r.name];
    dot.style.background = sev ? fmt.severityColor(sev) : fmt.color(r.state || "unknown");
    it.appendChild(document.createTextNode(r.name));
    it.appendChild(h("b", "", fmt.value(r.value, (r.labels && r.labels.format) || format)));
    return it;
  }

  function ranking(def, body) {
    const list = body.appendChild(h("ol", "ranking"));
    return {
      update(d) {
        const rows = (d && d.rows) || [];
        const max = Math.max(0, ...rows.map((r) => (fmt.isNum(r.value) ? r.value : 0)));
        list.replaceChildren(...rows.map((r, i) => rankRow(def, r, i, max)));
        if (rows.length === 0) list.appendChild(h("li", "empty", "无数据"));
      },
    };
  }

  function rankRow(def, r, i, max) {
    const li = h("li", "rank-row");
    li.appendChild(h("span", "rank-no", i + 1));
    li.appendChild(h("span", "rank-name", r.name));
    const bar = li.appendChild(h("span", "rank-bar")).appendChild(h("i"));
    const v = fmt.isNum(r.value) ? r.value : 0;
    // availabilities (near 100 %) read best on an absolute scale, small
    // ratios such as loss (2 %) and plain numbers against the largest row
    const frac = def.format === "percent" && max >= 0.5 ? v : max > 0 ? v / max : 0;
    bar.style.width = (Math.max(0, Math.min(1, frac)) * 100).toFixed(1) + "%";
    bar.style.background = fmt.color(fmt.stateOf(r.value, r.state, def.thresholds) || "warn");
    li.appendChild(h("span", "rank-val", fmt.value(r.value, def.format)));
    return li;
  }

  function board(def, body, ctx) {
    const list = body.appendChild(h("ul", "board scroll"));
    return {
      update(d) {
        const rows = (d && d.rows) || [];
        list.replaceChildren(...rows.map(boardRow));
        if (rows.length === 0) list.appendChild(h("li", "empty", "当前无告警中的事件"));
        this.tick(ctx.now());
      },
      tick(now) {
        for (const el of list.querySelectorAll(".b-age")) {
          const since = Number(el.dataset.since);
          el.textContent = since > 0 ? "持续" + fmt.duration((now - since) / 1000) : "";
        }
      },
    };
  }

  function boardRow(r) {
    const li = h("li", "board-row");
    li.style.borderLeftColor = fmt.severityColor(r.severity);
    const top = li.appendChild(h("div", "b-top"));
    const sev = top.appendChild(h("span", "sev", r.severity_name || r.severity));
    sev.style.background = fmt.severityColor(r.severity);
    top.appendChild(h("span", "b-title", r.title));
    const meta = li.appendChild(h("div", "b-meta"));
    meta.appendChild(h("span", "b-district", r.district));
    if (r.object) meta.appendChild(h("span", "b-object", r.object));
    meta.appendChild(h("span", "b-age")).dataset.since = String(fmt.parseTime(r.since));
    meta.appendChild(h("span", r.acked_by ? "b-ack acked" : "b-ack",
      r.acked_by ? "已确认 · " + r.acked_by : "未确认"));
    if (r.held > 0) meta.appendChild(h("span", "b-held", "抑制" + r.held + "条"));
    return li;
  }

  const COLUMN_NAMES = {
    district: "区县", level: "级别", site: "站点", device: "设备", system: "系统", dept: "部门",
    kind: "类型", instance: "实例", link: "链路", loss: "丢包率", latency: "时延", jitter: "抖动",
    state: "状态", family: "协议",
  };

  function table(def, body) {
    const tbl = body.appendChild(h("div", "table scroll")).appendChild(h("table"));
    return {
      update(d) {
        const rows = (d && d.rows) || [];
        const keys = [...new Set(rows.flatMap((r) => Object.keys(r.labels || {})))].filter((k) => k !== "format");
        const head = h("tr");
        head.append(h("th", "", "名称"), ...keys.map((k) => h("th", "", COLUMN_NAMES[k] || k)), h("th", "num", "数值"));
        const trs = rows.map((r) => tableRow(def, r, keys));
        const thead = h("thead");
        const tbody = h("tbody");
        thead.appendChild(head);
        tbody.append(...trs);
        if (rows.length === 0) tbody.appendChild(h("tr")).appendChild(h("td", "empty", "无数据"));
        tbl.replaceChildren(thead, tbody);
      },
    };
  }

  function tableRow(def, r, keys) {
    const tr = h("tr");
    tr.appendChild(h("td", "", r.name));
    for (const k of keys) tr.appendChild(h("td", "", (r.labels && r.labels[k]) || ""));
    const st = fmt.stateOf(r.value, r.state, def.thresholds);
    tr.appendChild(h("td", "num " + stateClass(st), fmt.value(r.value, def.format)));
    return tr;
  }

  function duty(def, body) {
    const watch = body.appendChild(h("div", "watch"));
    const list = body.appendChild(h("ul", "duty scroll"));
    return {
      update(d) {
        watch.textContent = (d && d.watch) || "";
        watch.hidden = !watch.textContent;
        const people = (d && d.people) || [];
        list.replaceChildren(...people.map(dutyRow));
        if (people.length === 0) list.appendChild(h("li", "empty", "未排班"));
      },
    };
  }

  function dutyRow(p) {
    const li = h("li", "duty-row");
    li.appendChild(h("span", "d-roster", p.roster));
    li.appendChild(h("span", "d-name", p.name));
    li.appendChild(h("span", "d-phone", p.phone || ""));
    const until = fmt.parseTime(p.until);
    li.appendChild(h("span", "d-until", until ? "至 " + fmt.time(until).slice(5, 16) : ""));
    return li;
  }

  W.html = { h, kpi, ranking, board, table, duty };
})(window.Wall = window.Wall || {});
