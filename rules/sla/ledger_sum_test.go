package sla

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLedgerStreamingHash: the month's checksum computed one day at a time
// is canonicalSum's, for any set of days.
func TestLedgerStreamingHash(t *testing.T) {
	withStats := ledgerDays("2026-11-27", 86000)
	withStats[2].Stats = &Stats{Mean: 0.25, P95: 0.5, Max: 0.75, Last: 1, Intervals: 288}
	odd := ledgerDays("2026-11-28", 86400)
	odd[0].Labels = map[string]string{"system": "<&>\u2028", "district": ""}
	odd[1].Outages = []Span{}
	cases := map[string][]Day{
		"none":                     nil,
		"one":                      ledgerDays("2026-11-27", 86000)[1:2],
		"a date":                   ledgerDays("2026-11-27", 86000),
		"two dates, shuffled":      append(ledgerDays("2026-11-28", 80000), ledgerDays("2026-11-27", 86000)...),
		"with stats":               withStats,
		"HTML, U+2028, empty ones": odd,
	}
	for name, days := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := canonicalSum(days)
			require.NoError(t, err)
			sorted := slices.Clone(days)
			slices.SortFunc(sorted, compareDays)
			h := newMonthHasher()
			for _, d := range sorted {
				d.ClosedAt = time.Now() // not covered
				require.NoError(t, h.add(d))
			}
			got, err := h.sum(nil)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	t.Run("out of order or twice is refused", func(t *testing.T) {
		days := ledgerDays("2026-11-27", 86000)
		h := newMonthHasher()
		require.NoError(t, h.add(days[0]))
		require.ErrorContains(t, h.add(days[0]), "out of canonical order")
		require.ErrorContains(t, h.add(days[1]), "out of canonical order")
	})
}

// TestLedgerIncidentsChecksum freezes a month of one day and two incidents
// and computes its checksum from JSON written here by hand.
func TestLedgerIncidentsChecksum(t *testing.T) {
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
	fired := ledgerCST(2026, 2, 3, 2, 0).Add(1500 * time.Microsecond)
	incidents := []IncidentRecord{
		{ID: 42, Alertname: "AgentDown", Severity: "critical", Title: "插件离线", Labels: map[string]string{},
			FirstFired: fired, ResolvedAt: fired.Add(400 * time.Second)},
		{ID: 7, Alertname: "LinkLoss", Severity: "major", Title: "丢包", Labels: map[string]string{"link": "lb-t003"},
			FirstFired: fired, AckedBy: "张三", AckedAt: fired.Add(time.Minute), SuppressedBy: 42},
	}
	h, err := l.Freeze(ctx, "2026-02", ledgerCST(2026, 3, 1, 0, 10), incidents)
	require.NoError(t, err)
	canonical := `[{"sli":"agent_online","entity":"vm-001","labels":{"district":"湖滨区"},"date":"2026-02-03",` +
		`"tally":{"good_s":86000,"bad_s":400,"unknown_s":0,"excluded_s":0},` +
		`"outages":[{"start":"2026-02-02T18:00:00Z","end":"2026-02-02T18:06:40Z"}],"closed_at":"0001-01-01T00:00:00Z"}]` +
		"\n" +
		`[{"id":7,"alertname":"LinkLoss","severity":"major","title":"丢包","labels":{"link":"lb-t003"},` +
		`"first_fired":"2026-02-02T18:00:00.001Z","acked_by":"张三","acked_at":"2026-02-02T18:01:00.001Z","suppressed_by":42},` +
		`{"id":42,"alertname":"AgentDown","severity":"critical","title":"插件离线",` +
		`"first_fired":"2026-02-02T18:00:00.001Z","resolved_at":"2026-02-02T18:06:40.001Z"}]`
	sum := sha256.Sum256([]byte(canonical))
	assert.Equal(t, hex.EncodeToString(sum[:]), h.InputSHA256)
	require.Len(t, h.Incidents, 2)
	assert.Equal(t, []int64{7, 42}, []int64{h.Incidents[0].ID, h.Incidents[1].ID}, "sorted by ID")
	assert.Nil(t, h.Incidents[1].Labels, "no empty label map")

	m, err := l.Month(ctx, "2026-02")
	require.NoError(t, err)
	assert.Equal(t, h.Incidents, m.Incidents, "read back as frozen")
	b, err := json.Marshal(m.Incidents)
	require.NoError(t, err)
	assert.Contains(t, canonical, string(b))
}

func TestLedgerFreezeRefusesIncidents(t *testing.T) {
	ok := IncidentRecord{ID: 1, Alertname: "AgentDown", FirstFired: ledgerCST(2026, 11, 3, 2, 0)}
	cases := []struct {
		name      string
		incidents []IncidentRecord
	}{
		{"an ID twice", []IncidentRecord{ok, {ID: 2}, ok}},
		{"title not UTF-8", []IncidentRecord{{ID: 3, Title: "\xff"}}},
		{"label not UTF-8", []IncidentRecord{{ID: 3, Labels: map[string]string{"a": "\xc3"}}}},
		{"title too long", []IncidentRecord{{ID: 3, Title: string(make([]byte, maxIncidentText+1))}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
			l, _ := ledgerOpen(t, clk.now)
			ledgerCloseMonth(t, l, "2026-11", 86000)
			c := metrics.GetOrCreateCounter(`swanwatch_sla_ledger_rejected_total{kind="bad_incident"}`)
			before := c.Get()
			_, err := l.Freeze(context.Background(), "2026-11", clk.now(), tc.incidents)
			require.ErrorIs(t, err, ErrInvalidIncident)
			assert.Equal(t, before+1, c.Get())
			_, err = l.Month(context.Background(), "2026-11")
			require.ErrorIs(t, err, ErrNotFrozen, "nothing frozen")
		})
	}
}

// TestLedgerStats: a usage day's figures are stored, read back, frozen and
// covered by the checksums; a day without them keeps its old checksum
// (TestLedgerChecksumDefinition) and an empty stats column.
func TestLedgerStats(t *testing.T) {
	ctx := context.Background()
	clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
	l, db := ledgerOpen(t, clk.now)
	stats := &Stats{Mean: 0.123456789, P95: 0.5, Max: 0.875, Last: 0.0625, Intervals: 287}
	usage := func(date string) []Day {
		return append(ledgerDays(date, 86000), Day{SLI: UsageCPU, Entity: "vm-001", Date: date,
			Labels: map[string]string{"district": "湖滨区"}, Tally: Tally{GoodS: 86100, UnknownS: 300}, Stats: stats})
	}
	start, err := ParseMonth("2026-11")
	require.NoError(t, err)
	for _, d := range datesOfMonth(start) {
		require.NoError(t, l.CloseDay(ctx, d, usage(d)))
	}
	days, err := l.Days(ctx, "2026-11")
	require.NoError(t, err)
	require.Len(t, days, 30*4)
	cpu := days[slices.IndexFunc(days, func(d Day) bool { return d.SLI == UsageCPU })]
	require.NotNil(t, cpu.Stats)
	assert.Equal(t, *stats, *cpu.Stats, "exact floats back")
	assert.NotSame(t, stats, cpu.Stats)

	var withStats, without int
	require.NoError(t, db.SQL().QueryRow(`SELECT count(*) FILTER (WHERE stats <> ''), count(*) FILTER (WHERE stats = '')
		FROM sla_days`).Scan(&withStats, &without))
	assert.Equal(t, []int{30, 90}, []int{withStats, without})
	var sum string
	require.NoError(t, db.SQL().QueryRow(`SELECT input_sha256 FROM sla_days WHERE sli = ? AND date = '2026-11-05'`,
		UsageCPU).Scan(&sum))
	text := `[{"sli":"vm_cpu","entity":"vm-001","labels":{"district":"湖滨区"},"date":"2026-11-05",` +
		`"tally":{"good_s":86100,"bad_s":0,"unknown_s":300,"excluded_s":0},` +
		`"stats":{"mean":0.123456789,"p95":0.5,"max":0.875,"last":0.0625,"intervals":287},"closed_at":"0001-01-01T00:00:00Z"}]`
	want := sha256.Sum256([]byte(text))
	assert.Equal(t, hex.EncodeToString(want[:]), sum, "the row checksum covers the stats")

	_, err = l.Freeze(ctx, "2026-11", clk.now(), nil)
	require.NoError(t, err)
	m, err := l.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, days, m.Days, "frozen with the stats")
}
