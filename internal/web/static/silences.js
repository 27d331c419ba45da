// The silence page (静默): add one from the form, expire one with its button.
// Same authentication as ack.js: the session cookie, plus the CSRF header that
// echoes the script-readable swanwatch_csrf cookie.
"use strict";
function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)swanwatch_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}
async function call(method, url, body) {
  const headers = {"X-SwanWatch-CSRF": csrfToken()};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(url, {method, credentials: "same-origin", headers,
    body: body === undefined ? undefined : JSON.stringify(body)});
  let msg = "";
  try { msg = (await resp.json()).error || ""; } catch (e) { msg = ""; }
  return {ok: resp.ok, status: resp.status, msg};
}
document.getElementById("silence-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = ev.target, out = document.getElementById("silence-msg");
  out.textContent = "提交中…";
  const r = await call("POST", "/api/v1/silences", {
    matchers: f.matchers.value, duration: f.duration.value, comment: f.comment.value,
  });
  if (r.ok) { location.replace(location.pathname); return; }
  out.textContent = r.status === 403 ? "添加失败：无操作权限" : "添加失败：" + r.msg;
});
document.addEventListener("click", async (ev) => {
  const btn = ev.target.closest("button[data-expire]");
  if (!btn || !confirm("确定解除这条静默？解除后匹配的告警将恢复通知。")) return;
  btn.disabled = true;
  btn.textContent = "解除中…";
  const r = await call("DELETE", "/api/v1/silences/" + encodeURIComponent(btn.dataset.expire));
  if (r.ok || r.status === 409) { location.reload(); return; }
  btn.disabled = false;
  btn.textContent = r.status === 403 ? "无操作权限" : "解除失败，请重试";
});
