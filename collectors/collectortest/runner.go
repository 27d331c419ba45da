package collectortest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// discard is a Sink that keeps nothing: the suite reads the Runner's statuses.
type discard struct{}

func (discard) Append(context.Context, time.Time, []collectors.Sample) error { return nil }

// testRunner drives a working and a silent target through a real Runner at a 1 s
// interval: the working one is up with every sample accepted (none dropped by
// the Runner's checks), the silent one down.
func (s Suite) testRunner(t *testing.T) {
	good, silent := s.target(t, s.Target), s.target(t, s.Silent)
	good.Name, silent.Name = "contract-good", "contract-silent"
	c := s.collector(t)
	base, err, _ := round(c, good, workTimeout)
	require.NoError(t, err)
	r := collectors.NewRunner(collectors.RunnerOptions{Sink: discard{}, Kinds: map[string]collectors.Kind{
		s.Kind: {Collector: c, Schedule: collectors.Schedule{Interval: time.Second, Concurrency: 2}.
			WithDefaults(collectors.Schedule{})}}})
	r.SetTargets([]collectors.Target{good, silent})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); require.NoError(t, <-done) }()

	require.Eventually(t, func() bool {
		for _, st := range r.Targets() {
			if st.State == collectors.StateUnknown {
				return false
			}
		}
		return true
	}, 5*time.Second, 50*time.Millisecond, "both targets finish a round")
	st, _ := r.Status(good.Key())
	assert.Equal(t, collectors.StateUp, st.State, "working target: %s", st.LastError)
	assert.Equal(t, len(base.Series()), st.Samples, "the Runner accepted every sample")
	st, _ = r.Status(silent.Key())
	assert.Equal(t, collectors.StateDown, st.State)
	assert.NotEmpty(t, st.LastError)
}
