package bmc

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// events keeps what the collector hands to its event sink.
type events struct {
	mu  sync.Mutex
	evs []collectors.Event
}

func (e *events) AppendEvents(_ context.Context, evs []collectors.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, evs...)
	return nil
}

func (e *events) take() []collectors.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.evs
	e.evs = nil
	return out
}

// newTestCollector returns a Collector with defaults and the given changes,
// its events going to sink (may be nil), closed when the test ends.
func newTestCollector(t testing.TB, sink collectors.EventSink, change ...func(*Config)) *Collector {
	t.Helper()
	cfg := Config{}
	for _, f := range change {
		f(&cfg)
	}
	cfg = cfg.WithDefaults()
	require.NoError(t, cfg.Validate())
	var opts []Option
	if sink != nil {
		opts = append(opts, WithEvents(sink))
	}
	c := New(cfg, nil, opts...)
	t.Cleanup(func() { c.Close() })
	return c
}

// secretFile writes a secret into a 0600 file of the test's temp dir.
func secretFile(t testing.TB, value string) string {
	p := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(p, []byte(value+"\n"), 0o600))
	return p
}

// bmcTarget is a target for the fake at url with extra params (k, v, …).
func bmcTarget(t testing.TB, name, url string, kv ...string) collectors.Target {
	p := map[string]string{ParamUsername: testUser, ParamPasswordFile: secretFile(t, testPassword)}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return collectors.Target{Kind: Kind, Name: name, Address: url,
		Labels: map[string]string{"district": "湖滨区", "site": "市政务云A机房", LabelServer: "esxi-07", LabelRack: "A-03"},
		Params: p}
}

// poll runs one round under timeout and returns the closed recorder.
func poll(t testing.TB, c *Collector, tgt collectors.Target, timeout time.Duration) (*collectortest.Recorder, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err
}

// mustPoll is a round that must succeed with well-formed samples.
func mustPoll(t testing.TB, c *Collector, tgt collectors.Target) *collectortest.Recorder {
	t.Helper()
	rec, err := poll(t, c, tgt, 10*time.Second)
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	return rec
}

// value returns one series' value, failing the test when it is missing.
func value(t testing.TB, rec *collectortest.Recorder, key string) float64 {
	t.Helper()
	v, ok := rec.Value(key)
	require.True(t, ok, "series %s missing; have %v", key, rec.Series())
	return v
}

func absent(t testing.TB, rec *collectortest.Recorder, key string) {
	t.Helper()
	_, ok := rec.Value(key)
	require.False(t, ok, "series %s must be absent", key)
}
