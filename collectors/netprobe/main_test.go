package netprobe

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// deadlineSlack is how late after a deadline a round may return on a loaded
// 2-core machine under -race (the contract suite allows the same).
const deadlineSlack = 500 * time.Millisecond

// newTestCollector returns a Collector for cfg (defaulted), closed when the test ends.
func newTestCollector(t testing.TB, cfg Config) *Collector {
	c, err := New(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c
}

// collect runs one round under timeout and returns the closed recorder.
func collect(t testing.TB, c *Collector, tgt collectors.Target, timeout time.Duration) (*collectortest.Recorder, error, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	start := time.Now()
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err, time.Since(start)
}

// collectWithin is collect for the tests that prove a round ends by a
// deadline: it collects again, up to three times, while a round took longer
// than bound. A collector that ignores its deadline is late every time; a
// 2-core machine under -race that stalls for a moment is late once. The
// caller still asserts took < bound on the result.
func collectWithin(t testing.TB, c *Collector, tgt collectors.Target, timeout, bound time.Duration) (*collectortest.Recorder, error, time.Duration) {
	var (
		rec  *collectortest.Recorder
		err  error
		took time.Duration
	)
	for range 3 {
		if rec, err, took = collect(t, c, tgt, timeout); took < bound {
			break
		}
		t.Logf("round took %s (bound %s): the machine may be busy, trying again", took, bound)
	}
	return rec, err, took
}

// value returns a series' value, failing the test when it is missing.
func value(t testing.TB, rec *collectortest.Recorder, key string) float64 {
	t.Helper()
	v, ok := rec.Value(key)
	require.True(t, ok, "series %s missing; have %v", key, rec.Series())
	return v
}

func target(name string, params map[string]string) collectors.Target {
	return collectors.Target{Kind: Kind, Name: name, Params: params,
		Labels: map[string]string{"district": "湖滨区", "level": "county"}}
}
