package sla

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// expectByHand is the independent computation: a plain loop over every
// second of [from, to) that looks up the fixture's own definition of each
// agent (not the TSDB, not Account): the minute's one sample at :15 decides
// the minute; the agent exists from its first sample to its last + 5 min;
// maintenance is 03:00:00–03:29:58 CST every night.
func expectByHand(a fixtureAgent, from, to time.Time) (Tally, []Span) {
	first, last := lifeOf(a)
	var got Tally
	var out []Span
	for t := from; t.Before(to); t = t.Add(time.Second) {
		if t.Before(first) || !t.Before(last.Add(5*time.Minute)) {
			continue
		}
		sod := t.Sub(cst.StartOfDay(t))
		if sod >= maintStart && sod < maintStart+maintLen {
			got.ExcludedS++
			continue
		}
		v := a.value(t.Truncate(time.Minute).Add(15 * time.Second))
		switch {
		case math.IsNaN(v):
			got.UnknownS++
		case v == 1:
			got.GoodS++
		default:
			got.BadS++
			if n := len(out); n > 0 && out[n-1].End.Equal(t) {
				out[n-1].End = t.Add(time.Second)
			} else {
				out = append(out, Span{t, t.Add(time.Second)})
			}
		}
	}
	return got, out
}

// lifeOf is the first and last real sample the fixture writes for a.
func lifeOf(a fixtureAgent) (first, last time.Time) {
	for ts := genStart; ts.Before(genEnd); ts = ts.Add(time.Minute) {
		if !math.IsNaN(a.value(ts)) {
			if first.IsZero() {
				first = ts
			}
			last = ts
		}
	}
	return first, last
}

func TestFixtureMonth(t *testing.T) {
	store := buildFixtureTSDB(t)
	mw := alerting.MaintenanceWindow{Name: "nightly", Cron: "0 3 * * *", Duration: maintLen}
	require.NoError(t, mw.Compile())
	sli := DefaultSLIs()[0] // agent_online: up{kind="agent"} == 1, 1m, target 100 %
	tallies, outages := map[string]Tally{}, map[string][]Span{}
	days, err := MonthDays("2026-11")
	require.NoError(t, err)
	for _, date := range append(days, "2026-12-01") {
		from, to, err := DayBounds(date)
		require.NoError(t, err)
		ents, err := ReadDay(context.Background(), store.Queryable(), sli, date)
		require.NoError(t, err)
		for _, e := range ents {
			tl, out, err := Account(sli, e.Samples, from, to, spans(mw.Intervals(from, to)), Calendar{})
			require.NoError(t, err)
			key := date[:7] + "/" + e.Entity
			tallies[key] = tallies[key].Add(tl)
			for _, s := range out {
				outages[key] = appendSpan(outages[key], s)
			}
		}
	}
	nov, novEnd, err := MonthBounds("2026-11")
	require.NoError(t, err)
	for _, a := range fixtureAgents {
		t.Run(a.name, func(t *testing.T) {
			want, wantOut := expectByHand(a, nov, novEnd)
			got := tallies["2026-11/"+a.name]
			require.Equal(t, want, got, "seconds")
			assert.Equal(t, wantOut, outages["2026-11/"+a.name])
			wantPct := percentByHand(want)
			gotPct, ok := TallyPercent4(got)
			require.True(t, ok)
			assert.Equal(t, wantPct, gotPct)
			r, _ := got.Ratio()
			assert.Equal(t, wantPct, Percent4(r))
		})
	}
	t.Run("figures by hand", func(t *testing.T) {
		a, b, c, d, e := tallies["2026-11/vm-a"], tallies["2026-11/vm-b"], tallies["2026-11/vm-c"], tallies["2026-11/vm-d"], tallies["2026-11/vm-e"]
		maintMonth := int64(30 * 1799)
		assert.Equal(t, int64((10+47)*60), a.BadS, "10 min on 11-01 02:00 CST + the 47-minute outage; not Oct 31, not Dec 1")
		assert.Equal(t, Tally{GoodS: 30*86400 - maintMonth - 3420, BadS: 3420, ExcludedS: maintMonth}, a)
		assert.Equal(t, []Span{{cstAt("2026-11-01 02:00"), cstAt("2026-11-01 02:10")}, {cstAt("2026-11-10 14:03"), cstAt("2026-11-10 14:50")}},
			outages["2026-11/vm-a"])
		assert.Equal(t, int64(20*60), b.BadS, "02:40–03:00 counts, 03:00–03:20 is maintenance")
		assert.Equal(t, int64(3*3600+10*60), b.UnknownS, "the 3-hour gap and 10 minutes of stale markers")
		first := cstAt("2026-11-17 09:15").Add(15 * time.Second)
		assert.Equal(t, int64(cstAt("2026-12-01 00:00").Sub(first)/time.Second), c.GoodS+c.ExcludedS, "vm-c from its first sample")
		assert.Equal(t, int64(1), d.BadS)
		pd, _ := TallyPercent4(d)
		rd, _ := d.Ratio()
		assert.Equal(t, "99.9999", pd)
		assert.Equal(t, "100.0000", fmt.Sprintf("%.4f", rd*100), "rounding would have shown 100 %")
		met, _ := Met(d, 1)
		assert.False(t, met, "one bad second misses a 100 % target")
		lastE := cstAt("2026-11-25 17:59").Add(15 * time.Second)
		assert.Equal(t, int64(lastE.Add(Staleness).Sub(nov)/time.Second), e.GoodS+e.BadS+e.UnknownS+e.ExcludedS, "vm-e to its last sample + 5 min")
		assert.Equal(t, int64(4*60+15), e.UnknownS, "18:00:00–18:04:15: no sample, still within staleness")
		assert.Equal(t, int64(60*60), tallies["2026-12/vm-a"].BadS, "12-01 01:00 CST (Nov 30 17:00 UTC) is December's")
	})
}

// percentByHand truncates good/(good+bad) to four decimals of a percent
// with integers only.
func percentByHand(t Tally) string {
	q := t.GoodS * 1_000_000 / (t.GoodS + t.BadS)
	return fmt.Sprintf("%d.%04d", q/10000, q%10000)
}

func spans(ivs []alerting.Interval) []Span {
	out := make([]Span, len(ivs))
	for i, iv := range ivs {
		out[i] = Span{iv.Start, iv.End}
	}
	return out
}
