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
	svc *Service
	clk *clock
	srv *httptest.Server
}

// newEnv starts a real HTTP server with the auth routes and three protected
// routes, one per role, and users viewer1, operator1 and admin1.
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
	}{{"viewer1", RoleViewer}, {"operator1", RoleOperator}, {"admin1", RoleAdmin}} {
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
	mux.Handle("GET /api/v1/admin", svc.Middleware(RoleAdmin)(echo))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{svc: svc, clk: clk, srv: srv}
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
	viewer, admin := svc.Middleware(RoleViewer), svc.Middleware(RoleAdmin)
	mux.HandleFunc("GET /login", svc.ServeLoginPage)
	mux.HandleFunc("POST /api/v1/login", svc.ServeLogin)
	mux.Handle("POST /api/v1/logout", viewer(http.HandlerFunc(svc.ServeLogout)))
	mux.Handle("GET /api/v1/whoami", viewer(http.HandlerFunc(svc.ServeWhoami)))
	mux.Handle("POST /api/v1/tokens", admin(http.HandlerFunc(svc.ServeCreateToken)))
	mux.Handle("GET /api/v1/tokens", admin(http.HandlerFunc(svc.ServeListTokens)))
	mux.Handle("DELETE /api/v1/tokens", admin(http.HandlerFunc(svc.ServeRevokeToken)))
	mux.HandleFunc("GET /wall/login", svc.ServeWallLogin)
}
