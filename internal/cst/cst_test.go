package cst

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFormatTime(t *testing.T) {
	ts := time.Date(2026, 11, 27, 6, 5, 9, 0, time.UTC)
	assert.Equal(t, "2026-11-27 14:05:09", FormatTime(ts))
	assert.Equal(t, "—", FormatTime(time.Time{}))
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0秒"},
		{-time.Second, "0秒"},
		{45 * time.Second, "45秒"},
		{12*time.Minute + 30*time.Second, "12分30秒"},
		{3*time.Hour + 12*time.Minute + 59*time.Second, "3小时12分"},
		{53 * time.Hour, "2天5小时"},
	} {
		t.Run(tc.want, func(t *testing.T) { assert.Equal(t, tc.want, FormatDuration(tc.d)) })
	}
}

func TestStartOfDay(t *testing.T) {
	// 2026-11-27 23:30 UTC is 2026-11-28 07:30 CST: the day starts 2026-11-27 16:00 UTC.
	got := StartOfDay(time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC))
	assert.True(t, got.Equal(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)), got)
}

func TestFormatDurationMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30*24*time.Hour + 20*time.Hour + 59*time.Minute + 59*time.Second: "30天20小时59分",
		24 * time.Hour:               "1天0小时0分",
		23*time.Hour + 5*time.Minute: "23小时5分",
		90 * time.Second:             "1分30秒",
		-time.Second:                 "0秒",
	} {
		assert.Equal(t, want, FormatDurationMinutes(d), d.String())
	}
}
