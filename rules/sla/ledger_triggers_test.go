package sla

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
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
	frozen, err := l.Freeze(ctx, month, time.Now())
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
		m.Corrections = nil
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

// TestLedgerDetectsTampering edits a stored row with the triggers out of the
// way: the ledger must notice rather than report the edited figure.
func TestLedgerDetectsTampering(t *testing.T) {
	ctx := context.Background()
	l, db := ledgerOpen(t, (&ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}).now)
	ledgerCloseMonth(t, l, "2026-11", 86000)
	_, err := l.Freeze(ctx, "2026-11", ledgerCST(2026, 12, 1, 0, 10))
	require.NoError(t, err)
	for _, stmt := range []string{
		"DROP TRIGGER sla_days_no_update", "DROP TRIGGER sla_months_no_update",
		"UPDATE sla_days SET good_s = 86400, bad_s = 0 WHERE entity = 'vm-001' AND date = '2026-11-05'",
		"UPDATE sla_months SET payload = replace(payload, '\"good_s\":86000', '\"good_s\":86400')",
	} {
		_, err := db.SQL().ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	_, err = l.Days(ctx, "2026-11")
	require.ErrorIs(t, err, ErrCorrupt)
	_, err = l.Month(ctx, "2026-11")
	require.ErrorIs(t, err, ErrCorrupt)
}
