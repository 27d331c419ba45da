// Package collectortest owns the contract suite that every collector kind runs
// against its real peer: a silent peer returns by the deadline, samples are well
// formed, concurrent rounds are race-free and keep their samples apart, emit is
// never used after Collect returns, and the kind works under the collectors.Runner.
package collectortest

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// Suite describes one collector kind to the contract suite.
type Suite struct {
	Kind string
	// New returns a fresh collector; if it is an io.Closer the suite closes it.
	New func() collectors.Collector
	// Target returns a working target (a real peer); it may be called several times.
	Target func(t *testing.T) collectors.Target
	// Silent returns a target that accepts connections and never answers.
	Silent func(t *testing.T) collectors.Target
}

const (
	silentTimeout = time.Second
	// deadlineSlack is how late after its ctx deadline a round may return: enough
	// for a loaded 2-core CI machine under -race (a round returned 1.1 s late
	// beside seven packages' tests), far below any interval and below every
	// collector's own request timeouts, which a round that ignored its ctx
	// would wait out.
	deadlineSlack = 1500 * time.Millisecond
	workTimeout   = 15 * time.Second
	// lateWindow is how long the suite watches for emit calls after Collect returned.
	lateWindow = 200 * time.Millisecond
	concurrent = 4
)

// Run runs the contract suite as subtests of t.
func Run(t *testing.T, s Suite) {
	t.Run("working_target_samples_well_formed", s.testWorking)
	t.Run("silent_peer_returns_by_deadline", s.testSilent)
	t.Run("concurrent_rounds_keep_samples_apart", s.testConcurrent)
	t.Run("runner_round", s.testRunner)
}

func (s Suite) collector(t *testing.T) collectors.Collector {
	c := s.New()
	if cl, ok := c.(io.Closer); ok {
		t.Cleanup(func() { assert.NoError(t, cl.Close()) })
	}
	return c
}

// round runs one Collect with a fresh Recorder and closes it when Collect returns.
func round(c collectors.Collector, tgt collectors.Target, timeout time.Duration) (*Recorder, error, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rec := NewRecorder(tgt)
	start := time.Now()
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err, time.Since(start)
}

func (s Suite) target(t *testing.T, f func(*testing.T) collectors.Target) collectors.Target {
	tgt := f(t)
	require.Equal(t, s.Kind, tgt.Kind, "target kind")
	require.NotEmpty(t, tgt.Name, "target name")
	return tgt
}

func (s Suite) testWorking(t *testing.T) {
	c := s.collector(t)
	tgt := s.target(t, s.Target)
	rec, err, _ := round(c, tgt, workTimeout)
	require.NoError(t, err, "a round on a working target")
	require.NotEmpty(t, rec.Series(), "a working target yields samples")
	time.Sleep(lateWindow)
	assert.Empty(t, rec.Problems())
}

func (s Suite) testSilent(t *testing.T) {
	c := s.collector(t)
	tgt := s.target(t, s.Silent)
	rec, err, took := round(c, tgt, silentTimeout)
	require.Error(t, err, "a peer that never answers fails the round")
	assert.LessOrEqual(t, took, silentTimeout+deadlineSlack, "returned %s after a %s deadline", took, silentTimeout)
	time.Sleep(lateWindow)
	assert.Empty(t, rec.Problems())
}

// testConcurrent takes each target's series set from a lone round, then runs
// rounds on all targets at once: every round must yield exactly its own set.
func (s Suite) testConcurrent(t *testing.T) {
	c := s.collector(t)
	targets := make([]collectors.Target, concurrent)
	want := make([][]string, concurrent)
	for i := range targets {
		targets[i] = s.target(t, s.Target)
		rec, err, _ := round(c, targets[i], workTimeout)
		require.NoError(t, err)
		want[i] = rec.Series()
	}
	for range 3 {
		recs := make([]*Recorder, concurrent)
		errs := make([]error, concurrent)
		var wg sync.WaitGroup
		for i, tgt := range targets {
			wg.Go(func() { recs[i], errs[i], _ = round(c, tgt, workTimeout) })
		}
		wg.Wait()
		time.Sleep(lateWindow)
		for i, rec := range recs {
			require.NoError(t, errs[i], "target %d", i)
			assert.Equal(t, want[i], rec.Series(), "target %d got another round's samples", i)
			assert.Empty(t, rec.Problems(), "target %d", i)
		}
	}
}
