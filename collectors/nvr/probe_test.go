package nvr

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listFinder serves footage from a list of files in a chosen order, as a
// recorder might (the vendors list oldest first; the probes must not rely on
// it), and counts the searches.
type listFinder struct {
	files    []span
	newFirst bool
	searches int
}

func (f *listFinder) find(_ context.Context, _ string, from, to time.Time, max int) ([]span, bool, error) {
	f.searches++
	var out []span
	for _, s := range f.files {
		if s.start.Before(to) && s.end.After(from) {
			out = append(out, s)
		}
	}
	if f.newFirst {
		slices.Reverse(out)
	}
	if len(out) > max {
		return out[:max], true, nil
	}
	return out, false, nil
}

func (f *listFinder) close() {}

// hourly returns hour-long files from first to last, without the hole.
func hourly(first, last time.Time, hole span) []span {
	var out []span
	for t := first; t.Before(last); t = t.Add(time.Hour) {
		s := span{t, earlier(t.Add(time.Hour), last)}
		if !(s.start.Before(hole.end) && s.end.After(hole.start)) {
			out = append(out, s)
		}
	}
	return out
}

func TestProbes(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	lo := now.Add(-60 * 24 * time.Hour)
	first := now.Add(-20*24*time.Hour - 17*time.Minute)
	stop := now.Add(-3*24*time.Hour - 10*time.Minute)
	for _, newFirst := range []bool{false, true} {
		f := &listFinder{files: hourly(first, stop, span{}), newFirst: newFirst}
		oldest, ok, err := oldestIn(context.Background(), f, "101", lo, now)
		require.NoError(t, err)
		require.True(t, ok)
		assert.LessOrEqual(t, first.Sub(oldest).Abs(), oldestPrecision, "newest first=%v: %s", newFirst, oldest)
		t.Logf("oldest, newest-first=%v: %d searches", newFirst, f.searches)
		if !newFirst {
			assert.Equal(t, 2, f.searches, "oldest first: the page and one confirmation")
		}
		assert.LessOrEqual(t, f.searches, probeSteps+1)

		f.searches = 0
		newest, ok, err := newestIn(context.Background(), f, "101", lo, now.Add(-5*time.Minute))
		require.NoError(t, err)
		require.True(t, ok)
		assert.LessOrEqual(t, stop.Sub(newest).Abs(), newestPrecision, "newest first=%v: %s", newFirst, newest)
		t.Logf("newest, newest-first=%v: %d searches", newFirst, f.searches)
		assert.LessOrEqual(t, f.searches, probeSteps+1)
	}

	empty := &listFinder{}
	_, ok, err := oldestIn(context.Background(), empty, "101", lo, now)
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = newestIn(context.Background(), empty, "101", lo, now)
	require.NoError(t, err)
	assert.False(t, ok)

	// Footage from before the horizon: the oldest is the horizon itself.
	long := &listFinder{files: hourly(lo.Add(-48*time.Hour), now, span{})}
	oldest, ok, err := oldestIn(context.Background(), long, "101", lo, now)
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, oldest.Equal(lo))
}
