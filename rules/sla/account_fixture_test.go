package sla

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/storage"
)

// The fixture month: one sample per minute at :15 of every agent from
// 2026-10-31 22:00 to 2026-12-01 06:00 CST, so that both month edges are
// crossed in UTC (2026-11-30 16:00 UTC is already December in CST).
var (
	genStart = cstAt("2026-10-31 22:00").Add(15 * time.Second)
	genEnd   = cstAt("2026-12-01 06:00")
)

func cstAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst.Location)
	if err != nil {
		panic(err)
	}
	return t
}

// period is [from, to) in CST wall-clock minutes.
type period struct{ from, to string }

func (p period) has(t time.Time) bool { return !t.Before(cstAt(p.from)) && t.Before(cstAt(p.to)) }

// fixtureAgent is one VM agent: the value of `up` is 1 unless a period
// says 0 (bad), no sample (missing) or a staleness marker (stale).
type fixtureAgent struct {
	name                string
	bad, missing, stale []period
}

func (a fixtureAgent) value(t time.Time) float64 {
	switch {
	case inAny(a.missing, t):
		return math.NaN()
	case inAny(a.stale, t):
		return collectors.StaleNaN
	case inAny(a.bad, t):
		return 0
	}
	return 1
}

func inAny(ps []period, t time.Time) bool {
	for _, p := range ps {
		if p.has(t) {
			return true
		}
	}
	return false
}

// fixtureAgents are the month's cases; comments give the figure each proves.
var fixtureAgents = []fixtureAgent{
	{name: "vm-a", bad: []period{
		{"2026-10-31 23:00", "2026-11-01 00:00"}, // October: not in November
		{"2026-11-01 02:00", "2026-11-01 02:10"}, // 2026-10-31 18:00 UTC: November in CST
		{"2026-11-10 14:03", "2026-11-10 14:50"}, // the known 47-minute outage
		{"2026-12-01 01:00", "2026-12-01 02:00"}, // 2026-11-30 17:00 UTC: December in CST
	}},
	{name: "vm-b",
		missing: []period{{"2026-11-05 08:00", "2026-11-05 11:00"}}, // 3-hour gap: Unknown
		bad:     []period{{"2026-11-18 02:40", "2026-11-18 03:20"}}, // half inside the 03:00 maintenance
		stale:   []period{{"2026-11-22 12:00", "2026-11-22 12:10"}}, // stale markers: Unknown, not Bad
	},
	{name: "vm-c", missing: []period{{"2026-10-01 00:00", "2026-11-17 09:15"}}}, // added on the 17th
	// Bad only inside the maintenance, whose last second (03:29:59) is not
	// covered: one Bad second in the month, 99.99996 %, shown as 99.9999.
	{name: "vm-d", bad: []period{{"2026-11-20 03:25", "2026-11-20 03:30"}}},
	{name: "vm-e", missing: []period{{"2026-11-25 18:00", "2027-01-01 00:00"}}}, // removed on the 25th
}

// maintStart and maintLen are the nightly maintenance window, 03:00 CST for
// 29m59s: one second short of a minute so that a window is split by it.
const (
	maintStart = 3 * time.Hour
	maintLen   = 29*time.Minute + 59*time.Second
)

// buildFixtureTSDB appends the fixture to a real embedded TSDB, one round
// per minute as the agent collector's Runner writes it.
func buildFixtureTSDB(t *testing.T) *storage.Storage {
	t.Helper()
	s, err := storage.Open(storage.Options{Dir: t.TempDir(), Retention: 365 * 24 * time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	ctx := context.Background()
	for ts := genStart; ts.Before(genEnd); ts = ts.Add(time.Minute) {
		var round []collectors.Sample
		for _, a := range fixtureAgents {
			if v := a.value(ts); !math.IsNaN(v) || collectors.IsStaleNaN(v) {
				round = append(round, collectors.Sample{Labels: upLabels(a.name), Value: v})
			}
		}
		require.NoError(t, s.Append(ctx, ts, round))
	}
	return s
}

func upLabels(instance string) []collectors.Label {
	return []collectors.Label{{Name: "__name__", Value: "up"}, {Name: "district", Value: "湖滨区"},
		{Name: "instance", Value: instance}, {Name: "kind", Value: "agent"}}
}
