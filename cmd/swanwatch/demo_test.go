package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/demo"

	"github.com/swanwatch/swanwatch/internal/web"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// demoRun is a demo under test; started is when launchDemo began, before
// any of the demo's story clocks.
type demoRun struct {
	url, sim, password string
	dir                string // the demo's data directory
	started            time.Time
}

func startDemo(t *testing.T, dir string, vms int, wan ...float64) (*demoRun, func()) {
	t.Helper()
	scale := 0.0
	if len(wan) > 0 {
		scale = wan[0]
	}
	return launchDemo(t, demo.Options{DataDir: dir, VMs: vms, Interval: 2 * time.Second, WANScale: scale})
}

// launchDemo starts the demo with o (a fresh data directory when o has none,
// made here so that its removal runs after the demo has stopped) and returns
// it with the function that stops it. The demo's warnings and errors are
// kept and printed when the test fails: a story that times out on a loaded
// CI machine must say why.
func launchDemo(t *testing.T, o demo.Options) (*demoRun, func()) {
	t.Helper()
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan demoRun, 1)
	done := make(chan error, 1)
	logs := &syncBuffer{}
	o.Listen, o.Out = "127.0.0.1:0", io.Discard
	o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	started := time.Now()
	o.Ready = func(u, s, p string) { ready <- demoRun{url: u, sim: s, password: p, started: started} }
	go func() { done <- runDemo(ctx, o) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
			if t.Failed() {
				t.Logf("the demo's warnings and errors:\n%s", logs.String())
			}
		})
	}
	select {
	case r := <-ready:
		r.dir = o.DataDir
		return &r, stop
	case err := <-done:
		t.Fatalf("demo stopped: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("demo did not start within 30s\n%s", logs.String())
	}
	return nil, nil
}

// syncBuffer is a bytes.Buffer the demo's goroutines may log into at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (d *demoRun) get(t *testing.T, path string, into any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.url+path, nil)
	req.SetBasicAuth(demo.Duty, d.password)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if into != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	}
	return resp.StatusCode
}

type rates struct {
	Data struct {
		City      web.DistrictRate
		Districts []web.DistrictRate
	}
}

func TestDemoShowsEveryDistrictAndTheRateMovesWhenAgentsDrop(t *testing.T) {
	d, stop := startDemo(t, t.TempDir(), 60)
	defer stop()

	var q struct {
		Data struct {
			Result []struct{ Metric map[string]string }
		}
	}
	require.Eventually(t, func() bool {
		d.get(t, "/api/v1/query?query=swanwatch:agent_online:ratio", &q)
		return len(q.Data.Result) == 10
	}, 40*time.Second, 500*time.Millisecond, "per-district agent online rate for the ten districts")

	var before rates
	d.get(t, "/api/v1/agents/online_rate", &before)
	require.Equal(t, 60, before.Data.City.Total)
	var inv struct {
		Targets []struct{ Name, District string }
	}
	resp, err := http.Get(d.sim + "/inventory")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&inv))
	resp.Body.Close()
	for _, vm := range inv.Targets[:5] {
		r, err := http.Post(d.sim+"/control/vm/"+vm.Name+"/offline?mode=503", "", nil)
		require.NoError(t, err)
		r.Body.Close()
	}
	require.Eventually(t, func() bool {
		var now rates
		d.get(t, "/api/v1/agents/online_rate", &now)
		return now.Data.City.Offline >= 5 && now.Data.City.Ratio < before.Data.City.Ratio
	}, 20*time.Second, 250*time.Millisecond, "forcing five agents offline lowers the city's rate")
}

func TestDemoPasswordIsOneTime(t *testing.T) {
	dir := t.TempDir()
	first, stop := startDemo(t, dir, 10)
	require.Equal(t, http.StatusOK, first.get(t, "/api/v1/targets", nil))
	stop()
	second, stop := startDemo(t, dir, 10)
	defer stop()
	assert.NotEqual(t, first.password, second.password)
	assert.Equal(t, http.StatusOK, second.get(t, "/api/v1/targets", nil))
	second.password = first.password
	assert.Equal(t, http.StatusUnauthorized, second.get(t, "/api/v1/targets", nil), "the old password no longer works")
}

// The demo's simulated WAN reaches the API as per-link utilisation, redundancy
// state and v6-versus-v4 figures (issue 3's done-when).
func TestDemoWANFiguresAreQueryable(t *testing.T) {
	d, stop := startDemo(t, t.TempDir(), 10, 0.05)
	defer stop()
	for _, q := range []string{
		"swanwatch:link_utilisation_in:ratio", "swanwatch:link_redundancy_state",
		"swanwatch:link_v6_minus_v4_latency_seconds", `probe_loss_ratio{family="ipv6"}`,
		`snmp_if_oper_status`,
	} {
		var res struct {
			Data struct {
				Result []struct{ Metric map[string]string }
			}
		}
		require.Eventually(t, func() bool {
			d.get(t, "/api/v1/query?query="+url.QueryEscape(q), &res)
			return len(res.Data.Result) > 0
		}, 45*time.Second, 500*time.Millisecond, q)
	}
	// The reports read the same WAN series: the inspection report's link
	// queries and the month's provisional report with its link section.
	assert.Equal(t, http.StatusOK, d.get(t, "/api/v1/reports/inspection/"+sla.DateOf(time.Now()), nil))
	assert.Equal(t, http.StatusOK, d.get(t, "/api/v1/reports/sla/"+sla.MonthOf(time.Now())+"?format=html", nil))
}
