package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
	"POST /api/v1/push/plate",       // plate cameras cannot log in: the push token is the credential
	"POST /api/v1/jobs/{name}/runs", // nor can backup scripts: the job's token is the credential
}

// roleBelow is the role that must be refused with 403; supervisor has none.
var roleBelow = map[auth.Role]string{auth.RoleViewer: "supervisor1", auth.RoleOperator: "viewer1",
	auth.RoleAdmin: "operator1"}

// TestRouteTable walks the one route table: without credentials every route
// but the open ones answers 401, the role below the required one gets 403,
// and every non-GET is in the audit trail (refused ones included) except the
// POSTs that only read.
func TestRouteTable(t *testing.T) {
	s, srv := serveTable(t)
	table := s.routes()
	require.Greater(t, len(table), 40)
	var gotOpen, reads []string
	for _, rt := range table {
		method, path := requestOf(rt.pattern)
		t.Run(rt.pattern, func(t *testing.T) {
			status := call(t, srv, method, path, "")
			if rt.role == open {
				gotOpen = append(gotOpen, rt.pattern)
			} else {
				assert.Equal(t, http.StatusUnauthorized, status, "without credentials")
			}
			if user, ok := roleBelow[rt.role]; ok {
				assert.Equal(t, http.StatusForbidden, call(t, srv, method, path, user), "as %s", user)
			}
			if rt.read {
				reads = append(reads, rt.pattern)
			}
			assertAudited(t, s, method, path, method != http.MethodGet && !rt.read && !rt.push)
		})
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
	for user, role := range map[string]auth.Role{"supervisor1": auth.RoleSupervisor, "viewer1": auth.RoleViewer,
		"operator1": auth.RoleOperator, "admin1": auth.RoleAdmin} {
		require.NoError(t, s.auth.AddUser(ctx, user, role, testPassword))
	}
	srv := httptest.NewServer(s.handler())
	t.Cleanup(srv.Close)
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
