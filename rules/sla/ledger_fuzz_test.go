package sla

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzLedgerParseDate: an accepted date or month has exactly one spelling.
func FuzzLedgerParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-27", "2026-02-29", "2026-1-7", "2026-11", "1969-12-31", "２０２６-11-27", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil {
			assert.Equal(t, s, d.Format(DateLayout))
			assert.Equal(t, s, DateOf(d))
			assert.Equal(t, s, addDays(nextDate(s), -1))
		}
		if m, err := ParseMonth(s); err == nil {
			assert.Equal(t, s, m.Format(MonthLayout))
			dates := datesOfMonth(m)
			assert.True(t, len(dates) >= 28 && len(dates) <= 31)
		}
	})
}

// FuzzLedgerPrepareDays feeds closed days as JSON: the ledger refuses or
// accepts them without panicking, and what it accepts is canonical — it
// passes its own check again, its encodings decode to the same day, and its
// checksum does not depend on the order of the input.
func FuzzLedgerPrepareDays(f *testing.F) {
	seed, err := json.Marshal(ledgerDays("2026-11-27", 86000))
	require.NoError(f, err)
	f.Add(seed, "2026-11-27")
	f.Add([]byte(`[{"sli":"a","entity":"b","date":"2026-11-27","tally":{"good_s":-1}}]`), "2026-11-27")
	f.Add([]byte(`[{"sli":"a","entity":"b","date":"2026-11-27","labels":{"":"x"}}]`), "2026-11-27")
	f.Add([]byte(`[{"sli":"a","entity":"b","date":"2026-11-27","outages":[{"start":"2026-11-27T00:00:00+08:00","end":"2026-11-28T00:00:00+08:00"}]}]`), "2026-11-27")
	now := time.Date(2026, 11, 28, 0, 10, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte, date string) {
		var days []Day
		start, err := ParseDate(date)
		if err != nil || json.Unmarshal(data, &days) != nil {
			return
		}
		rows, err := prepareDays(date, start, days, now)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidDay)
			return
		}
		require.Len(t, rows, len(days))
		for _, r := range rows {
			require.NoError(t, checkDay(r.day, date, start))
			var back Day = r.day
			back.Labels, back.Outages = nil, nil
			require.NoError(t, json.Unmarshal([]byte(r.labels), &back.Labels))
			require.NoError(t, json.Unmarshal([]byte(r.outages), &back.Outages))
			assert.Equal(t, r.day, back)
		}
		reversed := make([]Day, len(days))
		for i, d := range days {
			reversed[len(days)-1-i] = d
		}
		again, err := prepareDays(date, start, reversed, now)
		require.NoError(t, err)
		assert.Equal(t, checksumRows(rows), checksumRows(again))
	})
}
