package sla

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// ledgerRecorder is the accounting for the closer tests: it records the
// dates asked for and fails the dates in fail once each.
type ledgerRecorder struct {
	mu    sync.Mutex
	dates []string
	fail  map[string]bool
}

func (r *ledgerRecorder) compute(_ context.Context, date string) ([]Day, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dates = append(r.dates, date)
	if r.fail[date] {
		delete(r.fail, date)
		return nil, errors.New("tsdb unavailable")
	}
	return ledgerDays(date, 86000), nil
}

// take returns the dates asked for since the last take.
func (r *ledgerRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.dates
	r.dates = nil
	return d
}

// ledgerDates lists the dates from first to last.
func ledgerDates(first, last string) []string {
	var out []string
	for d := first; d <= last; d = nextDate(d) {
		out = append(out, d)
	}
	return out
}

// ledgerBubble runs f in a synctest bubble (it starts 2000-01-01 08:00 CST)
// with a ledger on a fresh state database.
func ledgerBubble(t *testing.T, f func(t *testing.T, l *Ledger)) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	synctest.Test(t, func(t *testing.T) {
		db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
		require.NoError(t, err)
		defer db.Close()
		f(t, NewLedger(db, nil))
	})
}

// ledgerStart runs a closer until the returned stop is called.
func ledgerStart(l *Ledger, r *ledgerRecorder, opts ...CloserOption) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewCloser(l, r.compute, nil, opts...).Run(ctx) }()
	return func() { cancel(); <-done }
}

// ledgerSleepUntil advances the bubble's clock to t and lets everyone settle.
func ledgerSleepUntil(t time.Time) {
	time.Sleep(time.Until(t))
	synctest.Wait()
}

func TestCloserCatchesUpAfterRestart(t *testing.T) {
	ledgerBubble(t, func(t *testing.T, l *Ledger) {
		ctx := context.Background()
		rec := &ledgerRecorder{}
		stop := ledgerStart(l, rec)
		synctest.Wait()
		assert.Equal(t, ledgerDates("1999-12-01", "1999-12-31"), rec.take(), "first run: the month so far")

		ledgerSleepUntil(ledgerCST(2000, 1, 2, 0, 9))
		assert.Empty(t, rec.take(), "not before the settle delay")
		ledgerSleepUntil(ledgerCST(2000, 1, 2, 0, 11))
		assert.Equal(t, []string{"2000-01-01"}, rec.take())
		_, err := l.Month(ctx, "1999-12")
		require.ErrorIs(t, err, ErrNotFrozen, "the grace period runs to 2000-01-04 00:00")
		stop()

		ledgerSleepUntil(ledgerCST(2000, 1, 5, 12, 0)) // down for three nights
		stop = ledgerStart(l, rec)
		defer stop()
		synctest.Wait()
		assert.Equal(t, []string{"2000-01-02", "2000-01-03", "2000-01-04"}, rec.take())
		m, err := l.Month(ctx, "1999-12")
		require.NoError(t, err, "frozen on the restart, the grace period being over")
		assert.Len(t, m.Days, 31*3)
		assert.Equal(t, ledgerCST(2000, 1, 5, 12, 0).UTC(), m.FrozenAt)

		ledgerSleepUntil(ledgerCST(2000, 1, 6, 0, 11))
		assert.Equal(t, []string{"2000-01-05"}, rec.take())
	})
}

func TestCloserRetriesAFailedDate(t *testing.T) {
	ledgerBubble(t, func(t *testing.T, l *Ledger) {
		errs := metrics.GetOrCreateCounter(`swanwatch_sla_closer_errors_total{stage="close"}`)
		before := errs.Get()
		rec := &ledgerRecorder{fail: map[string]bool{"1999-12-15": true}}
		stop := ledgerStart(l, rec, WithRetry(5*time.Minute))
		defer stop()
		synctest.Wait()
		assert.Len(t, rec.take(), 31, "the other dates are closed")
		assert.Equal(t, before+1, errs.Get())

		ledgerSleepUntil(time.Now().Add(5*time.Minute + time.Second))
		assert.Equal(t, []string{"1999-12-15"}, rec.take(), "retried after the retry delay, alone")
		days, err := l.Days(context.Background(), "1999-12")
		require.NoError(t, err)
		assert.Len(t, days, 31*3)
	})
}

func TestCloserCatchUpLimit(t *testing.T) {
	ledgerBubble(t, func(t *testing.T, l *Ledger) {
		require.NoError(t, l.CloseDay(context.Background(), "1999-06-01", ledgerDays("1999-06-01", 86000)))
		rec := &ledgerRecorder{}
		stop := ledgerStart(l, rec, WithCatchUp(10))
		defer stop()
		synctest.Wait()
		assert.Equal(t, ledgerDates("1999-12-22", "1999-12-31"), rec.take())
	})
}

// TestCloserFreezesWithIncidents: the month is frozen with the incidents
// the closer is given; when listing them fails the freeze waits for the
// next pass, and the freeze hook runs once, after the freeze.
func TestCloserFreezesWithIncidents(t *testing.T) {
	ledgerBubble(t, func(t *testing.T, l *Ledger) {
		ctx := context.Background()
		errs := metrics.GetOrCreateCounter(`swanwatch_sla_closer_errors_total{stage="incidents"}`)
		before := errs.Get()
		var mu sync.Mutex
		var asked, frozen []string
		fail := true
		incidents := func(_ context.Context, month string) ([]IncidentRecord, error) {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, month)
			if fail {
				fail = false
				return nil, errors.New("incident store busy")
			}
			return []IncidentRecord{{ID: 3, Alertname: "AgentDown", FirstFired: ledgerCST(1999, 12, 31, 23, 0)}}, nil
		}
		onFreeze := func(ctx context.Context, month string) {
			_, err := l.Header(ctx, month)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				frozen = append(frozen, month)
			}
		}
		stop := ledgerStart(l, &ledgerRecorder{}, WithIncidents(incidents), WithOnFreeze(onFreeze))
		defer stop()
		synctest.Wait()
		ledgerSleepUntil(ledgerCST(2000, 1, 4, 0, 11)) // the grace period of 1999-12 is over
		_, err := l.Header(ctx, "1999-12")
		require.ErrorIs(t, err, ErrNotFrozen, "not frozen without its incidents")
		assert.Equal(t, before+1, errs.Get())

		ledgerSleepUntil(ledgerCST(2000, 1, 4, 0, 17)) // the retry
		m, err := l.Header(ctx, "1999-12")
		require.NoError(t, err)
		require.Len(t, m.Incidents, 1)
		assert.Equal(t, int64(3), m.Incidents[0].ID)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []string{"1999-12", "1999-12"}, asked)
		assert.Equal(t, []string{"1999-12"}, frozen, "the hook saw the month frozen, once")
	})
}

// TestCloserOnClosedFollowsTheClose: the hook hears of each date once it
// is closed in the ledger, in date order; a date whose close failed is
// heard of after its retry succeeded, not before.
func TestCloserOnClosedFollowsTheClose(t *testing.T) {
	ledgerBubble(t, func(t *testing.T, l *Ledger) {
		var mu sync.Mutex
		var heard []string
		onClosed := func(ctx context.Context, date string) {
			closed, err := l.Closed(ctx, date)
			mu.Lock()
			defer mu.Unlock()
			if err == nil && closed {
				heard = append(heard, date)
			}
		}
		take := func() []string {
			mu.Lock()
			defer mu.Unlock()
			h := heard
			heard = nil
			return h
		}
		rec := &ledgerRecorder{fail: map[string]bool{"1999-12-31": true}}
		stop := ledgerStart(l, rec, WithRetry(5*time.Minute), WithOnClosed(onClosed))
		defer stop()
		synctest.Wait()
		assert.Equal(t, ledgerDates("1999-12-01", "1999-12-30"), take(), "not the 31st: its close failed")

		ledgerSleepUntil(time.Now().Add(4 * time.Minute))
		assert.Empty(t, take())
		ledgerSleepUntil(time.Now().Add(time.Minute + time.Second))
		assert.Equal(t, []string{"1999-12-31"}, take(), "after the retry closed it")

		ledgerSleepUntil(ledgerCST(2000, 1, 2, 0, 11))
		assert.Equal(t, []string{"2000-01-01"}, take())
	})
}
