package cst

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func at(d, h, m int) time.Time { return time.Date(2000, 1, d, h, m, 0, 0, Location) }

// stamp is how the tests compare the runs: CST day of January, hour, minute.
func stamp(t time.Time) string { return t.In(Location).Format("02 15:04:05") }

func stamps(ts ...time.Time) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, stamp(t))
	}
	return out
}

// recorder is a job that records when it ran and fails the runs in fail
// (by their number, from 0).
type recorder struct {
	mu   sync.Mutex
	runs []string
	n    int // runs so far, taken or not
	fail map[int]bool
}

func (r *recorder) job(_ context.Context, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs = append(r.runs, stamp(now))
	r.n++
	if r.fail[r.n-1] {
		return errors.New("tsdb unavailable")
	}
	return nil
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string{}, r.runs...)
	r.runs = nil
	return out
}

// schedule is an At whose answer a test changes, as a reload would.
type schedule struct {
	mu     sync.Mutex
	offset time.Duration
	on     bool
}

func (s *schedule) at() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset, s.on
}

func (s *schedule) set(offset time.Duration, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset, s.on = offset, on
}

// runDaily runs d in the bubble (it starts 2000-01-01 08:00 CST) until the
// returned stop is called; stop checks that Run returned nil.
func runDaily(t *testing.T, d Daily, job Job) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, job) }()
	synctest.Wait()
	return func() {
		cancel()
		require.NoError(t, <-done)
	}
}

// sleepUntil advances the bubble's clock to t and lets the job settle.
func sleepUntil(t time.Time) {
	time.Sleep(time.Until(t))
	synctest.Wait()
}

func TestDailyRunsOnceADayAtTheOffset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		stop := runDaily(t, Daily{At: func() (time.Duration, bool) { return 8*time.Hour + 30*time.Minute, true }}, rec.job)
		defer stop()
		assert.Empty(t, rec.take(), "not at start")
		sleepUntil(at(1, 8, 29))
		assert.Empty(t, rec.take())
		sleepUntil(at(4, 8, 0))
		assert.Equal(t, stamps(at(1, 8, 30), at(2, 8, 30), at(3, 8, 30)), rec.take(), "once a day, never twice at the same instant")
	})
}

func TestDailyAppliesAReload(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		s := &schedule{offset: 9 * time.Hour}
		stop := runDaily(t, Daily{At: s.at}, rec.job)
		defer stop()
		sleepUntil(at(1, 9, 30))
		assert.Empty(t, rec.take(), "off: no run")

		s.set(10*time.Hour+30*time.Minute, true) // asked again at 10:00, an hour after 09:00
		sleepUntil(at(1, 11, 0))
		assert.Equal(t, stamps(at(1, 10, 30)), rec.take())

		s.set(7*time.Hour, true) // applies from the next run on: tomorrow's 10:30 is already set
		sleepUntil(at(3, 8, 0))
		assert.Equal(t, stamps(at(2, 10, 30), at(3, 7, 0)), rec.take())

		s.set(7*time.Hour, false) // while it waits for tomorrow's 07:00
		sleepUntil(at(6, 8, 0))
		assert.Empty(t, rec.take(), "off: not even the run it was waiting for")
	})
}

func TestDailyRetriesAFailedRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{fail: map[int]bool{0: true, 1: true, 3: true}}
		d := Daily{At: func() (time.Duration, bool) { return 10 * time.Minute, true }, Retry: 5 * time.Minute, AtStart: true}
		stop := runDaily(t, d, rec.job)
		defer stop()
		assert.Equal(t, stamps(at(1, 8, 0)), rec.take(), "at start")
		sleepUntil(at(2, 0, 30))
		assert.Equal(t, stamps(at(1, 8, 5), at(1, 8, 10), at(2, 0, 10), at(2, 0, 15)), rec.take(),
			"retried until it worked, then on the next day, failing and retried again")
	})
}

func TestDailyRetryNotPastTheNextRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{fail: map[int]bool{0: true}}
		d := Daily{At: func() (time.Duration, bool) { return 8*time.Hour + 2*time.Minute, true }, Retry: 5 * time.Minute, AtStart: true}
		stop := runDaily(t, d, rec.job)
		defer stop()
		sleepUntil(at(1, 9, 0))
		assert.Equal(t, stamps(at(1, 8, 0), at(1, 8, 2)), rec.take())
	})
}

func TestDailyUsesItsClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		skew := 2 * time.Hour // the clock says 10:00 where the bubble is at 08:00
		d := Daily{At: func() (time.Duration, bool) { return 11 * time.Hour, true },
			Now: func() time.Time { return time.Now().Add(skew) }}
		stop := runDaily(t, d, rec.job)
		defer stop()
		sleepUntil(at(1, 9, 1))
		assert.Equal(t, stamps(at(1, 11, 0)), rec.take(), "an hour after the clock's 10:00")
	})
}

func TestNext(t *testing.T) {
	day := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, Location) }
	for _, c := range []struct {
		now    time.Time
		offset time.Duration
		want   time.Time
	}{
		{day(28, 7, 59), 8 * time.Hour, day(28, 8, 0)},
		{day(28, 8, 0), 8 * time.Hour, day(29, 8, 0)}, // not twice at the same instant
		{day(28, 23, 0), 30 * time.Minute, day(29, 0, 30)},
		{day(27, 0, 5), 10 * time.Minute, day(27, 0, 10)},
		{day(28, 23, 30).UTC(), 8 * time.Hour, day(29, 8, 0)},                                               // the day is the CST one
		{time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), 10 * time.Minute, day(30, 0, 10).AddDate(0, 0, 1)}, // 00:00 CST on 12-01
	} {
		t.Run(c.now.Format(time.RFC3339), func(t *testing.T) {
			assert.True(t, c.want.Equal(next(c.now, c.offset)), "%v", next(c.now, c.offset))
		})
	}
}
