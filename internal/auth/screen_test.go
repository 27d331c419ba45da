package auth_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// syncBuffer collects log output from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// wall is a server wired like internal/app: the audit middleware outside, the
// auth routes, the wall login, and viewer/operator routes behind the
// middleware; every protected route echoes its principal.
type wall struct {
	svc   *auth.Service
	db    *statestore.DB
	audit *audit.Log
	logs  *syncBuffer
	srv   *httptest.Server
	token string // screen token 大屏1
}

const password = "Sanmenxia-2026"

func newWall(t *testing.T, tls bool) *wall {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), logger)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	al := audit.New(db, logger)
	svc := auth.New(db, auth.Options{Logger: logger, Audit: al,
		Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	ctx := context.Background()
	require.NoError(t, svc.AddUser(ctx, "operator1", auth.RoleOperator, password))
	token, err := svc.CreateScreenToken(ctx, "大屏1")
	require.NoError(t, err)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", svc.ServeLoginPage)
	mux.HandleFunc("POST /api/v1/login", svc.ServeLogin)
	mux.HandleFunc("GET /wall/login", svc.ServeWallLogin)
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context())
		_, _ = io.WriteString(w, p.User+" "+string(p.Role)+" "+string(p.Via))
	})
	mux.Handle("/", svc.Middleware(auth.RoleViewer)(echo)) // /wall/, /wall/static/…, /wall/ws, /api/v1/query
	mux.Handle("POST /api/v1/act", svc.Middleware(auth.RoleOperator)(echo))
	srv := httptest.NewUnstartedServer(al.Middleware(mux))
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return &wall{svc: svc, db: db, audit: al, logs: logs, srv: srv, token: token}
}

// browser keeps cookies and does not follow redirects.
func (w *wall) browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := *w.srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// get sends method path with headers and returns status, headers and body.
func (w *wall) send(t *testing.T, c *http.Client, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	r, err := http.NewRequest(method, w.srv.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// login opens the wall login URL for screen and returns the response.
func (w *wall) login(t *testing.T, c *http.Client, token, screen string) (*http.Response, string) {
	t.Helper()
	return w.send(t, c, "GET", "/wall/login?token="+token+"&screen="+screen, "Accept", "text/html")
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

func screenCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == auth.ScreenCookie {
			return c
		}
	}
	return nil
}

func TestWallLoginSetsTheCookieAndRedirects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tls    bool
		secure bool
	}{{"plain HTTP", false, false}, {"TLS", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWall(t, tc.tls)
			c := w.browser(t)
			before := counter(`swanwatch_auth_logins_total{via="screen",result="success"}`)
			resp, _ := w.login(t, c, w.token, "大屏1")
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, "/wall/?screen=%E5%A4%A7%E5%B1%8F1", resp.Header.Get("Location"))
			assert.NotContains(t, resp.Header.Get("Location"), w.token)
			assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
			ck := screenCookie(resp)
			require.NotNil(t, ck, "screen cookie set")
			assert.True(t, ck.HttpOnly)
			assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
			assert.Equal(t, "/wall", ck.Path)
			assert.Equal(t, tc.secure, ck.Secure)
			assert.Equal(t, before+1, counter(`swanwatch_auth_logins_total{via="screen",result="success"}`))

			resp, body := w.send(t, c, "GET", "/wall/?screen=大屏1", "Accept", "text/html")
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "screen:大屏1 viewer screen", body)
		})
	}
}

func TestWallLoginKeepsAPinnedScene(t *testing.T) {
	w := newWall(t, false)
	resp, _ := w.send(t, w.browser(t), "GET", "/wall/login?token="+w.token+"&screen=lobby&scene=wan")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/wall/?scene=wan&screen=lobby", resp.Header.Get("Location"))
	resp, _ = w.send(t, w.browser(t), "GET", "/wall/login?token="+w.token)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/wall/", resp.Header.Get("Location"))
}
