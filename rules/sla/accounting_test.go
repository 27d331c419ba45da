package sla

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// accountingRules are rules a test changes between two days, as a reload does.
type accountingRules struct {
	mu sync.Mutex
	r  Rules
}

func (a *accountingRules) get() Rules  { a.mu.Lock(); defer a.mu.Unlock(); return a.r }
func (a *accountingRules) set(r Rules) { a.mu.Lock(); defer a.mu.Unlock(); a.r = r }

// The server's daily close: one CST day of raw samples in the real TSDB
// becomes one ledger day per agent, with the maintenance window of the
// agent's district excluded, and the figures are those worked out by hand;
// the rules are read for every day accounted, so a reload applies.
func TestAccountingDateFromTheTSDB(t *testing.T) {
	st := openTSDB(t)
	w := alerting.MaintenanceWindow{Name: "夜间维护", Cron: "0 2 * * *", Duration: time.Hour}
	var err error
	w.Matchers, err = alerting.ParseMatchers(`{district="灵宝市"}`)
	require.NoError(t, err)
	require.NoError(t, w.Compile())
	rules := &accountingRules{r: Rules{SLIs: DefaultSLIs(), Maintenance: []alerting.MaintenanceWindow{w}}}
	a := NewAccounting(st.Queryable(), nil, rules.get)

	day := time.Date(2026, 11, 10, 0, 0, 0, 0, cst.Location)
	down := func(vm string, at time.Time) bool {
		hm := at.Hour()*60 + at.Minute()
		switch vm {
		case "vm-a": // 10:00–10:30 CST down
			return at.Day() == 10 && hm >= 600 && hm < 630
		default: // 02:10–02:30 CST down, inside 灵宝市's maintenance
			return at.Day() == 10 && hm >= 130 && hm < 150
		}
	}
	ctx := context.Background()
	for at := day.AddDate(0, 0, -1); at.Before(day.AddDate(0, 0, 2)); at = at.Add(time.Minute) {
		var samples []collectors.Sample
		for vm, district := range map[string]string{"vm-a": "卢氏县", "vm-b": "灵宝市"} {
			v := 1.0
			if down(vm, at) {
				v = 0
			}
			samples = append(samples, collectors.Sample{Value: v, Labels: []collectors.Label{
				{Name: "__name__", Value: "up"}, {Name: "district", Value: district},
				{Name: "instance", Value: vm}, {Name: "kind", Value: "agent"}}})
		}
		require.NoError(t, st.Append(ctx, at, samples))
	}

	tallies := func() map[string]Tally {
		days, err := a.Date(ctx, "2026-11-10")
		require.NoError(t, err)
		got := map[string]Tally{}
		for _, d := range days {
			assert.Equal(t, "agent_online", d.SLI)
			got[d.Entity] = d.Tally
		}
		return got
	}
	assert.Equal(t, map[string]Tally{
		"vm-a": {GoodS: 86400 - 1800, BadS: 1800},
		"vm-b": {GoodS: 86400 - 3600, ExcludedS: 3600}, // the outage is inside the maintenance hour
	}, tallies())

	rules.set(Rules{SLIs: DefaultSLIs()}) // the window removed by a reload
	assert.Equal(t, Tally{GoodS: 86400 - 1200, BadS: 1200}, tallies()["vm-b"])
}

func TestMaintenanceOfSelectsByLabels(t *testing.T) {
	w := alerting.MaintenanceWindow{Name: "夜间维护", Cron: "0 2 * * *", Duration: time.Hour}
	var err error
	w.Matchers, err = alerting.ParseMatchers(`{district="灵宝市"}`)
	require.NoError(t, err)
	require.NoError(t, w.Compile())
	from := time.Date(2026, 11, 10, 0, 0, 0, 0, cst.Location)
	to := from.AddDate(0, 0, 1)
	windows := []alerting.MaintenanceWindow{w}
	got := maintenanceOf(windows, map[string]string{"district": "灵宝市"}, from, to)
	require.Len(t, got, 1)
	assert.True(t, got[0].Start.Equal(from.Add(2*time.Hour)), got[0].Start)
	assert.True(t, got[0].End.Equal(from.Add(3*time.Hour)), got[0].End)
	assert.Empty(t, maintenanceOf(windows, map[string]string{"district": "卢氏县"}, from, to))
}

// The month's incidents come from the real incident store, bounded by the
// CST month (2026-11-30 16:00 UTC is already December).
func TestAccountingIncidentsOfAMonth(t *testing.T) {
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	store := alerting.NewIncidents(db, nil)
	ctx := context.Background()
	for i, at := range []time.Time{
		time.Date(2026, 10, 31, 23, 59, 59, 0, cst.Location),
		time.Date(2026, 11, 1, 0, 0, 0, 0, cst.Location),
		time.Date(2026, 11, 30, 23, 59, 59, 0, cst.Location),
		time.Date(2026, 12, 1, 0, 0, 0, 0, cst.Location),
	} {
		_, _, err := store.Fire(ctx, alerting.Alert{Fingerprint: fmt.Sprint(i), Labels: map[string]string{"alertname": "AgentOffline",
			"instance": fmt.Sprintf("vm-%d", i), "severity": "major"},
			Annotations: map[string]string{"summary": fmt.Sprintf("vm-%d 监控插件离线", i)}, StartsAt: at})
		require.NoError(t, err)
	}
	got, err := NewAccounting(nil, store, nil).Incidents(ctx, "2026-11")
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "vm-1 监控插件离线", got[0].Title)
	assert.Equal(t, "vm-2", got[1].Labels["instance"])
	assert.Equal(t, "major", got[1].Severity)
	_, err = NewAccounting(nil, store, nil).Incidents(ctx, "2026-13")
	assert.ErrorContains(t, err, "2026-13")
}

// pagedIncidents answers List over a fixed list as the store does: first
// fired in [Since, Until), oldest first, at most Limit.
type pagedIncidents []alerting.Incident

func (p pagedIncidents) List(_ context.Context, f alerting.IncidentFilter) ([]alerting.Incident, error) {
	var out []alerting.Incident
	for _, inc := range p {
		if !inc.FirstFired.Before(f.Since) && inc.FirstFired.Before(f.Until) && len(out) < f.Limit {
			out = append(out, inc)
		}
	}
	return out, nil
}

// More incidents than one page are read page by page, the incidents of the
// millisecond where a page ends read once.
func TestAccountingIncidentsPageOn(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, cst.Location)
	var all pagedIncidents
	for i := range incidentPage + 500 {
		// two incidents a millisecond: a page ends in the middle of one
		all = append(all, alerting.Incident{ID: int64(i + 1), FirstFired: start.Add(time.Duration(i/2) * time.Millisecond)})
	}
	got, err := NewAccounting(nil, all, nil).Incidents(context.Background(), "2026-11")
	require.NoError(t, err)
	require.Len(t, got, len(all))
	assert.True(t, sort.SliceIsSorted(got, func(i, j int) bool { return got[i].ID < got[j].ID }))

	var tied pagedIncidents
	for i := range incidentPage {
		tied = append(tied, alerting.Incident{ID: int64(i + 1), FirstFired: start})
	}
	_, err = NewAccounting(nil, tied, nil).Incidents(context.Background(), "2026-11")
	assert.ErrorContains(t, err, "more than 10,000 in one millisecond")
}
