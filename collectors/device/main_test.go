package device

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestMain(m *testing.M) {
	if os.Getenv(fakeHostEnv) != "" { // the benchmark's device host (bench_test.go)
		os.Exit(runFakeHost())
	}
	goleak.VerifyTestMain(m)
}

// newTestCollector returns a Collector with defaults and the given changes.
func newTestCollector(t testing.TB, change ...func(*Config)) *Collector {
	t.Helper()
	cfg := Config{}
	for _, f := range change {
		f(&cfg)
	}
	cfg = cfg.WithDefaults()
	require.NoError(t, cfg.Validate())
	c, err := New(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// secretFile writes a secret into a 0600 file of the test's temp dir.
func secretFile(t testing.TB, name, value string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(value+"\n"), 0o600))
	return p
}

// target is a device target of profile on addr with the given params.
func target(name, profile, addr string, kv ...string) collectors.Target {
	params := map[string]string{"profile": profile}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	return collectors.Target{Kind: Kind, Name: name, Address: addr, Params: params,
		Labels: map[string]string{"district": "湖滨区", "site": "北门广场", "system": "天鹅湖景区"}}
}

// poll runs one round and returns the closed recorder and the error.
func poll(t testing.TB, c *Collector, tgt collectors.Target) (*collectortest.Recorder, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err
}

// value returns one series' value, failing the test when it is missing.
func value(t testing.TB, rec *collectortest.Recorder, key string) float64 {
	t.Helper()
	v, ok := rec.Value(key)
	require.True(t, ok, "series %s missing; have %v", key, rec.Series())
	return v
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// closedPort returns a loopback TCP address nothing listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	return addr
}
