package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The server's daily close: one CST day of raw samples in the real TSDB
// becomes one ledger day per agent, with the maintenance window of the
// agent's district excluded, and the figures are those worked out by hand.
func TestSLACloseDayFromTheTSDB(t *testing.T) {
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	cfg := config.Default()
	w := alerting.MaintenanceWindow{Name: "夜间维护", Cron: "0 2 * * *", Duration: time.Hour}
	w.Matchers, err = alerting.ParseMatchers(`{district="灵宝市"}`)
	require.NoError(t, err)
	require.NoError(t, w.Compile())
	cfg.Alerting.Maintenance = []alerting.MaintenanceWindow{w}
	s := &system{store: st, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.cfg.Store(cfg)

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

	days, err := s.slaCloseDay(ctx, "2026-11-10")
	require.NoError(t, err)
	got := map[string]sla.Tally{}
	for _, d := range days {
		assert.Equal(t, "agent_online", d.SLI)
		got[d.Entity] = d.Tally
	}
	assert.Equal(t, map[string]sla.Tally{
		"vm-a": {GoodS: 86400 - 1800, BadS: 1800},
		"vm-b": {GoodS: 86400 - 3600, ExcludedS: 3600}, // the outage is inside the maintenance hour
	}, got)
}
