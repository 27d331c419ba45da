// Acknowledge buttons on the incident page (确认). The session cookie
// authenticates; the CSRF header echoes the script-readable swanwatch_csrf cookie.
"use strict";
function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)swanwatch_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}
document.addEventListener("click", async (ev) => {
  const btn = ev.target.closest("button[data-ack]");
  if (!btn) return;
  btn.disabled = true;
  btn.textContent = "确认中…";
  const resp = await fetch("/api/v1/incidents/" + btn.dataset.ack + "/ack", {
    method: "POST", credentials: "same-origin", headers: {"X-SwanWatch-CSRF": csrfToken()},
  });
  if (resp.ok) { location.reload(); return; }
  btn.disabled = false;
  btn.textContent = resp.status === 409 ? "已被他人确认" : "确认失败，请重试";
});
// Operator notes on the incident detail page (处置记录).
document.addEventListener("submit", async (ev) => {
  const form = ev.target.closest("form#note");
  if (!form) return;
  ev.preventDefault();
  const status = document.getElementById("note-status");
  const resp = await fetch("/api/v1/incidents/" + form.dataset.incident + "/notes", {
    method: "POST", credentials: "same-origin",
    headers: {"X-SwanWatch-CSRF": csrfToken(), "Content-Type": "application/json"},
    body: JSON.stringify({text: form.elements.text.value}),
  });
  if (resp.ok) { location.reload(); return; }
  status.textContent = resp.status === 403 ? "无操作权限" : "保存失败，请重试";
});
