package sla

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLedgerCloseReadsBack(t *testing.T) {
	clk := &ledgerClock{t: ledgerCST(2026, 11, 28, 0, 10)}
	l, _ := ledgerOpen(t, clk.now)
	ctx := context.Background()
	in := ledgerDays("2026-11-27", 86000)
	require.NoError(t, l.CloseDay(ctx, "2026-11-27", in))

	got, err := l.Days(ctx, "2026-11")
	require.NoError(t, err)
	closed := time.Date(2026, 11, 27, 16, 10, 0, 0, time.UTC)
	outage := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC) // 02:00 CST on the 27th
	want := []Day{
		{SLI: "agent_online", Entity: "vm-001", Date: "2026-11-27", Labels: map[string]string{"district": "湖滨区"},
			Tally: Tally{GoodS: 86000, BadS: 400}, ClosedAt: closed,
			Outages: []Span{{Start: outage, End: outage.Add(400 * time.Second)}}},
		{SLI: "agent_online", Entity: "vm-002", Date: "2026-11-27", Labels: map[string]string{"district": "陕州区"},
			Tally: Tally{GoodS: 82800, UnknownS: 3600}, ClosedAt: closed},
		{SLI: "link_available", Entity: "lb-t003", Date: "2026-11-27",
			Labels: map[string]string{"district": "灵宝市", "level": "county"},
			Tally:  Tally{GoodS: 79200, ExcludedS: 7200}, ClosedAt: closed},
	}
	assert.Equal(t, want, got)

	other, err := l.Days(ctx, "2026-12")
	require.NoError(t, err)
	assert.Empty(t, other)
}

func TestLedgerReclose(t *testing.T) {
	ctx := context.Background()
	counter := func(result string) uint64 {
		return metrics.GetOrCreateCounter(`swanwatch_sla_ledger_recloses_total{result="` + result + `"}`).Get()
	}
	clk := &ledgerClock{t: ledgerCST(2026, 11, 28, 0, 10)}
	l, _ := ledgerOpen(t, clk.now)
	require.NoError(t, l.CloseDay(ctx, "2026-11-27", ledgerDays("2026-11-27", 86000)))

	t.Run("identical close changes nothing", func(t *testing.T) {
		before := counter("unchanged")
		clk.set(ledgerCST(2026, 11, 29, 9, 0))
		require.NoError(t, l.CloseDay(ctx, "2026-11-27", ledgerDays("2026-11-27", 86000)))
		assert.Equal(t, before+1, counter("unchanged"))
		days, err := l.Days(ctx, "2026-11")
		require.NoError(t, err)
		assert.Equal(t, ledgerCST(2026, 11, 28, 0, 10).UTC(), days[0].ClosedAt, "first close kept")
	})
	t.Run("late data within the grace period replaces the date", func(t *testing.T) {
		before := counter("changed")
		clk.set(ledgerCST(2026, 12, 3, 23, 59)) // grace ends 2026-12-04 00:00 CST
		late := ledgerDays("2026-11-27", 86300)[:2]
		require.NoError(t, l.CloseDay(ctx, "2026-11-27", late))
		assert.Equal(t, before+1, counter("changed"))
		days, err := l.Days(ctx, "2026-11")
		require.NoError(t, err)
		require.Len(t, days, 2, "the link's row is gone with the re-close")
		assert.Equal(t, Tally{GoodS: 86300, BadS: 100}, days[0].Tally)
		assert.Equal(t, ledgerCST(2026, 12, 3, 23, 59).UTC(), days[0].ClosedAt)
	})
	t.Run("after the grace period it refuses", func(t *testing.T) {
		clk.set(ledgerCST(2026, 12, 4, 0, 1))
		err := l.CloseDay(ctx, "2026-11-27", ledgerDays("2026-11-27", 80000))
		require.ErrorIs(t, err, ErrGraceOver)
		days, err := l.Days(ctx, "2026-11")
		require.NoError(t, err)
		assert.Equal(t, int64(86300), days[0].Tally.GoodS, "nothing changed")
	})
	t.Run("a first close after the grace period is a catch-up", func(t *testing.T) {
		require.NoError(t, l.CloseDay(ctx, "2026-11-28", ledgerDays("2026-11-28", 86400)))
	})
}

func TestLedgerRefusesAfterFreeze(t *testing.T) {
	ctx := context.Background()
	clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
	l, _ := ledgerOpen(t, clk.now)
	ledgerCloseMonth(t, l, "2026-11", 86000)
	frozen, err := l.Freeze(ctx, "2026-11", clk.now(), nil)
	require.NoError(t, err)

	for _, date := range []string{"2026-11-27", "2026-11-30"} { // a re-close within grace, too
		err := l.CloseDay(ctx, date, ledgerDays(date, 80000))
		require.ErrorIs(t, err, ErrFrozen, date)
	}
	_, err = l.Freeze(ctx, "2026-11", clk.now(), nil)
	require.ErrorIs(t, err, ErrFrozen)
	again, err := l.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.Len(t, again.Days, 30*3)
	again.Days = nil
	assert.Equal(t, frozen, again)
}

func TestLedgerCloseRejects(t *testing.T) {
	date := "2026-11-27"
	edit := func(f func(d []Day) []Day) []Day { return f(ledgerDays(date, 86000)) }
	start := ledgerCST(2026, 11, 27, 0, 0)
	cases := []struct {
		name, date, kind string
		days             []Day
		want             error
	}{
		{"bad date", "2026-11-31", "bad_date", nil, ErrBadDate},
		{"non-canonical date", "2026-11-7", "bad_date", nil, ErrBadDate},
		{"day not over", "2026-11-28", "not_over", nil, ErrDayNotOver},
		{"another date inside", date, "invalid_day", edit(func(d []Day) []Day { d[1].Date = "2026-11-26"; return d }), ErrInvalidDay},
		{"entity not UTF-8", date, "invalid_day", edit(func(d []Day) []Day { d[0].Entity = "lb-\xff"; return d }), ErrInvalidDay},
		{"empty entity", date, "invalid_day", edit(func(d []Day) []Day { d[0].Entity = ""; return d }), ErrInvalidDay},
		{"negative tally", date, "invalid_day", edit(func(d []Day) []Day { d[0].Tally.BadS = -1; return d }), ErrInvalidDay},
		{"more than a day", date, "invalid_day", edit(func(d []Day) []Day { d[2].Tally.UnknownS = 3601; return d }), ErrInvalidDay},
		{"twice the same entity", date, "invalid_day", edit(func(d []Day) []Day { return append(d, d[0]) }), ErrInvalidDay},
		{"outage outside the day", date, "invalid_day", edit(func(d []Day) []Day {
			d[1].Outages = []Span{{Start: start.Add(-time.Minute), End: start.Add(time.Minute)}}
			return d
		}), ErrInvalidDay},
		{"stats NaN", date, "invalid_day", edit(func(d []Day) []Day { d[1].Stats = &Stats{Mean: math.NaN()}; return d }), ErrInvalidDay},
		{"stats infinite", date, "invalid_day", edit(func(d []Day) []Day { d[1].Stats = &Stats{Max: math.Inf(1)}; return d }), ErrInvalidDay},
		{"stats negative", date, "invalid_day", edit(func(d []Day) []Day { d[1].Stats = &Stats{P95: -0.01}; return d }), ErrInvalidDay},
		{"stats above 1", date, "invalid_day", edit(func(d []Day) []Day { d[1].Stats = &Stats{Last: 1.0001}; return d }), ErrInvalidDay},
		{"stats 289 intervals", date, "invalid_day", edit(func(d []Day) []Day { d[1].Stats = &Stats{Intervals: 289}; return d }), ErrInvalidDay},
		{"stats negative intervals", date, "invalid_day", edit(func(d []Day) []Day { d[1].Stats = &Stats{Intervals: -1}; return d }), ErrInvalidDay},
		{"empty outage", date, "invalid_day", edit(func(d []Day) []Day {
			d[1].Outages = []Span{{Start: start, End: start}}
			return d
		}), ErrInvalidDay},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := ledgerOpen(t, (&ledgerClock{t: ledgerCST(2026, 11, 28, 0, 10)}).now)
			c := metrics.GetOrCreateCounter(`swanwatch_sla_ledger_rejected_total{kind="` + tc.kind + `"}`)
			before := c.Get()
			err := l.CloseDay(context.Background(), tc.date, tc.days)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, before+1, c.Get())
			days, err := l.Days(context.Background(), "2026-11")
			require.NoError(t, err)
			assert.Empty(t, days, "nothing stored")
		})
	}
}
