package eval

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/dashboards"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// BenchmarkEvaluateFourScenes evaluates every panel of the four shipped
// scenes in one round over the simulator's estate: 3,000 VMs with their
// node_* series and the agent pack's recorded series, and the WAN at the
// demo's scale (0.1) and the reference estate's (1) with the WAN pack's
// per-link series, 40 open incidents and a duty roster.
func BenchmarkEvaluateFourScenes(b *testing.B) {
	for _, scale := range []float64{0.1, 1} {
		b.Run(fmt.Sprintf("vms=3000/wan=%g", scale), func(b *testing.B) {
			targets := evalTestEstate(b, 3000, scale)
			db := newEvalTestTSDB(b, 50_000_000)
			series := evalBenchData(b, db, targets)
			store := evalTestIncidents(b, func() time.Time { return evalTestAt })
			for i := range 40 {
				_, _, err := store.Fire(context.Background(), alerting.Alert{Fingerprint: fmt.Sprint(i), Firing: true,
					StartsAt: evalTestAt.Add(-time.Duration(i) * time.Minute),
					Labels: map[string]string{"alertname": "AgentOffline", "severity": "major",
						"district": inventory.Districts[i%10].Name, "instance": fmt.Sprint("vm-", i)}})
				require.NoError(b, err)
			}
			defs, err := LoadScenes(dashboards.Screens, "screens/*.yaml")
			require.NoError(b, err)
			e, err := New(Options{Scenes: defs, Query: db.query, Incidents: store, Duty: evalTestDuty,
				Inventory: func() []inventory.Target { return targets }, Publish: newEvalTestPublished().publish})
			require.NoError(b, err)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, s := range e.scenes {
					for _, p := range s.panels {
						p.next = time.Time{} // every panel due: a full round
					}
				}
				e.round(context.Background(), evalTestAt)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/round")
			b.ReportMetric(float64(series), "series")
		})
	}
}

// evalBenchData writes 3 rounds 30s apart of what the estate's collectors and
// the shipped rule packs would write, and returns the number of series.
func evalBenchData(b *testing.B, db *evalTestTSDB, targets []inventory.Target) int {
	n := 0
	for k := range 3 {
		ts := evalTestAt.Add(time.Duration(k-2) * 30 * time.Second)
		var round []collectors.Sample
		add := func(v float64, series ...string) { round = append(round, evalTestSample(v, series...)) }
		online := map[string][2]float64{}
		groups := map[string]bool{}
		for i, t := range targets {
			switch t.Kind {
			case "agent":
				up := evalBenchAgent(add, t, i, k)
				o := online[t.District]
				online[t.District] = [2]float64{o[0] + up, o[1] + 1}
			case "snmp":
				add(1, "up", "kind", "snmp", "instance", t.Name)
			case inventory.KindLink:
				evalBenchLink(add, t, i, groups)
			}
		}
		evalBenchRecorded(add, online)
		require.NoError(b, db.store.Append(context.Background(), ts, round))
		n = len(round)
	}
	return n
}

func evalBenchAgent(add func(float64, ...string), t inventory.Target, i, k int) float64 {
	up := 1.0
	if i%97 == 0 {
		up = 0
	}
	l := []string{"kind", "agent", "instance", t.Name, "district", t.District, "system", t.System, "site", t.Site}
	add(up, append([]string{"up"}, l...)...)
	for m, mode := range []string{"idle", "user", "system", "iowait"} {
		add(float64(1000*(k+1)*(4-m)+i), append([]string{"node_cpu_seconds_total", "mode", mode}, l...)...)
	}
	add(16<<30, append([]string{"node_memory_MemTotal_bytes"}, l...)...)
	add(float64(4<<30+i%8<<28), append([]string{"node_memory_MemAvailable_bytes"}, l...)...)
	fs := append([]string{"fstype", "ext4", "mountpoint", "/"}, l...)
	add(100<<30, append([]string{"node_filesystem_size_bytes"}, fs...)...)
	add(float64(40<<30+i%16<<30), append([]string{"node_filesystem_avail_bytes"}, fs...)...)
	return up
}

func evalBenchLink(add func(float64, ...string), t inventory.Target, i int, groups map[string]bool) {
	grp := t.Params[inventory.ParamGroup]
	l := []string{"link", t.Name, "district", t.District, "level", t.Level}
	if grp != "" {
		l = append(l, "group", grp)
	}
	add(float64(min(i%53, 1)), append([]string{"swanwatch:link_up"}, l...)...)
	add(float64(i%10)/10, append([]string{"swanwatch:link_utilisation_in:ratio"}, l...)...)
	add(float64(i%7)/10, append([]string{"swanwatch:link_utilisation_out:ratio"}, l...)...)
	for _, fam := range []string{"ipv4", "ipv6"} {
		f := append([]string{"family", fam}, l...)
		add(0.001*float64(i%40), append([]string{"swanwatch:link_latency_seconds"}, f...)...)
		add(0.001*float64(i%30), append([]string{"swanwatch:link_loss_ratio"}, f...)...)
		add(0.0005*float64(i%50), append([]string{"swanwatch:link_jitter_seconds"}, f...)...)
	}
	add(0.0001*float64(i%60), append([]string{"swanwatch:link_v6_minus_v4_latency_seconds"}, l...)...)
	for _, p := range []string{"latency", "loss", "jitter", "ber", "bandwidth_headroom", "v6_not_worse"} {
		add(float64(min(i%17, 1)), append([]string{"swanwatch:link_promise_met", "promise", p}, l...)...)
	}
	if grp != "" && !groups[grp] {
		groups[grp] = true
		add(float64(1+min(i%11, 1)), "swanwatch:link_redundancy_state", "group", grp)
	}
}

// evalBenchRecorded writes the agent pack's recorded series from the round.
func evalBenchRecorded(add func(float64, ...string), online map[string][2]float64) {
	var up, all float64
	for d, o := range online {
		add(o[0]/o[1], "swanwatch:agent_online:ratio", "district", d)
		add(o[1]-o[0], "swanwatch:agents_offline:count", "district", d)
		up, all = up+o[0], all+o[1]
	}
	add(up/all, "swanwatch:agent_online_city:ratio")
}
