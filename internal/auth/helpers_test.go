package auth

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fastArgon keeps the many logins of these tests quick; the hash format and
// code path are the same as with DefaultArgon2 (tested on its own).
var fastArgon = Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const goodPassword = "Sanmenxia-2026"

// clock is the injected Now of the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	svc     *Service
	clk     *clock
	srv     *httptest.Server
	secrets map[string]string // administrators' TOTP secrets, once enrolled
}

// newEnv starts a real HTTP server with the auth routes and three protected
// routes, one per route class but supervisor's, and users viewer1,
// operator1 and the three administrators sysadmin1, secadmin1, auditor1.
func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	clk := &clock{t: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.Argon2 == (Argon2Params{}) {
		opts.Argon2 = fastArgon
	}
	svc := New(db, opts)
	for _, u := range []struct {
		name string
		role Role
	}{{"viewer1", RoleViewer}, {"operator1", RoleOperator}, {"sysadmin1", RoleSysadmin},
		{"secadmin1", RoleSecadmin}, {"auditor1", RoleAuditor}} {
		require.NoError(t, svc.AddUser(context.Background(), u.name, u.role, goodPassword))
	}
	mux := http.NewServeMux()
	mountAPI(svc, mux)
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := PrincipalFrom(r.Context())
		assert.True(t, ok, "principal in context")
		_, _ = io.WriteString(w, p.User+" "+string(p.Role)+" "+string(p.Via))
	})
	mux.Handle("GET /api/v1/data", svc.Middleware(RoleViewer)(echo))
	mux.Handle("POST /api/v1/act", svc.Middleware(RoleOperator)(echo))
	mux.Handle("GET /api/v1/admin", svc.Middleware(RoleSysadmin)(echo))
	mux.Handle("GET /api/v1/sec", svc.Middleware(RoleSecadmin)(echo))
	mux.Handle("GET /api/v1/audit", svc.Middleware(RoleAuditor)(svc.AuditedRead(echo)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{svc: svc, clk: clk, srv: srv, secrets: map[string]string{}}
}

// browser is an HTTP client with a cookie jar that does not follow redirects.
func (e *env) browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

type req struct {
	method, path, body string
	header             map[string]string
	user, pass         string // HTTP Basic when user != ""
}

func (e *env) do(t *testing.T, c *http.Client, r req) (*http.Response, string) {
	t.Helper()
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, strings.NewReader(r.body))
	require.NoError(t, err)
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	if r.user != "" {
		hr.SetBasicAuth(r.user, r.pass)
	}
	if c == nil {
		c = e.browser(t)
	}
	resp, err := c.Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// loginJSON logs c in and returns the CSRF token.
func (e *env) loginJSON(t *testing.T, c *http.Client, user, pass string) (*http.Response, loginResponse) {
	t.Helper()
	body, err := json.Marshal(map[string]string{"user": user, "password": pass})
	require.NoError(t, err)
	resp, text := e.do(t, c, req{method: "POST", path: "/api/v1/login", body: string(body),
		header: map[string]string{"Content-Type": "application/json"}})
	var lr loginResponse
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.Unmarshal([]byte(text), &lr))
	}
	return resp, lr
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

// mountAPI mounts the auth API as the route table in internal/app does.
func mountAPI(svc *Service, mux *http.ServeMux) {
	for _, rt := range authRoutes(svc) {
		if rt.class == "" {
			mux.Handle(rt.pattern, rt.h)
			continue
		}
		mux.Handle(rt.pattern, svc.Middleware(rt.class)(rt.h))
	}
}

type authRoute struct {
	pattern string
	class   Role // "" open
	h       http.Handler
}

// authRoutes is the auth API with the classes the lead mounts it with
// (internal/app/routes.go), for the per-route tests here.
func authRoutes(svc *Service) []authRoute {
	hf := func(f http.HandlerFunc) http.Handler { return f }
	return []authRoute{
		{"GET /login", "", hf(svc.ServeLoginPage)},
		{"POST /api/v1/login", "", hf(svc.ServeLogin)},
		{"GET /wall/login", "", hf(svc.ServeWallLogin)},
		{"POST /api/v1/logout", ClassAnyone, hf(svc.ServeLogout)},
		{"GET /api/v1/whoami", ClassAnyone, hf(svc.ServeWhoami)},
		{"POST /api/v1/password", ClassAnyone, hf(svc.ServeChangePassword)},
		{"POST /api/v1/tokens", RoleSecadmin, hf(svc.ServeCreateToken)},
		{"GET /api/v1/tokens", RoleSecadmin, hf(svc.ServeListTokens)},
		{"DELETE /api/v1/tokens", RoleSecadmin, hf(svc.ServeRevokeToken)},
		{"GET /api/v1/users", RoleSysadmin, hf(svc.ServeListUsers)},
		{"POST /api/v1/users", RoleSysadmin, hf(svc.ServeAddUser)},
		{"POST /api/v1/users/{name}/password", RoleSysadmin, hf(svc.ServeResetPassword)},
		{"POST /api/v1/users/{name}/disable", RoleSysadmin, hf(svc.ServeDisableUser)},
		{"DELETE /api/v1/users/{name}", RoleSysadmin, hf(svc.ServeDeleteUser)},
		{"PUT /api/v1/users/{name}/role", RoleSecadmin, hf(svc.ServeSetRole)},
		{"DELETE /api/v1/users/{name}/totp", RoleSecadmin, hf(svc.ServeResetTOTP)},
		{"GET /api/v1/auth/policy", RoleSecadmin, hf(svc.ServePolicy)},
		{"PUT /api/v1/auth/policy", RoleSecadmin, hf(svc.ServeSetPolicy)},
	}
}

// totpCode is the code of secret at t, as the user's phone shows it.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	require.NoError(t, err)
	return code
}

// adminLogin logs an administrator in through the JSON API, enrolling its
// TOTP key on the first call, and returns the CSRF token of the session c
// now holds. Each call moves the clock to the next 30 s step, as a person
// typing a fresh code would.
func (e *env) adminLogin(t *testing.T, c *http.Client, user string) string {
	t.Helper()
	e.clk.Advance(totpPeriod * time.Second)
	body := `{"user":"` + user + `","password":"` + goodPassword + `"}`
	resp, text := e.do(t, c, req{method: "POST", path: "/api/v1/login", body: body, header: jsonHeader})
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, text)
	var step stepResponse
	require.NoError(t, json.Unmarshal([]byte(text), &step))
	secret := e.secrets[user]
	if step.ErrorType == "totp_enrol" {
		require.NotEmpty(t, step.Secret)
		require.Contains(t, step.OTPAuthURI, "otpauth://totp/")
		secret = step.Secret
		e.secrets[user] = secret
	} else {
		require.Equal(t, "totp_required", step.ErrorType, text)
	}
	code := totpCode(t, secret, e.clk.Now())
	resp, text = e.do(t, c, req{method: "POST", path: "/api/v1/login", body: `{"totp":"` + code + `"}`,
		header: jsonHeader})
	require.Equal(t, http.StatusOK, resp.StatusCode, text)
	var lr loginResponse
	require.NoError(t, json.Unmarshal([]byte(text), &lr))
	return lr.CSRFToken
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}
