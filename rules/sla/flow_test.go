package sla

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/storage"
)

// The flow fixture: passage counters of the scenic area's gates, one round a
// minute on the minute from 22:00 CST the day before flowDate to 02:00 the
// day after, written into a real TSDB as the device collector's Runner
// writes them. A counter goes up by its rate at every minute inside its
// active spans (the end minute included, the start minute not), so each
// day's count is worked out by counting minutes.
const flowDate = "2026-11-10"

type flowSpan struct {
	from, to string // CST; the minutes (from, to] count
	per      float64
}

type flowCounter struct {
	metric, instance, gate, dir, site string
	start                             float64 // the value before anything counted (an earlier life)
	active                            []flowSpan
	reset                             time.Time // a reboot: the counter restarts from 0 at this instant
	absent                            func(time.Time) bool
	first, last                       string // no samples before first / after last (CST), "" none
	negative                          string // a sample of -1 at this minute (a broken device)
}

func (c flowCounter) rateAt(t time.Time) float64 {
	r := 0.0
	for _, s := range c.active {
		if t.After(cstAt(s.from)) && !t.After(cstAt(s.to)) {
			r += s.per
		}
	}
	return r
}

func (c flowCounter) present(t time.Time) bool {
	return (c.first == "" || !t.Before(cstAt(c.first))) && (c.last == "" || !t.After(cstAt(c.last))) &&
		(c.absent == nil || !c.absent(t))
}

func (c flowCounter) labels() []collectors.Label {
	ls := []collectors.Label{{Name: "__name__", Value: c.metric}, {Name: "direction", Value: c.dir},
		{Name: "district", Value: "湖滨区"}, {Name: "gate", Value: c.gate}, {Name: "instance", Value: c.instance},
		{Name: "kind", Value: "device"}, {Name: "parent", Value: "sw-park"}, {Name: "site", Value: c.site},
		{Name: "system", Value: "天鹅湖景区"}}
	slices.SortFunc(ls, func(a, b collectors.Label) int { return strings.Compare(a.Name, b.Name) })
	return ls
}

var (
	flowGenFrom = cstAt("2026-11-09 22:00")
	flowGenTo   = cstAt("2026-11-11 02:00")
)

// flowCounters: each comment says what it proves.
var flowCounters = []flowCounter{
	// Evening entries on the 9th belong to the 9th; one at 00:00 on the 10th
	// (its pair starts at 23:59 the day before) to the 10th; 600 in the
	// daytime; a reboot at 12:00:30 loses nothing; 00:00–01:00 on the 11th is
	// the 11th's. 601.
	{metric: "gate_passages_total", instance: "gate-n", gate: "北门1号", dir: "in", site: "北门广场", start: 5000,
		active: []flowSpan{{"2026-11-09 22:00", "2026-11-10 00:00", 1}, {"2026-11-10 08:00", "2026-11-10 18:00", 1},
			{"2026-11-11 00:00", "2026-11-11 01:00", 1}},
		reset: cstAt("2026-11-10 12:00").Add(30 * time.Second)},
	// 09:00–18:30 at one a minute: 570.
	{metric: "gate_passages_total", instance: "gate-n", gate: "北门1号", dir: "out", site: "北门广场", start: 4000,
		active: []flowSpan{{"2026-11-10 09:00", "2026-11-10 18:30", 1}}},
	// Two a minute all day, no samples 10:00–10:29: the increase across the
	// gap still counts (1,200), the 6 intervals without a sample are unknown,
	// and a negative sample at 14:00 is refused (the pair 13:59–14:01 counts).
	{metric: "gate_passages_total", instance: "gate-n", gate: "北门2号", dir: "in", site: "北门广场",
		active: []flowSpan{{"2026-11-10 08:00", "2026-11-10 18:00", 2}},
		absent: func(t time.Time) bool {
			return !t.Before(cstAt("2026-11-10 10:00")) && t.Before(cstAt("2026-11-10 10:30"))
		},
		negative: "2026-11-10 14:00"},
	// Added at 15:00 with a counter from an earlier life: its first sample
	// counts nothing, then 120 by 17:00; measured from 15:00 only.
	{metric: "gate_passages_total", instance: "gate-w", gate: "西门", dir: "in", site: "西门", start: 7777,
		active: []flowSpan{{"2026-11-10 15:00", "2026-11-10 17:00", 1}}, first: "2026-11-10 15:00"},
	// Removed after 11:59: 239 by then, measured until 12:04 (the last sample
	// plus the 5-minute staleness), of which 12:00–12:04 unknown.
	{metric: "gate_passages_total", instance: "gate-s", gate: "南门", dir: "in", site: "南门",
		active: []flowSpan{{"2026-11-10 08:00", "2026-11-10 11:59", 1}}, last: "2026-11-10 11:59"},
	// Vehicles: 720 in between 07:00 and 19:00; none out, a day with data and 0.
	{metric: "vehicle_passages_total", instance: "plate-1", gate: "东停车场入口", dir: "in", site: "东停车场",
		active: []flowSpan{{"2026-11-10 07:00", "2026-11-10 19:00", 1}}},
	{metric: "vehicle_passages_total", instance: "plate-1", gate: "东停车场入口", dir: "out", site: "东停车场", start: 12},
	// Not a flow figure: another direction, another metric.
	{metric: "gate_passages_total", instance: "gate-n", gate: "北门1号", dir: "both", site: "北门广场",
		active: []flowSpan{{"2026-11-10 08:00", "2026-11-10 18:00", 1}}},
	{metric: "gate_faults_total", instance: "gate-n", gate: "北门1号", dir: "in", site: "北门广场",
		active: []flowSpan{{"2026-11-10 08:00", "2026-11-10 18:00", 1}}},
}

func buildFlowTSDB(t testing.TB, cs []flowCounter) *storage.Storage {
	t.Helper()
	s, err := storage.Open(storage.Options{Dir: t.TempDir(), Retention: 365 * 24 * time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	values := make([]float64, len(cs))
	for i, c := range cs {
		values[i] = c.start
	}
	for ts := flowGenFrom; ts.Before(flowGenTo); ts = ts.Add(time.Minute) {
		var round []collectors.Sample
		for i, c := range cs {
			if !c.reset.IsZero() && ts.Add(-time.Minute).Before(c.reset) && !ts.Before(c.reset) {
				values[i] = 0
			}
			values[i] += c.rateAt(ts)
			if !c.present(ts) {
				continue
			}
			v := values[i]
			if c.negative != "" && ts.Equal(cstAt(c.negative)) {
				v = -1
			}
			round = append(round, collectors.Sample{Labels: c.labels(), Value: v})
		}
		require.NoError(t, s.Append(context.Background(), ts, round))
	}
	return s
}

func flowLabelsOf(instance, gate, site string) map[string]string {
	return map[string]string{"district": "湖滨区", "gate": gate, "instance": instance, "kind": "device",
		"parent": "sw-park", "site": site, "system": "天鹅湖景区"}
}

// Every expected figure is counted by hand from the fixture's comments.
func TestAccountFlow(t *testing.T) {
	s := buildFlowTSDB(t, flowCounters)
	invalid := metrics.GetOrCreateCounter(`swanwatch_sla_usage_invalid_total{kind="flow"}`)
	before := invalid.Get()
	got, err := AccountFlow(context.Background(), s.Queryable(), flowDate)
	require.NoError(t, err)
	full := Tally{GoodS: 86400}
	want := []Day{
		{SLI: FlowVehiclesIn, Entity: "plate-1/东停车场入口", Labels: flowLabelsOf("plate-1", "东停车场入口", "东停车场"),
			Tally: full, Stats: &Stats{Count: 720, Intervals: 288}},
		{SLI: FlowVehiclesOut, Entity: "plate-1/东停车场入口", Labels: flowLabelsOf("plate-1", "东停车场入口", "东停车场"),
			Tally: full, Stats: &Stats{Count: 0, Intervals: 288}},
		{SLI: FlowVisitorsIn, Entity: "gate-n/北门1号", Labels: flowLabelsOf("gate-n", "北门1号", "北门广场"),
			Tally: full, Stats: &Stats{Count: 601, Intervals: 288}},
		{SLI: FlowVisitorsIn, Entity: "gate-n/北门2号", Labels: flowLabelsOf("gate-n", "北门2号", "北门广场"),
			Tally: Tally{GoodS: 84600, UnknownS: 1800}, Stats: &Stats{Count: 1200, Intervals: 282}},
		{SLI: FlowVisitorsIn, Entity: "gate-s/南门", Labels: flowLabelsOf("gate-s", "南门", "南门"),
			Tally: Tally{GoodS: 43200, UnknownS: 240}, Stats: &Stats{Count: 239, Intervals: 144}},
		{SLI: FlowVisitorsIn, Entity: "gate-w/西门", Labels: flowLabelsOf("gate-w", "西门", "西门"),
			Tally: Tally{GoodS: 32400}, Stats: &Stats{Count: 120, Intervals: 108}},
		{SLI: FlowVisitorsOut, Entity: "gate-n/北门1号", Labels: flowLabelsOf("gate-n", "北门1号", "北门广场"),
			Tally: full, Stats: &Stats{Count: 570, Intervals: 288}},
	}
	for i := range want {
		want[i].Date = flowDate
	}
	assert.Equal(t, want, got)
	assert.Equal(t, before+1, invalid.Get(), "the negative sample")
}

// The days of consecutive dates add up to the counter's whole increase: no
// passage is counted twice or lost at midnight.
func TestAccountFlowDaysAddUp(t *testing.T) {
	s := buildFlowTSDB(t, flowCounters[:1])
	total := int64(0)
	for _, date := range []string{"2026-11-09", "2026-11-10", "2026-11-11"} {
		days, err := AccountFlow(context.Background(), s.Queryable(), date)
		require.NoError(t, err)
		require.Len(t, days, 1, date)
		total += days[0].Stats.Count
	}
	// 22:00–24:00 on the 9th (less its first sample, which has no pair) 119,
	// 00:00 1, the day 600, 00:00–01:00 on the 11th 60
	assert.Equal(t, int64(119+1+600+60), total)
}

func TestAccountFlowNoGates(t *testing.T) {
	s := buildFlowTSDB(t, nil)
	days, err := AccountFlow(context.Background(), s.Queryable(), flowDate)
	require.NoError(t, err)
	assert.Empty(t, days)
	_, err = AccountFlow(context.Background(), s.Queryable(), "2026-13-01")
	require.Error(t, err)
}

// The Accounting closes the flow with the SLIs and the usage, and the
// ledger takes its days (Stats.Count is stored and read back).
func TestAccountingClosesFlow(t *testing.T) {
	s := buildFlowTSDB(t, flowCounters)
	a := NewAccounting(s.Queryable(), nil, func() Rules { return Rules{SLIs: DefaultSLIs()} })
	days, err := a.Date(context.Background(), flowDate)
	require.NoError(t, err)
	var flow []Day
	for _, d := range days {
		if IsFlow(d.SLI) {
			flow = append(flow, d)
		}
	}
	require.Len(t, flow, 7)
	l, _ := ledgerOpen(t, func() time.Time { return cstAt("2026-11-11 00:10") })
	require.NoError(t, l.CloseDay(context.Background(), flowDate, days))
	var back []Day
	require.NoError(t, l.ScanDays(context.Background(), flowDate, flowDate, func(d Day) error {
		if IsFlow(d.SLI) {
			back = append(back, d)
		}
		return nil
	}))
	require.Len(t, back, 7)
	assert.Equal(t, int64(601), back[2].Stats.Count)
}

func TestLedgerRefusesBadCount(t *testing.T) {
	for _, n := range []int64{-1, maxDayCount + 1} {
		err := checkStats(&Stats{Count: n})
		assert.ErrorContains(t, err, "count")
	}
	assert.NoError(t, checkStats(&Stats{Count: maxDayCount, Intervals: 288}))
}

// The scenic SLIs read series that exist: the swanlake pack records the
// swanwatch: ones, the collectors write the others (docs/swanlake.md).
func TestScenicSLIsReadPackSeries(t *testing.T) {
	pack, err := os.ReadFile("../packs/swanlake.yml")
	require.NoError(t, err)
	contract, err := os.ReadFile("../../docs/swanlake.md")
	require.NoError(t, err)
	for _, s := range scenicSLIs() {
		ms, err := selector(s.Query)
		require.NoError(t, err, s.Name)
		name := ""
		for _, m := range ms {
			if m.Name == "__name__" {
				name = m.Value
			}
		}
		if strings.HasPrefix(name, "swanwatch:") {
			assert.Regexp(t, regexp.MustCompile(`(?m)^\s+- record: `+regexp.QuoteMeta(name)+`$`), string(pack), s.Name)
			assert.Contains(t, string(pack), `"`+s.EntityLabel+`"`, "%s: the pack sets its entity label", s.Name)
		} else {
			assert.Contains(t, string(contract), "`"+name, s.Name)
		}
		assert.Regexp(t, `^R-C[234]$`, s.Requirement)
	}
}
