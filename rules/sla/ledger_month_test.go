package sla

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLedgerFreeze(t *testing.T) {
	ctx := context.Background()
	clk := &ledgerClock{t: ledgerCST(2026, 11, 30, 12, 0)}
	l, db := ledgerOpen(t, clk.now)
	ledgerCloseMonth(t, l, "2026-10", 86000)

	_, err := l.Freeze(ctx, "2026-11", clk.now(), nil)
	require.ErrorIs(t, err, ErrMonthNotOver)
	for _, d := range []string{"2026-11-01", "2026-11-02", "2026-11-04"} {
		require.NoError(t, l.CloseDay(ctx, d, ledgerDays(d, 86400)))
	}
	_, err = l.Freeze(ctx, "2026-11", ledgerCST(2026, 12, 5, 0, 0), nil)
	require.ErrorIs(t, err, ErrDaysMissing)
	assert.ErrorContains(t, err, "27 of 30, first 2026-11-03, 2026-11-05, 2026-11-06")

	frozenAt := ledgerCST(2026, 11, 30, 12, 0).Add(123456789 * time.Nanosecond)
	h, err := l.Freeze(ctx, "2026-10", frozenAt, nil)
	require.NoError(t, err)
	assert.Equal(t, "2026-10", h.Month)
	assert.Nil(t, h.Days, "Freeze returns the header")
	assert.Equal(t, frozenAt.Truncate(time.Millisecond).UTC(), h.FrozenAt, "kept at the store's precision")
	m, err := l.Month(ctx, "2026-10")
	require.NoError(t, err)
	assert.Len(t, m.Days, 31*3)
	assert.True(t, slices.IsSortedFunc(m.Days, compareDays), "canonical order")
	days := m.Days
	m.Days = nil
	assert.Equal(t, h, m, "Month returns the header Freeze returned")

	t.Run("the payload is gzip JSON lines: header, then the days", func(t *testing.T) {
		var payload []byte
		require.NoError(t, db.SQL().QueryRow("SELECT payload FROM sla_months WHERE month = '2026-10'").Scan(&payload))
		lines := ledgerGunzipLines(t, payload)
		require.Len(t, lines, 1+31*3)
		assert.JSONEq(t, `{"month":"2026-10","frozen_at":"2026-11-30T04:00:00.123Z","input_sha256":"`+h.InputSHA256+`"}`, lines[0])
		for i, d := range days {
			b, err := json.Marshal(d)
			require.NoError(t, err)
			require.Equal(t, string(b), lines[1+i], "day %d byte for byte", i)
		}
	})
	t.Run("days stay readable", func(t *testing.T) {
		got, err := l.Days(ctx, "2026-10")
		require.NoError(t, err)
		assert.Equal(t, days, got)
	})
}

// ledgerGunzipLines decompresses a v2 payload into its lines.
func ledgerGunzipLines(t *testing.T, payload []byte) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(b, []byte("\n")), "every line ends")
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestLedgerChecksumDefinition computes the checksum the way its comment
// defines it, from a JSON text written here by hand.
func TestLedgerChecksumDefinition(t *testing.T) {
	ctx := context.Background()
	l, _ := ledgerOpen(t, (&ledgerClock{t: ledgerCST(2026, 3, 1, 0, 10)}).now)
	start, err := ParseMonth("2026-02")
	require.NoError(t, err)
	for _, d := range datesOfMonth(start) {
		var days []Day
		if d == "2026-02-03" {
			days = ledgerDays(d, 86000)[1:2]
		}
		require.NoError(t, l.CloseDay(ctx, d, days))
	}
	m, err := l.Freeze(ctx, "2026-02", ledgerCST(2026, 3, 1, 0, 10), nil)
	require.NoError(t, err)
	canonical := `[{"sli":"agent_online","entity":"vm-001","labels":{"district":"湖滨区"},"date":"2026-02-03",` +
		`"tally":{"good_s":86000,"bad_s":400,"unknown_s":0,"excluded_s":0},` +
		`"outages":[{"start":"2026-02-02T18:00:00Z","end":"2026-02-02T18:06:40Z"}],"closed_at":"0001-01-01T00:00:00Z"}]`
	sum := sha256.Sum256([]byte(canonical))
	assert.Equal(t, hex.EncodeToString(sum[:]), m.InputSHA256)
}

func TestLedgerChecksumStable(t *testing.T) {
	ctx := context.Background()
	freeze := func(t *testing.T, closeAt time.Time, reverse bool, change func([]Day)) string {
		l, _ := ledgerOpen(t, (&ledgerClock{t: closeAt}).now)
		start, err := ParseMonth("2026-11")
		require.NoError(t, err)
		for _, d := range datesOfMonth(start) {
			days := ledgerDays(d, 86000)
			if reverse {
				slices.Reverse(days)
			}
			if d == "2026-11-15" && change != nil {
				change(days)
			}
			require.NoError(t, l.CloseDay(ctx, d, days))
		}
		m, err := l.Freeze(ctx, "2026-11", closeAt, nil)
		require.NoError(t, err)
		return m.InputSHA256
	}
	base := freeze(t, ledgerCST(2026, 12, 1, 0, 10), false, nil)
	require.Len(t, base, 64)
	cases := []struct {
		name    string
		closeAt time.Time
		reverse bool
		change  func([]Day)
		same    bool
	}{
		{"another run, later, other input order", ledgerCST(2026, 12, 3, 17, 0), true, nil, true},
		{"one second moved from good to bad", ledgerCST(2026, 12, 1, 0, 10), false,
			func(d []Day) { d[1].Tally.GoodS--; d[1].Tally.BadS++ }, false},
		{"a label changed", ledgerCST(2026, 12, 1, 0, 10), false,
			func(d []Day) { d[0].Labels = map[string]string{"district": "渑池县", "level": "county"} }, false},
		{"an outage moved", ledgerCST(2026, 12, 1, 0, 10), false,
			func(d []Day) { d[1].Outages[0].Start = d[1].Outages[0].Start.Add(time.Second) }, false},
		{"a day closed at another time", ledgerCST(2026, 12, 1, 0, 10), false,
			func(d []Day) { d[2].ClosedAt = ledgerCST(2026, 12, 1, 0, 0) }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := freeze(t, tc.closeAt, tc.reverse, tc.change)
			if tc.same {
				assert.Equal(t, base, got)
			} else {
				assert.NotEqual(t, base, got)
			}
		})
	}
}

func TestLedgerCorrections(t *testing.T) {
	ctx := context.Background()
	clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
	l, _ := ledgerOpen(t, clk.now)
	ledgerCloseMonth(t, l, "2026-11", 86000)
	require.ErrorIs(t, l.AddCorrection(ctx, "2026-11", "迟到数据"), ErrNotFrozen)
	frozen, err := l.Freeze(ctx, "2026-11", clk.now(), nil)
	require.NoError(t, err)
	require.Empty(t, frozen.Corrections)

	require.ErrorContains(t, l.AddCorrection(ctx, "2026-11", "  "), "note must be")
	require.ErrorIs(t, l.AddCorrection(ctx, "2026-13", "x"), ErrBadDate)
	clk.set(ledgerCST(2026, 12, 9, 14, 5))
	require.NoError(t, l.AddCorrection(ctx, "2026-11", "lb-t003 11月27日 迟到数据：可用时长应多 300 秒"))
	clk.set(ledgerCST(2026, 12, 10, 8, 0))
	require.NoError(t, l.AddCorrection(ctx, "2026-11", "第二条"))

	m, err := l.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"2026-12-09 14:05:00 lb-t003 11月27日 迟到数据：可用时长应多 300 秒",
		"2026-12-10 08:00:00 第二条",
	}, m.Corrections)
	assert.Len(t, m.Days, 30*3)
	m.Corrections, m.Days = nil, nil
	assert.Equal(t, frozen, m, "the snapshot itself is unchanged")
}
