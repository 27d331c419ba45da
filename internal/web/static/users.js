// The administrators' account page (账号管理) and the password policy page
// (口令策略). Every change goes through the JSON API, which enforces who may
// do what to whom; the page shows the API's own message when it refuses.
// Same authentication as silences.js: the session cookie, plus the CSRF
// header that echoes the script-readable swanwatch_csrf cookie.
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
// failure is the sentence shown when a call fails: the API's message first.
function failure(what, r) {
  if (r.status === 401) return what + "失败：登录已过期，请重新登录";
  if (r.msg) return what + "失败：" + r.msg;
  return what + (r.status === 403 ? "失败：无操作权限" : "失败，请重试");
}
// say shows text in the page's message line, green when good.
function say(text, good) {
  const out = document.getElementById("users-msg") || document.getElementById("policy-msg");
  if (!out) return;
  out.textContent = text;
  out.className = good ? "ok" : "bad";
}
function userURL(name, tail) {
  return "/api/v1/users/" + encodeURIComponent(name) + (tail || "");
}
// field is a form's input by name (form.name would be the form's own name).
function field(f, name) { return f.elements.namedItem(name); }
function onSubmit(id, handler) {
  const f = document.getElementById(id);
  if (f) f.addEventListener("submit", (ev) => { ev.preventDefault(); handler(ev.target); });
}
onSubmit("user-add-form", async (f) => {
  say("提交中…");
  const r = await call("POST", "/api/v1/users",
    {name: field(f, "name").value, password: field(f, "password").value, role: field(f, "role").value});
  if (r.ok) { location.reload(); return; }
  say(failure("添加账号", r));
});
onSubmit("user-password-form", async (f) => {
  const name = field(f, "name").value, password = field(f, "password");
  if (!name) { say("没有可重置密码的账号"); return; }
  say("提交中…");
  const r = await call("POST", userURL(name, "/password"), {password: password.value});
  if (r.ok) { password.value = ""; say("已重置 " + name + " 的密码，该用户下次登录须修改密码", true); return; }
  say(failure("重置密码", r));
});
onSubmit("policy-form", async (f) => {
  const body = {};
  for (const input of f.querySelectorAll("input[name]")) body[input.name] = Number(input.value);
  say("保存中…");
  const r = await call("PUT", "/api/v1/auth/policy", body);
  say(r.ok ? "口令策略已保存" : failure("保存口令策略", r), r.ok);
});
// Row buttons: each names its account in a data attribute.
const actions = [
  {attr: "disable", what: "停用", ask: (n) => "确定停用账号 " + n + "？停用后该账号无法登录。",
    run: (n) => call("POST", userURL(n, "/disable"))},
  {attr: "delete", what: "删除", ask: (n) => "确定删除账号 " + n + "？删除后不可恢复（审计日志保留其记录）。",
    run: (n) => call("DELETE", userURL(n))},
  {attr: "resetTotp", what: "重置动态口令", ask: (n) => "确定重置 " + n + " 的动态口令？其下次登录须重新绑定。",
    run: (n) => call("DELETE", userURL(n, "/totp"))},
  {attr: "setRole", what: "修改角色", ask: (n, btn) => "确定将 " + n + " 的角色改为" + roleChoice(btn).label + "？",
    run: (n, btn) => call("PUT", userURL(n, "/role"), {role: roleChoice(btn).value})},
];
function roleChoice(btn) {
  const sel = btn.parentElement.querySelector("select[data-role-of]");
  return {value: sel.value, label: sel.options[sel.selectedIndex].text};
}
document.addEventListener("click", async (ev) => {
  const btn = ev.target.closest("button");
  if (!btn) return;
  const a = actions.find((a) => btn.dataset[a.attr] !== undefined);
  if (!a) return;
  const name = btn.dataset[a.attr];
  if (!confirm(a.ask(name, btn))) return;
  btn.disabled = true;
  const r = await a.run(name, btn);
  if (r.ok) { location.reload(); return; }
  btn.disabled = false;
  say(failure(a.what + " " + name, r));
});
