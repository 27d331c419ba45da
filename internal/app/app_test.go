package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	promapi "github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

const testPassword = "Test-passw0rd-x"

// basicAuth is the client side of `curl -u`: Grafana's basic auth does the same.
type basicAuth struct{ user, pass string }

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.pass)
	return http.DefaultTransport.RoundTrip(r)
}

// started is a server under test.
type started struct {
	url, dir, file string
	api            v1.API
	stop           func() error
	hup            chan struct{} // what SIGHUP sends
	// Bearer tokens of the system administrator (reload) and the auditor (audit trail).
	sysToken, audToken string
}

// adminToken adds an administrator and makes it an API token, as a security
// administrator would.
func adminToken(t *testing.T, file, name string, role auth.Role) string {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, AddUser(ctx, file, name, string(role), testPassword))
	c, err := OpenConsole(ctx, file)
	require.NoError(t, err)
	defer c.Close()
	tok, err := c.Auth.CreateToken(ctx, name, "test", 0)
	require.NoError(t, err)
	return tok
}

// run starts (or, after stop, restarts) the server on s.file and waits until
// it listens; the same data directory is reused.
func (s *started) run(t *testing.T) {
	t.Helper()
	cfg, err := config.Load(s.file)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.hup = make(chan struct{})
	go func() {
		done <- Run(ctx, Options{ConfigFile: s.file, Config: cfg, Logger: logger, Reload: s.hup,
			Ready: func(u string) { ready <- u }})
	}()
	select {
	case s.url = <-ready:
	case err := <-done:
		t.Fatalf("server stopped at start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not listen within 30s")
	}
	client, err := promapi.NewClient(promapi.Config{Address: s.url, RoundTripper: basicAuth{"ops", testPassword}})
	require.NoError(t, err)
	s.api = v1.NewAPI(client) // the port is new after a restart
	stopped := false
	s.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = s.stop() })
}

// startServer writes cfgYAML (with {{dir}} and {{node}} filled in), adds an
// admin, runs the server and waits until it listens.
func startServer(t *testing.T, cfgYAML string, vars map[string]string) *started {
	t.Helper()
	dir := t.TempDir()
	vars["{{dir}}"] = dir
	vars["{{port}}"] = "0" // the server listens on a port of its own choosing and reports it
	for k, v := range vars {
		cfgYAML = strings.ReplaceAll(cfgYAML, k, v)
	}
	file := filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, []byte(cfgYAML), 0o600))
	// MLPS separation: ops is the duty operator; the system and audit
	// administrators act with API tokens (their password alone, HTTP Basic,
	// opens nothing without TOTP).
	require.NoError(t, AddUser(context.Background(), file, "ops", "operator", testPassword))
	s := &started{dir: dir, file: file, sysToken: adminToken(t, file, "sys", auth.RoleSysadmin),
		audToken: adminToken(t, file, "aud", auth.RoleAuditor)}
	s.run(t)
	return s
}

const agentConfig = `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
rules: {evaluation_interval: 1s}
collectors:
  agent: {interval: 1s, timeout: 800ms}
inventory:
  targets:
    - {name: vm-real, kind: agent, address: "{{node}}", district: 义马市, level: city, site: 政务云主中心, system: 不动产登记系统, dept: 市自然资源和规划局}
    - {name: vm-gone, kind: agent, address: "http://127.0.0.1:1/metrics", district: 卢氏县, level: county, system: 医保结算系统}
`

func TestServerCollectsFromRealNodeExporterAndAnswersPrometheusClient(t *testing.T) {
	ne := testpeer.NodeExporter(t)
	s := startServer(t, agentConfig, map[string]string{"{{node}}": ne.URL})
	ctx := context.Background()

	var vec model.Vector
	require.Eventually(t, func() bool {
		res, _, _, err := s.api.Query(ctx, "swanwatch:agent_online:ratio", time.Now())
		if err != nil {
			return false
		}
		vec, _ = res.(model.Vector)
		return len(vec) == 2
	}, 30*time.Second, 250*time.Millisecond, "recording rule per district")
	byDistrict := map[string]float64{}
	for _, smp := range vec {
		byDistrict[string(smp.Metric["district"])] = float64(smp.Value)
	}
	assert.Equal(t, map[string]float64{"义马市": 1, "卢氏县": 0}, byDistrict)

	res, _, _, err := s.api.Query(ctx, `count({instance="vm-real",__name__=~"node_.+"})`, time.Now())
	require.NoError(t, err)
	n := float64(res.(model.Vector)[0].Value)
	assert.True(t, n > 10 && n < 120, "keep-list bounds a VM to tens of series, got %v", n)

	names, _, _, err := s.api.LabelValues(ctx, "__name__", nil, time.Now().Add(-time.Hour), time.Now())
	require.NoError(t, err)
	assert.Contains(t, names, model.LabelValue("node_cpu_seconds_total"))
	meta, err := s.api.Metadata(ctx, "node_cpu_seconds_total", "")
	require.NoError(t, err)
	assert.Equal(t, v1.MetricTypeCounter, meta["node_cpu_seconds_total"][0].Type)

	offline := getJSON(t, s, "/api/v1/agents/offline")
	assert.Contains(t, offline, "vm-gone")
	assert.NotContains(t, offline, "vm-real")
	events := getJSON(t, s, "/api/v1/events?match=%7Binstance%3D%22vm-gone%22%7D")
	assert.Contains(t, events, "监控插件离线")
}

func getJSON(t *testing.T, s *started, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	require.NoError(t, err)
	if strings.HasPrefix(path, "/api/v1/audit") {
		req.Header.Set("Authorization", "Bearer "+s.audToken) // the auditor's alone
	} else {
		req.SetBasicAuth("ops", testPassword)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	return string(b)
}

func TestEveryRouteButHealthNeedsAuth(t *testing.T) {
	s := startServer(t, agentConfig, map[string]string{"{{node}}": "http://127.0.0.1:1/metrics"})
	for path, want := range map[string]int{
		"/healthz": 200, "/-/ready": 200, "/api/v1/query?query=up": 401, "/metrics": 401,
		"/api/v1/targets": 401, "/api/v1/events": 401, "/api/v1/audit": 401,
	} {
		resp, err := http.Get(s.url + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, path)
	}
	resp, err := http.Post(s.url+"/-/reload", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestStopFlushesTheWAL(t *testing.T) {
	ne := testpeer.NodeExporter(t)
	s := startServer(t, agentConfig, map[string]string{"{{node}}": ne.URL})
	require.Eventually(t, func() bool {
		res, _, _, err := s.api.Query(context.Background(), `up{instance="vm-real"}`, time.Now())
		return err == nil && len(res.(model.Vector)) == 1
	}, 20*time.Second, 200*time.Millisecond)
	require.NoError(t, s.stop())

	st, err := storage.Open(storage.Options{Dir: filepath.Join(s.dir, "data", "tsdb")})
	require.NoError(t, err)
	defer st.Close()
	q, err := st.Queryable().Querier(0, time.Now().UnixMilli()+1000)
	require.NoError(t, err)
	defer q.Close()
	vals, _, err := q.LabelValues(context.Background(), "instance", nil)
	require.NoError(t, err)
	assert.Contains(t, vals, "vm-real", "samples written before the stop survive a reopen")
}
