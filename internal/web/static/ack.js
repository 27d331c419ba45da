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
