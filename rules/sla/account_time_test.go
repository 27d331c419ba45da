package sla

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPercent4Truncates(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want string
	}{
		{1, "100.0000"},
		{0.999996, "99.9996"},
		{0.9999996, "99.9999"}, // rounding would show 100.0000
		{0.99999999, "99.9999"},
		{0.9999, "99.9900"},
		{0.123456789, "12.3456"},
		{0.5, "50.0000"},
		{0.07, "7.0000"},
		{1e-7, "0.0000"},
		{0, "0.0000"},
		{999996.0 / 1000000, "99.9996"}, // a computed ratio, not a literal
		{1 - 1.0/2538030, "99.9999"},
	} {
		t.Run(fmt.Sprint(tc.r), func(t *testing.T) { assert.Equal(t, tc.want, Percent4(tc.r)) })
	}
}

func TestTallyPercent4AndMet(t *testing.T) {
	for _, tc := range []struct {
		t      Tally
		target float64
		pct    string
		met    bool
	}{
		{Tally{GoodS: 999996, BadS: 4}, 0.999, "99.9996", true},
		{Tally{GoodS: 9999999, BadS: 1, UnknownS: 5, ExcludedS: 7}, 1, "99.9999", false},
		{Tally{GoodS: 999, BadS: 1}, 0.999, "99.9000", true},
		{Tally{GoodS: 99899, BadS: 101}, 0.999, "99.8990", false},
		{Tally{GoodS: 5}, 1, "100.0000", true},
		{Tally{BadS: 5}, 0.5, "0.0000", false},
	} {
		t.Run(tc.pct, func(t *testing.T) {
			pct, ok := TallyPercent4(tc.t)
			require.True(t, ok)
			assert.Equal(t, tc.pct, pct)
			met, ok := Met(tc.t, tc.target)
			require.True(t, ok)
			assert.Equal(t, tc.met, met)
		})
	}
	_, ok := TallyPercent4(Tally{UnknownS: 10, ExcludedS: 3})
	assert.False(t, ok, "nothing measured is no figure, not 0 % or 100 %")
}

func TestDayAndMonthBounds(t *testing.T) {
	from, to, err := DayBounds("2026-12-01")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), from.UTC())
	assert.Equal(t, 24*time.Hour, to.Sub(from))
	days, err := MonthDays("2026-11")
	require.NoError(t, err)
	require.Len(t, days, 30)
	assert.Equal(t, "2026-11-01", days[0])
	assert.Equal(t, "2026-11-30", days[29])
	days, err = MonthDays("2028-02")
	require.NoError(t, err)
	assert.Len(t, days, 29)
	for _, bad := range []string{"2026-13", "2026-1", "", "2026-11-01"} {
		_, err := MonthDays(bad)
		assert.Error(t, err, bad)
	}
	_, _, err = DayBounds("2026-02-30")
	assert.Error(t, err)
}

func TestCalendarCompile(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Calendar
		ok   bool
	}{
		{"workdays", Calendar{Name: "w", Days: []time.Weekday{1, 2, 3, 4, 5}, Start: "08:30", End: "17:30"}, true},
		{"to midnight", Calendar{Name: "w", Days: []time.Weekday{6}, Start: "00:00", End: "24:00"}, true},
		{"no days", Calendar{Name: "w", Start: "08:30", End: "17:30"}, false},
		{"end before start", Calendar{Name: "w", Days: []time.Weekday{1}, Start: "17:30", End: "08:30"}, false},
		{"bad clock", Calendar{Name: "w", Days: []time.Weekday{1}, Start: "8:30", End: "17:30"}, false},
		{"minute 60", Calendar{Name: "w", Days: []time.Weekday{1}, Start: "08:60", End: "17:30"}, false},
		{"past midnight", Calendar{Name: "w", Days: []time.Weekday{1}, Start: "08:00", End: "24:01"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.ok, tc.c.Compile() == nil) })
	}
}

func TestMonthOfIsTheCSTMonth(t *testing.T) {
	assert.Equal(t, "2026-12", MonthOf(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)), "00:00 CST on the 1st")
	assert.Equal(t, "2026-11", MonthOf(time.Date(2026, 11, 30, 15, 59, 59, 0, time.UTC)))
}
