package sla

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// day is Monday 2026-11-02 in CST.
var day = time.Date(2026, 11, 2, 0, 0, 0, 0, cst.Location)

func at(hh, mm, ss int) time.Time {
	return day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second)
}

// minutes returns one sample per minute at :30 over [from, to), valued by f
// (NaN from f leaves the minute out).
func minutes(from, to time.Time, f func(t time.Time) float64) []Sample {
	var out []Sample
	for t := from.Add(30 * time.Second); t.Before(to); t = t.Add(time.Minute) {
		if v := f(t); !math.IsNaN(v) {
			out = append(out, Sample{t, v})
		}
	}
	return out
}

// daySamples covers the day and a minute either side, so that the entity
// exists before and after it.
func daySamples(f func(t time.Time) float64) []Sample {
	return minutes(day.Add(-time.Minute), day.Add(24*time.Hour+time.Minute), f)
}

func one(time.Time) float64 { return 1 }

func badIn(a, b time.Time) func(time.Time) float64 {
	return func(t time.Time) float64 {
		if !t.Before(a) && t.Before(b) {
			return 0
		}
		return 1
	}
}

func gapIn(a, b time.Time) func(time.Time) float64 {
	return func(t time.Time) float64 {
		if !t.Before(a) && t.Before(b) {
			return math.NaN()
		}
		return 1
	}
}

var agentSLI = SLI{Name: "agent_online", EntityLabel: "instance", Good: "== 1", Window: time.Minute, Target: 1}

func TestAccountWindows(t *testing.T) {
	whole := daySamples(one)
	stale := daySamples(one)
	stale[601].V = math.Float64frombits(0x7ff0000000000002) // a stale marker
	for _, tc := range []struct {
		name    string
		sli     SLI
		samples []Sample
		maint   []Span
		cal     Calendar
		want    Tally
		outages []Span
	}{
		{name: "all good", samples: whole, want: Tally{GoodS: 86400}},
		{name: "one bad minute", samples: daySamples(badIn(at(10, 0, 0), at(10, 1, 0))),
			want: Tally{GoodS: 86340, BadS: 60}, outages: []Span{{at(10, 0, 0), at(10, 1, 0)}}},
		{name: "three-hour gap is unknown", samples: daySamples(gapIn(at(10, 0, 0), at(13, 0, 0))),
			want: Tally{GoodS: 86400 - 10800, UnknownS: 10800}},
		{name: "stale marker is unknown, not bad", samples: stale, want: Tally{GoodS: 86340, UnknownS: 60}},
		{name: "maintenance inside a bad minute splits it by the second",
			samples: daySamples(badIn(at(10, 0, 0), at(10, 1, 0))),
			maint:   []Span{{at(10, 0, 20), at(10, 0, 50)}},
			want:    Tally{GoodS: 86340, BadS: 30, ExcludedS: 30},
			outages: []Span{{at(10, 0, 0), at(10, 0, 20)}, {at(10, 0, 50), at(10, 1, 0)}}},
		{name: "overlapping and out-of-range maintenance merged and clipped", samples: whole,
			maint: []Span{{at(1, 0, 0), at(2, 0, 0)}, {at(1, 30, 0), at(2, 30, 0)}, {day.Add(-time.Hour), day.Add(time.Minute)}},
			want:  Tally{GoodS: 86400 - 5400 - 60, ExcludedS: 5400 + 60}},
		{name: "added mid-day: measured from its first sample", samples: minutes(at(12, 0, 0), day.Add(25*time.Hour), one),
			want: Tally{GoodS: 86400 - 43230}},
		{name: "removed mid-day: last sample + staleness, the tail unknown", samples: minutes(day.Add(-time.Minute), at(12, 1, 0), one),
			want: Tally{GoodS: 43260, UnknownS: 270}},
		{name: "a gap from yesterday is unknown today",
			samples: append([]Sample{{day.Add(-90 * time.Second), 1}}, minutes(at(2, 0, 0), day.Add(25*time.Hour), one)...),
			want:    Tally{GoodS: 86400 - 7200, UnknownS: 7200}},
		{name: "five-minute window: one bad sample makes it bad",
			sli:     SLI{Name: "lat", Good: "<= 0.05", Window: 5 * time.Minute},
			samples: daySamples(func(t time.Time) float64 { return map[bool]float64{true: 0.2, false: 0.01}[t.Equal(at(10, 3, 30))] }),
			want:    Tally{GoodS: 86100, BadS: 300}, outages: []Span{{at(10, 0, 0), at(10, 5, 0)}}},
		{name: "business hours: outside is excluded", samples: whole,
			cal:  Calendar{Name: "workdays", Days: []time.Weekday{time.Monday}, Start: "09:00", End: "17:00"},
			want: Tally{GoodS: 28800, ExcludedS: 57600}},
		{name: "not a business day: all excluded", samples: whole,
			cal:  Calendar{Name: "weekend", Days: []time.Weekday{time.Saturday}, Start: "00:00", End: "24:00"},
			want: Tally{ExcludedS: 86400}},
		{name: "no samples: nothing measured", want: Tally{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sli := agentSLI
			if tc.sli.Name != "" {
				sli = tc.sli
			}
			got, out, err := Account(sli, tc.samples, day, day.Add(24*time.Hour), tc.maint, tc.cal)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.outages, out)
		})
	}
}

func TestAccountUnsortedInputSameFigures(t *testing.T) {
	s := daySamples(badIn(at(3, 0, 0), at(3, 47, 0)))
	rev := make([]Sample, len(s))
	for i := range s {
		rev[len(s)-1-i] = s[i]
	}
	a, ao, err := Account(agentSLI, s, day, day.Add(24*time.Hour), nil, Calendar{})
	require.NoError(t, err)
	b, bo, err := Account(agentSLI, rev, day, day.Add(24*time.Hour), nil, Calendar{})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, ao, bo)
	assert.Equal(t, int64(47*60), a.BadS)
	assert.Equal(t, rev[0].T, s[len(s)-1].T, "the caller's slice is not reordered")
}

func TestAccountRejectsBadDefinitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		sli  SLI
		cal  Calendar
	}{
		{"good condition", SLI{Name: "x", Good: "about 1", Window: time.Minute}, Calendar{}},
		{"window", SLI{Name: "x", Good: "== 1", Window: 1500 * time.Millisecond}, Calendar{}},
		{"calendar", agentSLI, Calendar{Name: "c", Days: []time.Weekday{time.Monday}, Start: "17:00", End: "09:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Account(tc.sli, nil, day, day.Add(time.Hour), nil, tc.cal)
			require.Error(t, err)
		})
	}
}
