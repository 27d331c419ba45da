package jobs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScheduleInCST(t *testing.T) {
	s, err := ParseSchedule("30 2 * * 1-5")
	require.NoError(t, err)
	assert.Equal(t, 24*time.Hour, s.Period(), "weekdays: the shortest gap")
	// Friday 2026-12-11 03:00 CST → Monday 02:30 CST (Sunday 18:30 UTC).
	next := s.Next(at(2026, 12, 11, 3, 0))
	assert.True(t, next.Equal(time.Date(2026, 12, 13, 18, 30, 0, 0, time.UTC)), next)

	s, err = ParseSchedule("@daily")
	require.NoError(t, err)
	assert.Equal(t, "0 0 * * *", s.String())
	assert.True(t, s.Next(time.Date(2026, 12, 7, 15, 59, 0, 0, time.UTC)).Equal(at(2026, 12, 8, 0, 0)),
		"midnight is CST's")

	s, err = ParseSchedule("0 3 1 * *")
	require.NoError(t, err)
	assert.Equal(t, 28*24*time.Hour, s.Period(), "monthly: February is the shortest")

	s, err = ParseSchedule(" @every 90m ")
	require.NoError(t, err)
	assert.Equal(t, 90*time.Minute, s.Every())
	assert.True(t, s.Next(at(2026, 12, 7, 1, 0)).Equal(at(2026, 12, 7, 2, 30)))
}

func TestScheduleErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "empty",
		"@every 10s":          "between 1m and 366 days",
		"@every 400d":         "@every: time: unknown unit",
		"@every 1m30.5s":      "whole seconds only",
		"@reboot":             "unknown form",
		"TZ=UTC 0 2 * * *":    "Asia/Shanghai",
		"0 0 2 * * *":         "6 fields, want 5",
		"0 0 31 4 *":          "never matches",
		"x 2 * * *":           "failed to parse",
		"0 0 29 2 *":          "", // leap days only: valid, once in 4 years
		"0 2 * * MON-FRI":     "",
		"0 0 1 1 *":           "",
		"*/7 */3 1-9 */2 0-6": "",
	} {
		_, err := ParseSchedule(in)
		if want == "" {
			assert.NoError(t, err, in)
			continue
		}
		assert.ErrorContains(t, err, want, in)
	}
}

// A slot's window does not reach into the next slot's.
func TestWindowsDoNotOverlap(t *testing.T) {
	s, err := ParseSchedule("0,20 * * * *")
	require.NoError(t, err)
	from, to := s.window(at(2026, 12, 7, 1, 0), 18*time.Minute)
	assert.True(t, from.Equal(at(2026, 12, 7, 0, 55)))
	assert.True(t, to.Before(at(2026, 12, 7, 1, 15)), to)
}
