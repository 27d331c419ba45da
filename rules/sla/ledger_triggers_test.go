package sla

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// TestLedgerTriggers freezes last month on the real clock (the retention
// triggers compare with SQLite's own now) and tries to change it behind the
// ledger's back.
func TestLedgerTriggers(t *testing.T) {
	ctx := context.Background()
	l, db := ledgerOpen(t, time.Now)
	thisMonth := cst.StartOfDay(time.Now()).AddDate(0, 0, 1-cst.StartOfDay(time.Now()).Day())
	month := thisMonth.AddDate(0, 0, -1).Format(MonthLayout)
	earlier := thisMonth.AddDate(0, -2, 0).Format(DateLayout) // closed, never frozen
	ledgerCloseMonth(t, l, month, 86000)
	require.NoError(t, l.CloseDay(ctx, earlier, ledgerDays(earlier, 86000)))
	frozen, err := l.Freeze(ctx, month, time.Now(), nil)
	require.NoError(t, err)
	require.NoError(t, l.AddCorrection(ctx, month, "迟到数据"))
	first := month + "-01"

	refused := []struct{ name, sql, want string }{
		{"update a frozen month", "UPDATE sla_months SET payload = '{}'", "sla_months rows are frozen"},
		{"delete a frozen month", "DELETE FROM sla_months", "younger than 5 years"},
		{"update a day", "UPDATE sla_days SET good_s = 86400 WHERE date = '" + first + "'", "never updated"},
		{"delete a frozen day", "DELETE FROM sla_days WHERE date = '" + first + "'", "younger than 180 days"},
		{"insert into a frozen month", `INSERT INTO sla_days (sli, entity, date, labels, good_s, bad_s, unknown_s,
			excluded_s, outages, closed_at, input_sha256) VALUES ('agent_online', 'vm-999', '` + first +
			`', 'null', 86400, 0, 0, 0, 'null', 0, '')`, "frozen month cannot change"},
		{"update a frozen close", "UPDATE sla_closes SET entities = 0 WHERE date = '" + first + "'", "cannot change"},
		{"delete a frozen close", "DELETE FROM sla_closes WHERE date = '" + first + "'", "younger than 180 days"},
		{"update a correction", "UPDATE sla_corrections SET note = 'x'", "append-only"},
		{"delete a correction", "DELETE FROM sla_corrections", "younger than 5 years"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.SQL().ExecContext(ctx, tc.sql)
			require.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("the month is intact", func(t *testing.T) {
		m, err := l.Month(ctx, month)
		require.NoError(t, err)
		require.Len(t, m.Corrections, 1)
		require.NotEmpty(t, m.Days)
		m.Corrections, m.Days = nil, nil
		assert.Equal(t, frozen, m)
	})
	t.Run("an unfrozen date can be replaced", func(t *testing.T) {
		_, err := db.SQL().ExecContext(ctx, "DELETE FROM sla_days WHERE date = ?", earlier)
		require.NoError(t, err)
	})
	t.Run("a month frozen over five years ago can be deleted", func(t *testing.T) {
		old := time.Now().AddDate(-6, 0, 0)
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO sla_months (month, frozen_at, input_sha256, payload)
			VALUES (?, ?, '', '{}')`, old.Format(MonthLayout), old.UnixMilli())
		require.NoError(t, err)
		res, err := db.SQL().ExecContext(ctx, "DELETE FROM sla_months WHERE month = ?", old.Format(MonthLayout))
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
	})
}

// TestLedgerDetectsTampering edits stored rows with the triggers out of the
// way: the ledger must notice rather than report the edited figure. The
// payload is rewritten as a valid gzip stream whose header still matches,
// so only the checksum of the days can tell.
func TestLedgerDetectsTampering(t *testing.T) {
	ctx := context.Background()
	l, db := ledgerOpen(t, (&ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}).now)
	ledgerCloseMonth(t, l, "2026-11", 86000)
	_, err := l.Freeze(ctx, "2026-11", ledgerCST(2026, 12, 1, 0, 10), nil)
	require.NoError(t, err)
	edited := ledgerRewritePayload(t, db, "2026-11", func(s string) string {
		return strings.Replace(s, `"good_s":86000`, `"good_s":86400`, 1)
	})
	for _, stmt := range []string{
		"DROP TRIGGER sla_days_no_update", "DROP TRIGGER sla_months_no_update",
		"UPDATE sla_days SET good_s = 86400, bad_s = 0 WHERE entity = 'vm-001' AND date = '2026-11-05'",
	} {
		_, err := db.SQL().ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	_, err = db.SQL().ExecContext(ctx, "UPDATE sla_months SET payload = ? WHERE month = '2026-11'", edited)
	require.NoError(t, err)
	_, err = l.Days(ctx, "2026-11")
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = l.Month(ctx, "2026-11")
	require.ErrorIs(t, err, ErrCorrupt)
}

// ledgerRewritePayload returns month's v2 payload decompressed, edited by
// edit and compressed again (a valid gzip stream).
func ledgerRewritePayload(t *testing.T, db *statestore.DB, month string, edit func(string) string) []byte {
	t.Helper()
	var payload []byte
	require.NoError(t, db.SQL().QueryRow("SELECT payload FROM sla_months WHERE month = ?", month).Scan(&payload))
	text := strings.Join(ledgerGunzipLines(t, payload), "\n") + "\n"
	changed := edit(text)
	require.NotEqual(t, text, changed, "the edit changes something")
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	_, err := zw.Write([]byte(changed))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return out.Bytes()
}
