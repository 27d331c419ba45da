package agent

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newTestCollector returns a Collector with defaults and extra keep entries,
// closed when the test ends.
func newTestCollector(t testing.TB, keep ...string) *Collector {
	cfg := Config{Keep: append(append([]string(nil), DefaultKeep...), keep...)}.WithDefaults()
	require.NoError(t, cfg.Validate())
	c := New(cfg, nil)
	t.Cleanup(func() { c.Close() })
	return c
}

// scrape runs one round and returns the recorder (already closed) and error.
func scrape(t testing.TB, c *Collector, tgt collectors.Target) (*collectortest.Recorder, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err
}

// silentClosed returns a loopback address where nothing listens.
func silentClosed(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}
