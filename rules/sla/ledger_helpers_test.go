package sla

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// ledgerClock is a settable time source.
type ledgerClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ledgerClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *ledgerClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// ledgerCST is a wall-clock time in Asia/Shanghai.
func ledgerCST(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, cst.Location)
}

func ledgerOpen(t testing.TB, now func() time.Time, opts ...LedgerOption) (*Ledger, *statestore.DB) {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return NewLedger(db, nil, append([]LedgerOption{WithLedgerClock(now)}, opts...)...), db
}

// ledgerDays is a fixture date: two VM agents and a link, vm-001 down for
// 86400-good seconds from 02:00 CST, vm-002 without data for an hour, the
// link in maintenance for two hours.
func ledgerDays(date string, good int64) []Day {
	start, err := ParseDate(date)
	if err != nil {
		panic(err)
	}
	bad := secondsPerDay - good
	var outages []Span
	if bad > 0 {
		from := start.Add(2 * time.Hour)
		outages = []Span{{Start: from, End: from.Add(time.Duration(bad) * time.Second)}}
	}
	return []Day{
		{SLI: "link_available", Entity: "lb-t003", Date: date,
			Labels: map[string]string{"district": "灵宝市", "level": "county"},
			Tally:  Tally{GoodS: 79200, ExcludedS: 7200}},
		{SLI: "agent_online", Entity: "vm-001", Date: date, Labels: map[string]string{"district": "湖滨区"},
			Tally: Tally{GoodS: good, BadS: bad}, Outages: outages},
		{SLI: "agent_online", Entity: "vm-002", Date: date, Labels: map[string]string{"district": "陕州区"},
			Tally: Tally{GoodS: 82800, UnknownS: 3600}},
	}
}

// ledgerCloseMonth closes every date of month with ledgerDays(date, good).
func ledgerCloseMonth(t *testing.T, l *Ledger, month string, good int64) {
	t.Helper()
	start, err := ParseMonth(month)
	require.NoError(t, err)
	for _, d := range datesOfMonth(start) {
		require.NoError(t, l.CloseDay(context.Background(), d, ledgerDays(d, good)), d)
	}
}
