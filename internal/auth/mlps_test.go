package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// as is a client acting as one user: HTTP Basic for the ordinary roles, a
// session opened with password and TOTP for the administrators.
type as struct {
	e    *env
	c    *http.Client
	user string
	csrf string
}

func (e *env) as(t *testing.T, user string) *as {
	t.Helper()
	a := &as{e: e, c: e.browser(t), user: user}
	if strings.HasSuffix(user, "admin1") || user == "auditor1" {
		a.csrf = e.adminLogin(t, a.c, user)
	}
	return a
}

func (a *as) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	r := req{method: method, path: path, body: body, header: map[string]string{"Content-Type": "application/json"}}
	if a.csrf == "" {
		r.user, r.pass = a.user, goodPassword
	} else {
		r.header[CSRFHeader] = a.csrf
	}
	resp, text := a.e.do(t, a.c, r)
	return resp.StatusCode, text
}

// Every auth route, as every role: the allowed roles pass the middleware, the
// others get its 403 — the three administrators cannot do each other's work.
func TestAuthRoutesPerRole(t *testing.T) {
	e := newEnv(t, Options{})
	roles := map[Role]*as{}
	for _, u := range []string{"viewer1", "operator1", "sysadmin1", "secadmin1", "auditor1"} {
		a := e.as(t, u)
		roles[Role(strings.TrimSuffix(u, "1"))] = a
	}
	extra := []authRoute{{"GET /api/v1/admin", RoleSysadmin, nil}, {"GET /api/v1/sec", RoleSecadmin, nil},
		{"GET /api/v1/audit", RoleAuditor, nil}, {"GET /api/v1/data", RoleViewer, nil}, {"POST /api/v1/act", RoleOperator, nil}}
	for _, rt := range append(authRoutes(e.svc), extra...) {
		if rt.class == "" || rt.pattern == "POST /api/v1/logout" {
			continue // open; logout would end the sessions (tested on its own)
		}
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.ReplaceAll(path, "{name}", "nobody")
		for role, a := range roles {
			status, body := a.do(t, method, path, "{}")
			refused := status == http.StatusForbidden && strings.Contains(body, "权限不足")
			if role.May(rt.class) {
				assert.False(t, refused || status == http.StatusUnauthorized, "%s as %s: %d %s", rt.pattern, role, status, body)
			} else {
				assert.True(t, refused, "%s as %s must be refused: %d %s", rt.pattern, role, status, body)
			}
		}
	}
}

// The separation of duties over accounts: the system administrator makes
// ordinary accounts only, the security administrator gives roles but never
// its own, and nobody resets their own second factor.
func TestSeparationOfDuties(t *testing.T) {
	e := newEnv(t, Options{})
	sys, sec := e.as(t, "sysadmin1"), e.as(t, "secadmin1")
	steps := []struct {
		who        *as
		method     string
		path, body string
		want       int
	}{
		{sys, "POST", "/api/v1/users", `{"name":"zhang.wei","role":"operator","password":"Zhangwei-2026"}`, 201},
		{sys, "POST", "/api/v1/users", `{"name":"evil","role":"sysadmin","password":"Zhangwei-2026"}`, 403},
		{sys, "POST", "/api/v1/users", `{"name":"evil","role":"auditor","password":"Zhangwei-2026"}`, 403},
		{sys, "POST", "/api/v1/users/secadmin1/password", `{"password":"Another-pw-2026"}`, 403},
		{sys, "POST", "/api/v1/users/auditor1/disable", ``, 403},
		{sys, "DELETE", "/api/v1/users/secadmin1", ``, 403},
		{sys, "POST", "/api/v1/users/sysadmin1/disable", ``, 403},
		{sys, "POST", "/api/v1/users/viewer1/password", `{"password":"Reset-pw-2026x"}`, 204},
		{sec, "PUT", "/api/v1/users/secadmin1/role", `{"role":"sysadmin"}`, 403},
		{sec, "PUT", "/api/v1/users/zhang.wei/role", `{"role":"root"}`, 403},
		{sec, "PUT", "/api/v1/users/zhang.wei/role", `{"role":"viewer"}`, 204},
		{sec, "PUT", "/api/v1/users/operator1/role", `{"role":"auditor"}`, 204},
		{sec, "DELETE", "/api/v1/users/secadmin1/totp", ``, 403},
		{sec, "DELETE", "/api/v1/users/auditor1/totp", ``, 204},
		{sys, "DELETE", "/api/v1/users/zhang.wei", ``, 204},
	}
	for _, s := range steps {
		status, body := s.who.do(t, s.method, s.path, s.body)
		assert.Equal(t, s.want, status, "%s %s %s by %s: %s", s.method, s.path, s.body, s.who.user, body)
	}
	users, err := e.svc.ListUsers(context.Background())
	require.NoError(t, err)
	for _, u := range users {
		assert.NotEqual(t, "evil", u.Name)
		assert.NotEqual(t, "zhang.wei", u.Name, "deleted")
		if u.Name == "secadmin1" {
			assert.Equal(t, RoleSecadmin, u.Role)
		}
	}
	// Raised to auditor, operator1 enrols TOTP and then chooses a new password.
	c0 := e.browser(t)
	step0 := e.passwordLoginWith(t, c0, "operator1", goodPassword)
	require.Equal(t, "totp_enrol", step0.ErrorType)
	resp, body := e.do(t, c0, req{method: "POST", path: "/api/v1/login", header: jsonHeader,
		body: `{"totp":"` + totpCode(t, step0.Secret, e.clk.Now()) + `"}`})
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	assert.Contains(t, body, "password_change")
	// The auditor enrols again after the reset; the reset viewer must change
	// its password at the next login, and HTTP Basic refuses it until then.
	step := e.passwordLogin(t, "auditor1", goodPassword)
	assert.Equal(t, "totp_enrol", step.ErrorType)
	resp, body = e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: "Reset-pw-2026x"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, body)
	assert.Contains(t, body, "设置新密码")
	c := e.browser(t)
	step = e.passwordLoginWith(t, c, "viewer1", "Reset-pw-2026x")
	assert.Equal(t, "password_change", step.ErrorType)
	resp, body = e.do(t, c, req{method: "POST", path: "/api/v1/login", body: `{"new_password":"Reset-pw-2026x"}`, header: jsonHeader})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the same password again: %s", body)
	assert.Contains(t, body, "最近使用过")
	resp, body = e.do(t, c, req{method: "POST", path: "/api/v1/login", body: `{"new_password":"Own-choice-2027"}`, header: jsonHeader})
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
}

func (e *env) passwordLogin(t *testing.T, user, pass string) stepResponse {
	t.Helper()
	return e.passwordLoginWith(t, e.browser(t), user, pass)
}

func (e *env) passwordLoginWith(t *testing.T, c *http.Client, user, pass string) stepResponse {
	t.Helper()
	resp, text := e.do(t, c, req{method: "POST", path: "/api/v1/login",
		body: `{"user":"` + user + `","password":"` + pass + `"}`, header: jsonHeader})
	var s stepResponse
	require.NoError(t, json.Unmarshal([]byte(text), &s))
	if resp.StatusCode == http.StatusOK {
		return stepResponse{}
	}
	return s
}

// Password policy: classes by role, no reuse of the last five, expiry at 90
// days forcing a change at login.
func TestPasswordHistoryAndExpiry(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	err := e.svc.AddUser(ctx, "sys2", RoleSysadmin, "abcdefghij12")
	var pe *PolicyError
	require.ErrorAs(t, err, &pe, "two classes are not enough for an administrator")
	assert.Contains(t, pe.Message, "至少3类")
	require.NoError(t, e.svc.AddUser(ctx, "viewer2", RoleViewer, "abcdefghij12"), "two are for a viewer")

	pws := []string{goodPassword, "Second-pw-2026", "Third-pw-2026", "Fourth-pw-2026", "Fifth-pw-2026"}
	for _, pw := range pws[1:] {
		require.NoError(t, e.svc.SetPassword(ctx, "operator1", pw))
	}
	for _, old := range pws {
		assert.ErrorIs(t, e.svc.SetPassword(ctx, "operator1", old), ErrPasswordReused, old)
	}
	require.NoError(t, e.svc.SetPassword(ctx, "operator1", "Sixth-pw-2026"))
	require.NoError(t, e.svc.SetPassword(ctx, "operator1", goodPassword), "the sixth back is allowed")

	e.clk.Advance(89 * 24 * time.Hour)
	assert.Empty(t, e.passwordLogin(t, "viewer1", goodPassword).ErrorType, "day 89: fine")
	e.clk.Advance(24 * time.Hour)
	assert.Equal(t, "password_change", e.passwordLogin(t, "viewer1", goodPassword).ErrorType, "day 90: expired")
	_, _, err = e.svc.Login(ctx, "viewer1", goodPassword, "10.0.0.1:1")
	var se *StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, stagePassword, se.Stage)
}

// The policy is the security administrator's: floors hold, a change applies
// at once (here the lockout threshold), and it is persisted.
func TestPolicyAPI(t *testing.T) {
	e := newEnv(t, Options{})
	sec := e.as(t, "secadmin1")
	status, body := sec.do(t, "GET", "/api/v1/auth/policy", "")
	require.Equal(t, http.StatusOK, status, body)
	var p Policy
	require.NoError(t, json.Unmarshal([]byte(body), &p))
	assert.Equal(t, 90, p.MaxAgeDays)
	assert.Equal(t, 15, p.AdminIdleMinutes)
	assert.Equal(t, 5, p.History)

	weak := p
	weak.MinLength = 6
	raw, _ := json.Marshal(weak)
	status, body = sec.do(t, "PUT", "/api/v1/auth/policy", string(raw))
	assert.Equal(t, http.StatusBadRequest, status, "below the MLPS floor: %s", body)
	assert.Contains(t, body, "密码最小长度")

	p.LockoutThreshold, p.MinLength = 3, 12
	raw, _ = json.Marshal(p)
	status, body = sec.do(t, "PUT", "/api/v1/auth/policy", string(raw))
	require.Equal(t, http.StatusOK, status, body)
	stored, err := e.svc.Policy(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, stored.LockoutThreshold)
	assert.ErrorContains(t, e.svc.SetPassword(context.Background(), "viewer1", "Eleven-ch-1"), "shorter than 12")
	for range 3 {
		e.passwordLogin(t, "operator1", "Wrong-pass-2026")
	}
	resp, _ := e.do(t, nil, req{method: "POST", path: "/api/v1/login", header: jsonHeader,
		body: `{"user":"operator1","password":"` + goodPassword + `"}`})
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "locked after the policy's 3")
}

// A wrong TOTP code counts toward the lockout like a wrong password.
func TestWrongTOTPCodesLock(t *testing.T) {
	e := newEnv(t, Options{})
	e.adminLogin(t, e.browser(t), "auditor1") // enrolled
	c := e.browser(t)
	for range 5 {
		step := e.passwordLoginWith(t, c, "auditor1", goodPassword)
		require.Equal(t, "totp_required", step.ErrorType)
		e.do(t, c, req{method: "POST", path: "/api/v1/login", body: `{"totp":"000000"}`, header: jsonHeader})
	}
	resp, body := e.do(t, c, req{method: "POST", path: "/api/v1/login", header: jsonHeader,
		body: `{"user":"auditor1","password":"` + goodPassword + `"}`})
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, body)
}

// Administrators' sessions end after 15 idle minutes, others' after the
// configured 30.
func TestAdministratorIdleTimeout(t *testing.T) {
	e := newEnv(t, Options{})
	admin := e.as(t, "sysadmin1")
	c := e.browser(t)
	resp, _ := e.loginJSON(t, c, "viewer1", goodPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	e.clk.Advance(16 * time.Minute)
	status, _ := admin.do(t, "GET", "/api/v1/admin", "")
	assert.Equal(t, http.StatusUnauthorized, status, "16 idle minutes end an administrator's session")
	resp, _ = e.do(t, c, req{method: "GET", path: "/api/v1/data"})
	assert.Equal(t, http.StatusOK, resp.StatusCode, "not a viewer's")
}

// whoami shows the previous login and the failures since.
func TestWhoamiShowsLastLogin(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.browser(t)
	resp, _ := e.loginJSON(t, c, "operator1", goodPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	e.passwordLogin(t, "operator1", "Wrong-pass-2026")
	e.clk.Advance(time.Hour)
	c2 := e.browser(t)
	resp, lr := e.loginJSON(t, c2, "operator1", goodPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, lr.LastLogin.Failed)
	assert.Equal(t, "127.0.0.1", lr.LastLogin.Addr)
	_, body := e.do(t, c2, req{method: "GET", path: "/api/v1/whoami"})
	var w whoami
	require.NoError(t, json.Unmarshal([]byte(body), &w))
	assert.Equal(t, lr.LastLogin.Failed, w.LastLogin.Failed)
	assert.True(t, w.LastLogin.Time.Equal(time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)), w.LastLogin.Time)
}

// recorder keeps the security events.
type recorder struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recorder) AuthEvent(_ context.Context, ev Event) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
}

// The auditor's reads of the audit trail are themselves recorded.
func TestAuditReadsAudited(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, Options{Audit: rec})
	aud := e.as(t, "auditor1")
	status, _ := aud.do(t, "GET", "/api/v1/audit?user=sysadmin1&limit=5", "")
	require.Equal(t, http.StatusOK, status)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var reads []Event
	for _, ev := range rec.evs {
		if ev.Action == "audit.read" {
			reads = append(reads, ev)
		}
	}
	require.Len(t, reads, 1)
	assert.Equal(t, "auditor1", reads[0].User)
	assert.Equal(t, RoleAuditor, reads[0].Role)
	assert.Equal(t, "200", reads[0].Result)
	assert.Contains(t, reads[0].Detail, `user="sysadmin1"`)
}

// A script may send the password and the code at once; a pending login
// cookie from another browser opens nothing.
func TestOneShotAdminLoginAndPendingCookie(t *testing.T) {
	e := newEnv(t, Options{})
	e.adminLogin(t, e.browser(t), "secadmin1")
	e.clk.Advance(totpPeriod * time.Second)
	code := totpCode(t, e.secrets["secadmin1"], e.clk.Now())
	resp, body := e.do(t, nil, req{method: "POST", path: "/api/v1/login", header: jsonHeader,
		body: `{"user":"secadmin1","password":"` + goodPassword + `","totp":"` + code + `"}`})
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)

	c := e.browser(t)
	step := e.passwordLoginWith(t, c, "sysadmin1", goodPassword)
	require.Equal(t, "totp_enrol", step.ErrorType)
	u, _ := url.Parse(e.srv.URL)
	var pending string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == PendingCookie {
			pending = ck.Value
		}
	}
	require.NotEmpty(t, pending)
	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/admin",
		header: map[string]string{"Cookie": SessionCookie + "=" + pending}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a half-done login is no session")
	e.clk.Advance(pendingTTL)
	resp, body = e.do(t, c, req{method: "POST", path: "/api/v1/login", header: jsonHeader,
		body: `{"totp":"` + totpCode(t, step.Secret, e.clk.Now()) + `"}`})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	assert.Contains(t, body, "登录已超时", "the step waits five minutes at most")
}

// rot13 is a stand-in Sealer (the SM4 one lives in internal/secret): it
// shows the scheme prefix at work, not encryption.
type rot13 struct{}

func (rot13) Scheme() string { return "rot13" }
func (rot13) Seal(b []byte) (string, error) {
	return strings.Map(rot, string(b)), nil
}
func (rot13) Open(s string) ([]byte, error) { return []byte(strings.Map(rot, s)), nil }

func rot(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return 'A' + (r-'A'+13)%26
	case r >= 'a' && r <= 'z':
		return 'a' + (r-'a'+13)%26
	}
	return r
}

// TOTP secrets enrolled plain are sealed once a Sealer is set, and the
// administrator's codes keep working.
func TestTOTPSecretsResealed(t *testing.T) {
	e := newEnv(t, Options{})
	e.adminLogin(t, e.browser(t), "auditor1")
	var stored string
	db := e.svc.db
	require.NoError(t, db.QueryRow(`SELECT totp_secret FROM users WHERE name = 'auditor1'`).Scan(&stored))
	assert.Equal(t, "plain:"+e.secrets["auditor1"], stored)

	e.svc.opts.Sealer = rot13{}
	n, err := e.svc.ResealTOTP(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, db.QueryRow(`SELECT totp_secret FROM users WHERE name = 'auditor1'`).Scan(&stored))
	assert.True(t, strings.HasPrefix(stored, "rot13:"), stored)
	assert.NotContains(t, stored, e.secrets["auditor1"])
	e.adminLogin(t, e.browser(t), "auditor1") // the code still verifies
}
