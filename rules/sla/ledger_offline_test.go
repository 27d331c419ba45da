package sla

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CloseMonth closes what Step would have closed, leaves closed dates alone,
// skips the dates not over and refuses those past the catch-up limit;
// FreezeMonth freezes as Step would once the grace period has ended, and
// MonthSum predicts the checksum it gives.
func TestCloserCloseAndFreezeMonth(t *testing.T) {
	clock := &ledgerClock{t: ledgerCST(2026, 11, 20, 9, 0)}
	l, _ := ledgerOpen(t, clock.now)
	r := &ledgerRecorder{fail: map[string]bool{"2026-11-07": true}}
	incidents := []IncidentRecord{{ID: 7, Title: "vm-001 监控插件离线", FirstFired: ledgerCST(2026, 11, 10, 2, 0)}}
	c := NewCloser(l, r.compute, nil, WithCloserClock(clock.now), WithCatchUp(30),
		WithIncidents(func(context.Context, string) ([]IncidentRecord, error) { return incidents, nil }))
	ctx := context.Background()
	require.NoError(t, l.CloseDay(ctx, "2026-11-03", ledgerDays("2026-11-03", 86000)))

	res, err := c.CloseMonth(ctx, "2026-11")
	require.ErrorContains(t, err, "close 2026-11-07: tsdb unavailable", "a failed date is reported")
	assert.Equal(t, []string{"2026-11-03"}, res.AlreadyClosed)
	assert.Equal(t, append(ledgerDates("2026-11-01", "2026-11-02"), append(ledgerDates("2026-11-04", "2026-11-06"),
		ledgerDates("2026-11-08", "2026-11-19")...)...), res.Closed, "the 7th failed; the 20th is not over")
	assert.Equal(t, ledgerDates("2026-11-20", "2026-11-30"), res.NotOver)
	assert.Len(t, res.Sums, 18)
	_, _, err = c.FreezeMonth(ctx, "2026-11")
	assert.ErrorIs(t, err, ErrMonthNotOver)

	clock.set(ledgerCST(2026, 12, 2, 9, 0))
	r.take()
	res, err = c.CloseMonth(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, append([]string{"2026-11-07"}, ledgerDates("2026-11-20", "2026-11-30")...), r.take())
	assert.Len(t, res.AlreadyClosed, 18)
	_, _, err = c.FreezeMonth(ctx, "2026-11")
	assert.ErrorIs(t, err, ErrGraceNotOver, "the server would not freeze it before the 4th")

	res, err = c.CloseMonth(ctx, "2026-11")
	require.NoError(t, err)
	assert.Empty(t, res.Closed, "a second close does nothing")
	assert.Empty(t, r.take())
	assert.Len(t, res.AlreadyClosed, 30)

	sum, err := c.MonthSum(ctx, "2026-11")
	require.NoError(t, err)
	clock.set(ledgerCST(2026, 12, 4, 0, 11))
	m, already, err := c.FreezeMonth(ctx, "2026-11")
	require.NoError(t, err)
	assert.False(t, already)
	assert.Equal(t, sum, m.InputSHA256, "MonthSum predicts the freeze")
	assert.Len(t, m.Incidents, 1)
	m2, already, err := c.FreezeMonth(ctx, "2026-11")
	require.NoError(t, err)
	assert.True(t, already)
	assert.Equal(t, m.InputSHA256, m2.InputSHA256)
	res, err = c.CloseMonth(ctx, "2026-11")
	require.NoError(t, err)
	assert.True(t, res.Frozen)

	clock.set(ledgerCST(2027, 1, 20, 9, 0))
	_, err = c.CloseMonth(ctx, "2026-12")
	assert.ErrorContains(t, err, "close 2026-12-01: older than 30 days", "past the catch-up limit")
}

// The checksum of an unfinished month is refused, not guessed.
func TestCloserMonthSumNeedsEveryDay(t *testing.T) {
	clock := &ledgerClock{t: ledgerCST(2026, 12, 8, 9, 0)}
	l, _ := ledgerOpen(t, clock.now)
	c := NewCloser(l, (&ledgerRecorder{}).compute, nil, WithCloserClock(clock.now))
	require.NoError(t, l.CloseDay(context.Background(), "2026-11-03", ledgerDays("2026-11-03", 86000)))
	_, err := c.MonthSum(context.Background(), "2026-11")
	assert.ErrorIs(t, err, ErrDaysMissing)
	_, err = c.MonthSum(context.Background(), "2026-1")
	assert.ErrorIs(t, err, ErrBadDate)
}
