package sim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testClock is a clock the test moves by hand.
type testClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *testClock {
	c := &testClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *testClock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *testClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *testClock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func (c *testClock) float() float64      { return float64(c.ns.Load()) / 1e9 }
func shanghaiTime(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateTime, s, shanghai)
}

// mustTime parses a "2026-11-25 10:00:00" Asia/Shanghai time.
func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := shanghaiTime(s)
	require.NoError(t, err)
	return at
}

// startSim runs a simulator for the test and stops it (and waits) at cleanup.
func startSim(t testing.TB, o Options) *Sim {
	t.Helper()
	s, err := New(o)
	require.NoError(t, err)
	require.NoError(t, s.Start())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return s
}

// client returns an HTTP client whose idle connections close at cleanup.
func client(t testing.TB, timeout time.Duration) *http.Client {
	t.Helper()
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: timeout}
}

// parse runs the real Prometheus text parser over an exposition.
func parse(t testing.TB, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	require.NoError(t, err, "exposition:\n%s", body)
	return fams
}

// get fetches url and returns the status and body.
func get(t testing.TB, c *http.Client, url string) (int, []byte) {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	require.NoError(t, err)
	return resp.StatusCode, b
}

// series flattens families into "name{labels}" → value.
func series(fams map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			key := name + "{"
			for _, l := range m.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + ","
			}
			key += "}"
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				out[key] = m.GetGauge().GetValue()
			case m.GetUntyped() != nil:
				out[key] = m.GetUntyped().GetValue()
			}
		}
	}
	return out
}

// vmsOf returns up to n VMs of the given profile.
func vmsOf(s *Sim, prof string, n int) []*vm {
	var out []*vm
	for _, v := range s.est.vms {
		if v.prof.Name == prof && len(out) < n {
			out = append(out, v)
		}
	}
	return out
}
