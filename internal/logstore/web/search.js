// The log search page (日志检索): builds the query of GET /api/v1/events from the
// form, shows the events newest first, and loads the next page with the cursor the
// API returns ("更多"). Rows are built with textContent only: the text of a log line
// comes from a device and is never markup.
"use strict";
const SEVERITY = {critical: ["紧急", "bad"], major: ["重要", "bad"], warning: ["警告", "unk"], info: ["提示", ""]};
const CLASS = {fw_deny: "防火墙拒绝", fw_session: "防火墙会话", nat: "地址转换", ids: "入侵检测/防御", waf: "Web应用防火墙",
  av: "病毒防护", login_fail: "登录失败", login_ok: "登录成功", sudo: "提权操作", config_change: "配置变更", admin_add: "新增管理员"};
const form = document.getElementById("search");
const rows = document.getElementById("rows");
const more = document.getElementById("more");
const status = document.getElementById("status");
let params = null, next = "", shown = 0;

// shanghaiInput formats a moment for a datetime-local field in Asia/Shanghai (+08:00).
function shanghaiInput(ms) {
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19);
}
// rfc3339 reads a datetime-local value as Asia/Shanghai time.
function rfc3339(v) {
  return v.length === 16 ? v + ":00+08:00" : v + "+08:00";
}
function formatTime(s) { // "2026-11-27T14:05:09.123+08:00" → "2026-11-27 14:05:09"
  return s.slice(0, 10) + " " + s.slice(11, 19);
}

function buildParams() {
  const p = new URLSearchParams();
  const f = new FormData(form);
  if (f.get("start")) p.set("start", rfc3339(f.get("start")));
  if (f.get("end")) p.set("end", rfc3339(f.get("end")));
  for (const name of ["instance", "district", "class", "source", "q", "limit"]) {
    const v = (f.get(name) || "").trim();
    if (v) p.set(name, v);
  }
  const sev = f.getAll("severity");
  if (sev.length) p.set("severity", sev.join(","));
  return p;
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text || "";
  if (cls) td.className = cls;
  tr.appendChild(td);
}

function render(events) {
  for (const e of events) {
    const l = e.labels || {};
    const sev = SEVERITY[l.severity] || [l.severity || "", ""];
    const tr = document.createElement("tr");
    cell(tr, formatTime(e.time), "time");
    cell(tr, sev[0], sev[1]);
    cell(tr, l.district);
    cell(tr, l.instance);
    cell(tr, CLASS[l["class"]] || l["class"]);
    cell(tr, l.source);
    cell(tr, e.text, "text");
    rows.appendChild(tr);
  }
  shown += events.length;
}

// explain turns the API's error into words for the operator.
function explain(code, body) {
  const msg = (body && body.error) || "";
  if (code === 401) return "登录已过期，请重新登录";
  if (code === 403) return "无查询权限";
  if (msg.includes("narrow the time range")) return "查询范围过大（单次扫描量或时间超出上限），请缩短时间范围或增加设备、区县、级别等条件";
  if (msg.includes("end is before start")) return "结束时间早于开始时间";
  if (code === 400) return "查询条件有误：" + msg;
  return "服务暂时不可用，请稍后重试（HTTP " + code + "）";
}

async function load() {
  const p = new URLSearchParams(params);
  if (next) p.set("cursor", next);
  more.disabled = true;
  status.textContent = "查询中…";
  let body;
  try {
    const resp = await fetch("/api/v1/events?" + p.toString(), {credentials: "same-origin"});
    body = await resp.json();
    if (!resp.ok) throw new Error(explain(resp.status, body));
  } catch (err) {
    status.textContent = "查询失败：" + err.message;
    status.className = "bad";
    more.disabled = false;
    return;
  }
  render(body.data.events);
  next = body.data.next || "";
  status.className = "muted";
  if (body.data.partial) {
    status.textContent = "已显示 " + shown + " 条。单次查询的扫描量或时间已达上限，点击“更多”继续向更早的日期查找。";
  } else {
    status.textContent = shown ? ("已显示 " + shown + " 条" + (next ? "，点击“更多”查看更早的记录。" : "，已全部显示。")) : "没有符合条件的记录。";
  }
  more.style.display = next ? "inline-block" : "none";
  more.disabled = false;
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  params = buildParams();
  next = "";
  shown = 0;
  rows.replaceChildren();
  load();
});
more.addEventListener("click", load);
form.start.value = shanghaiInput(Date.now() - 24 * 3600 * 1000);
