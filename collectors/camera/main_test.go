package camera

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testConfig is the defaults with fast sessions.
func testConfig(mod ...func(*Config)) Config {
	// ffmpeg is a process of its own: beside other packages' tests on 2 cores
	// it once took over 5 s (the default) for one keyframe.
	cfg := Config{DecodeTimeout: 20 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	return cfg.WithDefaults()
}

// newTestCollector returns a validated Collector with a store in a temp dir, closed at the end.
func newTestCollector(t testing.TB, cfg Config) *Collector {
	t.Helper()
	require.NoError(t, cfg.Validate())
	store, err := NewStore(t.TempDir(), cfg.PicturesBudget)
	require.NoError(t, err)
	c := New(cfg, store, nil)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c
}

func camTargetFor(name, url string, params map[string]string) collectors.Target {
	return collectors.Target{Kind: Kind, Name: name, Address: url, Params: params}
}

// round runs one Collect with a fresh Recorder (closed when Collect returns).
func round(t testing.TB, c *Collector, tgt collectors.Target, timeout time.Duration) (*collectortest.Recorder, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err
}

// secretFile writes a password file and returns its path.
func secretFile(t testing.TB, pw string) string {
	p := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(p, []byte(pw+"\n"), 0o600))
	return p
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
