package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/config"
)

// The routes that need no login, each with its reason (see routes.go).
var openRoutes = []string{
	"GET /healthz", "GET /-/ready", // health
	"GET /login", "POST /api/v1/login", // the login itself
	"GET /wall/login",                       // the screen token is the credential
	"GET /ack/{token}", "POST /ack/{token}", // the signed 确认 link is the credential
	"POST /hooks/voice/{receiver}", "POST /hooks/sms/{receiver}", // the gateway's callback token is the credential
	"POST /api/v1/push/plate",       // plate cameras cannot log in: the push token is the credential
	"POST /api/v1/jobs/{name}/runs", // nor can backup scripts: the job's token is the credential
}

// users holds one account per role: the ordinary ones call with HTTP Basic,
// the three administrators with a session opened by password and TOTP.
var users = map[auth.Role]string{auth.RoleSupervisor: "supervisor1", auth.RoleViewer: "viewer1",
	auth.RoleOperator: "operator1", auth.RoleSysadmin: "sysadmin1", auth.RoleSecadmin: "secadmin1",
	auth.RoleAuditor: "auditor1"}

// TestRouteTable walks the one route table: without credentials every route
// but the open ones answers 401; for every route, each role the permission
// table allows gets through (neither 401 nor 403) and every other role gets
// 403 — so the three administrators cannot do each other's work; and every
// non-GET is in the audit trail (refused ones included) except the POSTs
// that only read.
func TestRouteTable(t *testing.T) {
	s, srv := serveTable(t)
	callers := loginAll(t, srv)
	table := s.routes()
	require.Greater(t, len(table), 40)
	var gotOpen, reads []string
	var last []func()
	for _, rt := range table {
		method, path := requestOf(rt.pattern)
		t.Run(rt.pattern, func(t *testing.T) {
			status := call(t, srv, method, path, "")
			if rt.role == open {
				gotOpen = append(gotOpen, rt.pattern)
			} else {
				assert.Equal(t, http.StatusUnauthorized, status, "without credentials")
				check := func() { checkRoles(t, callers, rt.role, method, path) }
				if rt.pattern == "POST /api/v1/logout" {
					last = append(last, check) // it ends the administrators' sessions
				} else {
					check()
				}
			}
			if rt.read {
				reads = append(reads, rt.pattern)
			}
			assertAudited(t, s, method, path, method != http.MethodGet && !rt.read && !rt.push)
		})
	}
	for _, f := range last {
		f()
	}
	assert.ElementsMatch(t, openRoutes, gotOpen)
	for _, p := range reads { // only the query API's POSTs read
		assert.True(t, strings.HasPrefix(p, "POST /api/v1/"), p)
		assert.True(t, slices.ContainsFunc(table, func(r route) bool { return r.pattern == "GET"+p[4:] }), p)
	}
	assert.Equal(t, http.StatusOK, call(t, srv, "GET", "/healthz", ""))
	assert.Equal(t, http.StatusOK, call(t, srv, "GET", "/api/cloud/v1/openapi.yaml", "supervisor1"),
		"the supervising authority's account opens the 一朵云 interface (and, above, nothing a viewer may)")
	assert.Equal(t, http.StatusNotFound, call(t, srv, "GET", "/no/such/page", "viewer1"))
}

// checkRoles calls a route as every role: allowed ones pass the auth
// middleware (whatever the handler then answers), others get its 403.
func checkRoles(t *testing.T, callers map[auth.Role]caller, class auth.Role, method, path string) {
	t.Helper()
	if strings.HasPrefix(path, "/debug/pprof/profile") {
		path += "?seconds=1" // a profile lasts 30 s by default
	}
	for role, do := range callers {
		status, body := do(method, path)
		refused := status == http.StatusForbidden && strings.Contains(body, "权限不足")
		if role.May(class) {
			assert.False(t, refused || status == http.StatusUnauthorized,
				"%s %s as %s (class %s) must pass: %d %s", method, path, role, class, status, body)
		} else {
			assert.True(t, refused, "%s %s as %s (class %s) must be refused: %d %s", method, path, role, class, status, body)
		}
	}
}

// caller makes a request as one user and returns the status and body.
type caller func(method, path string) (int, string)

// loginAll makes a caller per role; the administrators log in through the
// API with password and TOTP, enrolling their key as a first login does.
func loginAll(t *testing.T, srv *httptest.Server) map[auth.Role]caller {
	t.Helper()
	callers := map[auth.Role]caller{}
	for role, user := range users {
		c, csrf := srv.Client(), ""
		if role.Administrator() {
			c, csrf = sessionOf(t, srv, user)
		}
		callers[role] = func(method, path string) (int, string) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader("{}"))
			require.NoError(t, err)
			if csrf == "" {
				req.SetBasicAuth(user, testPassword)
			} else {
				req.Header.Set(auth.CSRFHeader, csrf)
			}
			resp, err := c.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
	}
	return callers
}

// sessionOf logs an administrator in: password, then the code of the key
// the server offers for enrolment.
func sessionOf(t *testing.T, srv *httptest.Server, user string) (*http.Client, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(body string) (int, map[string]any) {
		resp, err := c.Post(srv.URL+"/api/v1/login", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, step := post(`{"user":"` + user + `","password":"` + testPassword + `"}`)
	require.Equal(t, http.StatusUnauthorized, status, step)
	require.Equal(t, "totp_enrol", step["errorType"], step)
	code, err := totp.GenerateCode(step["secret"].(string), time.Now())
	require.NoError(t, err)
	status, done := post(`{"totp":"` + code + `"}`)
	require.Equal(t, http.StatusOK, status, done)
	return c, done["csrf_token"].(string)
}

// TestRouteTableHasNoDuplicate keeps the table honest: http.ServeMux panics
// on a duplicate pattern, and an unknown query endpoint panics too.
func TestRouteTableHasNoDuplicate(t *testing.T) {
	s, _ := serveTable(t)
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		assert.False(t, seen[rt.pattern], rt.pattern)
		seen[rt.pattern] = true
		assert.NotNil(t, rt.handler, rt.pattern)
	}
}

// serveTable opens a system on a temporary directory, with one user per
// role, and serves its route table.
func serveTable(t *testing.T) (*system, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "sw.yaml")
	require.NoError(t, os.WriteFile(file, []byte("storage: {path: "+dir+"/data}\n"), 0o600))
	cfg, err := config.Load(file)
	require.NoError(t, err)
	s := &system{opts: Options{ConfigFile: file}, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.cfg.Store(cfg)
	require.NoError(t, s.open())
	t.Cleanup(s.close)
	ctx := context.Background()
	for role, user := range users {
		require.NoError(t, s.auth.AddUser(ctx, user, role, testPassword))
	}
	// No run loop here: answer reloads as done, so a system administrator's
	// POST /-/reload returns (the reload itself is tested in reload_test.go).
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case reply := <-s.reload.requests:
				reply <- nil
			case <-stop:
				return
			}
		}
	}()
	srv := httptest.NewServer(s.handler())
	t.Cleanup(func() { srv.Close(); close(stop) })
	return s, srv
}

// requestOf turns a pattern into a request that matches it.
func requestOf(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodPost, pattern+"no/such/page" // the catch-all, written to
	}
	path = strings.ReplaceAll(path, "{$}", "")
	for _, v := range []string{"{id}", "{token}", "{name}", "{month}", "{date}"} {
		path = strings.ReplaceAll(path, v, "1")
	}
	return method, path
}

func call(t *testing.T, srv *httptest.Server, method, path, user string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader("{}"))
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, testPassword)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// assertAudited checks whether the audit trail holds the request.
func assertAudited(t *testing.T, s *system, method, path string, want bool) {
	t.Helper()
	entries, err := s.audit.Query(context.Background(), audit.Filter{From: time.Now().Add(-time.Hour),
		To: time.Now().Add(time.Hour), Limit: 10000})
	require.NoError(t, err)
	action := method + " " + path
	got := slices.ContainsFunc(entries, func(e audit.Entry) bool { return e.Action == action })
	assert.Equal(t, want, got, fmt.Sprintf("audit row for %s", action))
}

var updateRoutes = flag.Bool("update-routes", false, "rewrite testdata/routes.golden")

// TestRouteTableGolden keeps the whole HTTP surface, with each route's
// role, in one reviewed file: a route added, or a role lowered, shows in
// the diff of testdata/routes.golden (go test -run RouteTableGolden -update-routes).
func TestRouteTableGolden(t *testing.T) {
	s, _ := serveTable(t)
	var b strings.Builder
	for _, rt := range s.routes() {
		role := string(rt.role)
		if rt.role == open {
			role = "open"
		}
		if rt.push {
			role += " (device push, not audited)"
		}
		if rt.read {
			role += " (read, not audited)"
		}
		fmt.Fprintf(&b, "%-45s %s\n", rt.pattern, role)
	}
	golden := filepath.Join("testdata", "routes.golden")
	if *updateRoutes {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update-routes once")
	assert.Equal(t, string(want), b.String())
}
