package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

const testPassword = "Sanmenxia-2026"

// accounts is a real account store holding one user per role, the wall's
// account, and viewer2 disabled and operator2 locked.
func accounts(t *testing.T) (*auth.Service, *statestore.DB) {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	svc := auth.New(db, auth.Options{Now: func() time.Time { return t0 },
		Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	ctx := context.Background()
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"supervisor1", auth.RoleSupervisor}, {"viewer1", auth.RoleViewer}, {"viewer2", auth.RoleViewer},
		{"operator1", auth.RoleOperator}, {"operator2", auth.RoleOperator}, {"sysadmin1", auth.RoleSysadmin},
		{"secadmin1", auth.RoleSecadmin}, {"auditor1", auth.RoleAuditor}, {auth.ScreenAccount, auth.RoleViewer}} {
		require.NoError(t, svc.AddUser(ctx, u.name, u.role, testPassword))
	}
	require.NoError(t, svc.DisableUser(ctx, "viewer2"))
	_, err = db.SQL().Exec("UPDATE users SET locked_until = ? WHERE name = 'operator2'", t0.Add(5*time.Minute).UnixMilli())
	require.NoError(t, err)
	return svc, db
}

// get calls h as the given user and role (none when role is empty).
func get(t *testing.T, h http.HandlerFunc, path, user string, role auth.Role) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if role != "" {
		req = req.WithContext(auth.WithPrincipal(req.Context(), auth.Principal{User: user, Role: role, Via: auth.ViaSession}))
	}
	rec := httptest.NewRecorder()
	h(rec, req)
	return rec.Code, rec.Body.String()
}

func usersWeb(svc UserAdmin) *Web {
	return New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithUsers(svc)
}

func TestUsersPageForSysadmin(t *testing.T) {
	svc, _ := accounts(t)
	status, page := get(t, usersWeb(svc).UsersPage, "/users", "sysadmin1", auth.RoleSysadmin)
	require.Equal(t, http.StatusOK, status, page)
	for _, want := range []string{
		"账号 <b>9</b> 个", "当前登录 sysadmin1（系统管理员）", `<script src="/users/users.js" defer></script>`,
		`<form id="user-add-form">`, `<form id="user-password-form">`,
		`<option value="supervisor">监管用户</option><option value="viewer">只读用户</option><option value="operator">运维人员</option></select>`,
		`<button data-disable="viewer1">停用</button>`, `<button data-delete="viewer1">删除</button>`,
		`<button data-delete="viewer2">删除</button>`, `<option value="operator1">operator1</option>`,
		`<td class="bad">停用</td>`, `<td class="bad">锁定 <span class="muted">至 2026-11-27 14:05:00</span></td>`,
		"sysadmin1 <span class=\"muted\">（本人）</span>", "（大屏专用）", "2026-11-27 14:00:00",
	} {
		assert.Contains(t, page, want)
	}
	for _, absent := range []string{
		`data-disable="viewer2"`,                                                        // already disabled
		`data-disable="sysadmin1"`, `data-delete="secadmin1"`, `data-delete="auditor1"`, // administrators: the console's or the secadmin's
		`data-delete="` + auth.ScreenAccount + `"`, `<option value="sysadmin">`, `<option value="secadmin1">`,
		"data-set-role", "data-reset-totp", `href="/users/policy"`,
	} {
		assert.NotContains(t, page, absent)
	}
}

func TestUsersPageForSecadmin(t *testing.T) {
	svc, _ := accounts(t)
	status, page := get(t, usersWeb(svc).UsersPage, "/users", "secadmin1", auth.RoleSecadmin)
	require.Equal(t, http.StatusOK, status, page)
	for _, want := range []string{
		"当前登录 secadmin1（安全管理员）", `<a href="/users/policy">口令策略</a>`,
		`<button data-set-role="viewer1">修改角色</button>`, `<button data-set-role="sysadmin1">修改角色</button>`,
		`<option value="operator" selected>运维人员</option>`, `<option value="auditor">审计管理员</option>`,
		`<button data-reset-totp="sysadmin1">重置动态口令</button>`, `<button data-reset-totp="auditor1">重置动态口令</button>`,
		"<td>安全管理员</td>",
	} {
		assert.Contains(t, page, want)
	}
	for _, absent := range []string{
		`data-set-role="secadmin1"`, `data-reset-totp="secadmin1"`, // never one's own
		`data-reset-totp="viewer1"`, // only administrators enrol TOTP
		`data-set-role="` + auth.ScreenAccount + `"`,
		"user-add-form", "user-password-form", "data-disable", "data-delete",
	} {
		assert.NotContains(t, page, absent)
	}
}

func TestUsersPageRefusesOtherRoles(t *testing.T) {
	svc, _ := accounts(t)
	w := usersWeb(svc)
	for _, role := range []auth.Role{auth.RoleSupervisor, auth.RoleViewer, auth.RoleOperator, auth.RoleAuditor, ""} {
		status, body := get(t, w.UsersPage, "/users", "someone", role)
		assert.Equal(t, http.StatusForbidden, status, role)
		assert.Contains(t, body, "账号管理仅限系统管理员和安全管理员", role)
		assert.NotContains(t, body, "viewer1", "no account name leaks to %q", role)
	}
}

// A name the API would refuse (auth.CheckUserName) can still be in the
// table, written by an older version: the page escapes it everywhere.
func TestUsersPageEscapesHostileNames(t *testing.T) {
	svc, db := accounts(t)
	hostile := `x"><script>alert(1)</script>`
	_, err := db.SQL().Exec("UPDATE users SET name = ? WHERE name = 'viewer1'", hostile)
	require.NoError(t, err)
	for _, role := range []auth.Role{auth.RoleSysadmin, auth.RoleSecadmin} {
		status, page := get(t, usersWeb(svc).UsersPage, "/users", string(role)+"1", role)
		require.Equal(t, http.StatusOK, status)
		assert.NotContains(t, page, "<script>alert", role)
		assert.NotContains(t, page, `x">`, role)
		assert.Contains(t, page, `x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;`, role)
	}
}

func TestPolicyPageShowsTheStoredPolicy(t *testing.T) {
	svc, _ := accounts(t)
	pol := auth.DefaultPolicy
	pol.MinLength, pol.LockoutMinutes = 12, 30
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{User: "secadmin1", Role: auth.RoleSecadmin})
	require.NoError(t, svc.SetPolicy(ctx, pol))
	status, page := get(t, usersWeb(svc).PolicyPage, "/users/policy", "secadmin1", auth.RoleSecadmin)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, `<form id="policy-form">`)
	assert.Contains(t, page, `<script src="/users/users.js" defer></script>`)
	assert.Regexp(t, `<label for="policy-min_length">密码最小长度（字符）</label>\s*</td>\s*<td><input id="policy-min_length" name="min_length" type="number" required min="1" step="1" value="12">`, page)
	assert.Contains(t, page, `name="lockout_minutes" type="number" required min="1" step="1" value="30"`)
}

// The form sends the whole policy, as PUT /api/v1/auth/policy requires: one
// input per field of auth.Policy's JSON, no more.
func TestPolicyFormCoversThePolicy(t *testing.T) {
	b, err := json.Marshal(auth.DefaultPolicy)
	require.NoError(t, err)
	var fields map[string]int
	require.NoError(t, json.Unmarshal(b, &fields))
	var keys []string
	for _, f := range policyFields(auth.DefaultPolicy) {
		keys = append(keys, f.Key)
		assert.Equal(t, fields[f.Key], f.Value, f.Key)
	}
	assert.ElementsMatch(t, keys, slices.Collect(maps.Keys(fields)))
}

func TestUsersScript(t *testing.T) {
	srv := httptest.NewServer(usersWeb(nil).UsersScript())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/users/users.js")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "javascript")
	b, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"X-SwanWatch-CSRF", `"/api/v1/users"`, `"/api/v1/auth/policy"`, `"/role"`, `"/totp"`, `"/disable"`, `"/password"`} {
		assert.Contains(t, string(b), want)
	}
}

func TestUsersPageShowsTOTPLastLoginAndExpiry(t *testing.T) {
	svc, db := accounts(t)
	_, err := db.SQL().Exec("UPDATE users SET totp_enrolled = 1, last_login_at = ? WHERE name = 'secadmin1'",
		t0.Add(-time.Hour).UnixMilli())
	require.NoError(t, err)
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{User: "sysadmin1", Role: auth.RoleSysadmin})
	require.NoError(t, svc.ResetPassword(ctx, "operator1", "Another-pass-2026"))
	_, page := get(t, usersWeb(svc).UsersPage, "/users", "secadmin1", auth.RoleSecadmin)
	row := func(name string) string {
		i := strings.Index(page, "<td>"+name)
		require.GreaterOrEqual(t, i, 0, name)
		return page[i : i+strings.Index(page[i:], "</tr>")]
	}
	assert.Contains(t, row("secadmin1"), "<td>已绑定</td>\n<td>2026-11-27 13:00:00</td>")
	assert.Contains(t, row("sysadmin1"), `<td><span class="unk">未绑定</span></td>`+"\n"+`<td><span class="muted">从未登录</span></td>`)
	assert.Contains(t, row("viewer1"), `<span class="muted">不需要</span>`)
	assert.Contains(t, row("viewer1"), "<td>2027-02-25 14:00:00</td>", "90 days after the password was set")
	assert.Contains(t, row("operator1"), "下次登录须修改")
}
