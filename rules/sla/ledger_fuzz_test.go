package sla

import (
	"context"
	"encoding/json"
	"slices"
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

// FuzzLedgerPayload feeds stored payloads of either format: reading one
// never panics, and what it accepts are days of the month in canonical
// order that hash to the stored checksum. The row is taken from the
// payload's own header so that the fuzzer gets past it.
func FuzzLedgerPayload(f *testing.F) {
	w := newPayloadWriter()
	days := append(ledgerDays("2026-11-01", 86000), ledgerDays("2026-11-02", 80000)...)
	slices.SortFunc(days, compareDays)
	for _, d := range days {
		require.NoError(f, w.add(normalizeDay(d, time.UnixMilli(0))))
	}
	incidents := []IncidentRecord{{ID: 1, Title: "插件离线", FirstFired: time.UnixMilli(1764547200000).UTC()}}
	v2, _, err := w.finish(monthHeader{Month: "2026-11", FrozenAt: time.UnixMilli(1764547200000).UTC(), Incidents: incidents})
	require.NoError(f, err)
	f.Add(v2)
	f.Add([]byte(`{"month":"2026-11","days":null,"frozen_at":"2026-12-01T00:00:00Z",` +
		`"input_sha256":"4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"}`))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, _, err := openPayload(data)
		if err != nil {
			return
		}
		s := stored{month: h.Month, payload: data, frozenAt: h.FrozenAt.UnixMilli(), sum: h.InputSHA256}
		var days []Day
		_, err = s.scan(context.Background(), func(d Day) error { days = append(days, d); return nil })
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			return
		}
		require.True(t, slices.IsSortedFunc(days, compareDays))
		sum, err := canonicalSum(days)
		require.NoError(t, err)
		if len(h.Incidents) == 0 {
			assert.Equal(t, h.InputSHA256, sum)
		}
	})
}
