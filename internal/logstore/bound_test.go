package logstore

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dayNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if isDay(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestMaxBytesDeletesOldestDaysNeverToday(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	var logs bytes.Buffer
	s, err := Open(Options{Dir: dir, Now: clk.Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	defer s.Close()
	days := []string{"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"}
	for _, d := range days {
		var evs []Event
		for i := range 200 {
			evs = append(evs, ev(at(d+" 08:00:00.000").Add(time.Duration(i)*time.Second), fmt.Sprintf("%s 事件 %d %s", d, i, strings.Repeat("x", 100)), "instance", "fw-1"))
		}
		require.NoError(t, s.Append(context.Background(), evs...))
	}
	per := dirBytes(filepath.Join(dir, days[0]))

	// Room for a little more than three days: the two oldest go, counted and logged.
	s.opts.MaxBytes = 3*per + per/2
	size, age := daysDeletedSize.Get(), daysDeletedAge.Get()
	require.NoError(t, s.Sweep())
	assert.Equal(t, days[2:], dayNames(t, dir))
	assert.Equal(t, uint64(2), daysDeletedSize.Get()-size)
	assert.Equal(t, age, daysDeletedAge.Get(), "nothing was old enough for age")
	assert.Contains(t, logs.String(), "day=2026-11-23")
	assert.Contains(t, logs.String(), "max_bytes")
	assert.Equal(t, float64(3), daysKept.Get())

	// A bound smaller than today alone: every closed day goes, today stays.
	s.opts.MaxBytes = per / 2
	require.NoError(t, s.Sweep())
	assert.Equal(t, days[4:], dayNames(t, dir))
	assert.Contains(t, logs.String(), "current day alone exceeds max_bytes")
	got, err := s.Query(context.Background(), Query{Start: at("2026-11-27 00:00:00.000"), End: clk.Now(), Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, got, 200, "today's events are all still there")
	require.NoError(t, s.Append(context.Background(), ev(clk.Now(), "仍可写入", "instance", "fw-1")), "and today stays appendable")
}

func TestMaxBytesCountsCompressedSize(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	threeDays(t, s, 3000)
	before := dirBytes(filepath.Join(dir, "2026-11-25")) + dirBytes(filepath.Join(dir, "2026-11-26")) + dirBytes(filepath.Join(dir, "2026-11-27"))
	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background()))
	after := dirBytes(filepath.Join(dir, "2026-11-25")) + dirBytes(filepath.Join(dir, "2026-11-26")) + dirBytes(filepath.Join(dir, "2026-11-27"))
	s.opts.MaxBytes = after + 1
	require.NoError(t, s.Sweep())
	assert.Len(t, dayNames(t, dir), 3, "compressed, the three days fit a bound that their raw size (%d) would not", before)
	assert.Equal(t, float64(after), diskBytes.Get())
}

func TestRetentionAgeCountedAndNegativeBoundsRefused(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-10 12:00:00.000")}
	s, err := Open(Options{Dir: dir, Retention: 3 * 24 * time.Hour, AllowShortRetention: true, Now: clk.Now})
	require.NoError(t, err)
	defer s.Close()
	for _, d := range []string{"2026-11-08", "2026-11-09", "2026-11-10"} {
		require.NoError(t, s.Append(context.Background(), ev(at(d+" 00:30:00.000"), "e "+d, "kind", "x")))
	}
	clk.Set(at("2026-11-12 06:00:00.000"))
	age := daysDeletedAge.Get()
	require.NoError(t, s.Sweep())
	assert.Equal(t, uint64(1), daysDeletedAge.Get()-age)

	for _, o := range []Options{{Dir: dir, MaxBytes: -1}, {Dir: dir, MaxScanEvents: -1}, {Dir: dir, QueryTimeout: -time.Second}} {
		_, err := Open(o)
		assert.ErrorContains(t, err, "must not be negative")
	}
}
