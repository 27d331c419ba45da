package sla

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// ledgerFrozen is a frozen 2026-11 with two incidents.
func ledgerFrozen(t *testing.T) (*Ledger, *statestore.DB, Month) {
	t.Helper()
	clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
	l, db := ledgerOpen(t, clk.now)
	ledgerCloseMonth(t, l, "2026-11", 86000)
	incidents := []IncidentRecord{
		{ID: 11, Alertname: "AgentDown", Severity: "critical", Title: "插件离线", FirstFired: ledgerCST(2026, 11, 3, 2, 0)},
		{ID: 12, Alertname: "LinkLoss", Severity: "major", Title: "丢包", FirstFired: ledgerCST(2026, 11, 4, 2, 0)},
	}
	h, err := l.Freeze(context.Background(), "2026-11", clk.now(), incidents)
	require.NoError(t, err)
	return l, db, h
}

func TestLedgerScan(t *testing.T) {
	ctx := context.Background()
	l, _, h := ledgerFrozen(t)
	want, err := l.Days(ctx, "2026-11")
	require.NoError(t, err)

	var got []Day
	m, err := l.Scan(ctx, "2026-11", func(d Day) error { got = append(got, d); return nil })
	require.NoError(t, err)
	assert.Equal(t, want, got, "every day, in canonical order")
	assert.Equal(t, h, m, "the header, with the incidents")

	hdr, err := l.Header(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, h, hdr)

	t.Run("fn's error stops the scan and is returned as it is", func(t *testing.T) {
		stop := errors.New("enough")
		n := 0
		_, err := l.Scan(ctx, "2026-11", func(Day) error {
			if n++; n == 5 {
				return stop
			}
			return nil
		})
		assert.Same(t, stop, err)
		assert.Equal(t, 5, n)
	})
	t.Run("not frozen, bad month", func(t *testing.T) {
		_, err := l.Scan(ctx, "2026-10", func(Day) error { return nil })
		require.ErrorIs(t, err, ErrNotFrozen)
		_, err = l.Header(ctx, "2026-10")
		require.ErrorIs(t, err, ErrNotFrozen)
		_, err = l.Scan(ctx, "2026-1", func(Day) error { return nil })
		require.ErrorIs(t, err, ErrBadDate)
	})
}

// TestLedgerLegacyPayload: a month frozen before v2 (the JSON of Month with
// its days) still reads, and is still checked.
func TestLedgerLegacyPayload(t *testing.T) {
	ctx := context.Background()
	clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
	l, db := ledgerOpen(t, clk.now)
	ledgerCloseMonth(t, l, "2026-11", 86000)
	days, err := l.Days(ctx, "2026-11")
	require.NoError(t, err)
	sum, err := canonicalSum(days)
	require.NoError(t, err)
	legacy := Month{Month: "2026-11", Days: days, FrozenAt: clk.now().UTC(), InputSHA256: sum}
	payload, err := json.Marshal(legacy)
	require.NoError(t, err)
	_, err = db.SQL().ExecContext(ctx, `INSERT INTO sla_months (month, frozen_at, input_sha256, payload)
		VALUES ('2026-11', ?, ?, ?)`, clk.now().UnixMilli(), sum, string(payload))
	require.NoError(t, err)

	m, err := l.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, legacy, m)

	_, err = db.SQL().ExecContext(ctx, "DROP TRIGGER sla_months_no_update")
	require.NoError(t, err)
	_, err = db.SQL().ExecContext(ctx, "UPDATE sla_months SET payload = ?",
		strings.Replace(string(payload), `"good_s":86000`, `"good_s":86400`, 1))
	require.NoError(t, err)
	_, err = l.Month(ctx, "2026-11")
	require.ErrorIs(t, err, ErrCorrupt)
}

// TestLedgerPayloadCorrupt damages the stored payload in every way that
// matters: each must be ErrCorrupt, and counted.
func TestLedgerPayloadCorrupt(t *testing.T) {
	flip := func(at func(n int) int) func(*testing.T, *statestore.DB, []byte) []byte {
		return func(_ *testing.T, _ *statestore.DB, p []byte) []byte {
			p[at(len(p))] ^= 0x01
			return p
		}
	}
	rewrite := func(old, new string) func(*testing.T, *statestore.DB, []byte) []byte {
		return func(t *testing.T, db *statestore.DB, _ []byte) []byte {
			return ledgerRewritePayload(t, db, "2026-11", func(s string) string { return strings.Replace(s, old, new, 1) })
		}
	}
	cases := []struct {
		name   string
		damage func(*testing.T, *statestore.DB, []byte) []byte
	}{
		{"a byte flipped in the header's data", flip(func(int) int { return 12 })},
		{"a byte flipped in the middle", flip(func(n int) int { return n / 2 })},
		{"a byte flipped in the CRC", flip(func(n int) int { return n - 6 })},
		{"a byte flipped in the length", flip(func(n int) int { return n - 1 })},
		{"truncated", func(_ *testing.T, _ *statestore.DB, p []byte) []byte { return p[:len(p)-100] }},
		{"an incident changed", rewrite(`"title":"丢包"`, `"title":"丢包已恢复"`)},
		{"an incident removed", rewrite(`,{"id":12,`, `],"x":[{"id":12,`)},
		{"frozen_at in the header", rewrite(`"frozen_at":"2026-11-30T16:10:00Z"`, `"frozen_at":"2026-11-30T16:11:00Z"`)},
		{"a day of another month", rewrite(`"date":"2026-11-30"`, `"date":"2026-12-30"`)},
		{"a line that is no day of the month", rewrite(`{"sli":"link_available"`, "{\"sli\":\"link_available\"}\n{\"sli\":\"link_available\"")},
		{"a day twice", func(t *testing.T, db *statestore.DB, _ []byte) []byte {
			return ledgerRewritePayload(t, db, "2026-11", func(s string) string {
				lines := strings.SplitAfter(s, "\n")
				return strings.Join(slices.Insert(lines, 2, lines[1]), "")
			})
		}},
		{"two days swapped", func(t *testing.T, db *statestore.DB, _ []byte) []byte {
			return ledgerRewritePayload(t, db, "2026-11", func(s string) string {
				lines := strings.SplitAfter(s, "\n")
				lines[1], lines[2] = lines[2], lines[1]
				return strings.Join(lines, "")
			})
		}},
		{"not a payload", func(*testing.T, *statestore.DB, []byte) []byte { return []byte("x") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			l, db, _ := ledgerFrozen(t)
			var payload []byte
			require.NoError(t, db.SQL().QueryRow("SELECT payload FROM sla_months").Scan(&payload))
			damaged := tc.damage(t, db, payload)
			_, err := db.SQL().ExecContext(ctx, "DROP TRIGGER sla_months_no_update")
			require.NoError(t, err)
			_, err = db.SQL().ExecContext(ctx, "UPDATE sla_months SET payload = ?", damaged)
			require.NoError(t, err)
			c := metrics.GetOrCreateCounter(`swanwatch_sla_ledger_corrupt_total`)
			before := c.Get()
			_, err = l.Scan(ctx, "2026-11", func(Day) error { return nil })
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Equal(t, before+1, c.Get())
		})
	}
}

func TestLedgerScanDays(t *testing.T) {
	ctx := context.Background()
	l, _ := ledgerOpen(t, (&ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}).now)
	for _, d := range []string{"2026-10-31", "2026-11-01", "2026-11-02", "2026-11-05"} {
		require.NoError(t, l.CloseDay(ctx, d, ledgerDays(d, 86000)))
	}
	for date, want := range map[string]bool{"2026-10-31": true, "2026-11-03": false, "2026-11-05": true} {
		closed, err := l.Closed(ctx, date)
		require.NoError(t, err)
		assert.Equal(t, want, closed, date)
	}
	_, err := l.Closed(ctx, "2026-11-31")
	require.ErrorIs(t, err, ErrBadDate)

	var got []string
	err = l.ScanDays(ctx, "2026-11-01", "2026-11-31", func(d Day) error {
		got = append(got, d.SLI+"/"+d.Entity+"/"+d.Date)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"agent_online/vm-001/2026-11-01", "agent_online/vm-001/2026-11-02", "agent_online/vm-001/2026-11-05",
		"agent_online/vm-002/2026-11-01", "agent_online/vm-002/2026-11-02", "agent_online/vm-002/2026-11-05",
		"link_available/lb-t003/2026-11-01", "link_available/lb-t003/2026-11-02", "link_available/lb-t003/2026-11-05",
	}, got)

	stop := errors.New("enough")
	n := 0
	err = l.ScanDays(ctx, "2026-10-01", "2026-11-30", func(Day) error { n++; return stop })
	assert.Same(t, stop, err)
	assert.Equal(t, 1, n)
	for _, r := range [][2]string{{"2026-11-02", "2026-11-01"}, {"2026-11-1", "2026-11-30"}, {"2026-11-01", ""},
		{"2026-11-01", "2026-11-32"}, {"2026-11-01", "2026-13-01"}, {"2026-11-01", "2026-11-3x"}, {"2026-11-01", "2026-11-2x"}} {
		require.ErrorIs(t, l.ScanDays(ctx, r[0], r[1], func(Day) error { return nil }), ErrBadDate, r)
	}
}

func TestLedgerMonths(t *testing.T) {
	ctx := context.Background()
	clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
	l, db := ledgerOpen(t, clk.now)
	states, err := l.Months(ctx)
	require.NoError(t, err)
	assert.Empty(t, states)

	ledgerCloseMonth(t, l, "2026-10", 86000)
	h, err := l.Freeze(ctx, "2026-10", clk.now(), nil)
	require.NoError(t, err)
	for _, d := range []string{"2026-11-01", "2026-11-02", "2026-11-29"} {
		require.NoError(t, l.CloseDay(ctx, d, nil))
	}
	// a month frozen long ago whose closes the retention removed
	_, err = db.SQL().ExecContext(ctx, `INSERT INTO sla_months (month, frozen_at, input_sha256, payload)
		VALUES ('2020-02', 1583020800000, 'abc', '{}')`)
	require.NoError(t, err)

	states, err = l.Months(ctx)
	require.NoError(t, err)
	assert.Equal(t, []MonthState{
		{Month: "2026-11", Days: 30, ClosedDays: 3},
		{Month: "2026-10", Days: 31, ClosedDays: 31, FrozenAt: h.FrozenAt, InputSHA256: h.InputSHA256},
		{Month: "2020-02", Days: 29, ClosedDays: 29, FrozenAt: ledgerCST(2020, 3, 1, 8, 0).UTC(), InputSHA256: "abc"},
	}, states)
}
