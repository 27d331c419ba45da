package sim

import (
	"net/http"
	"slices"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// startNodeExporter runs the real node_exporter (apt prometheus-node-exporter)
// with only the collectors behind DefaultKeep.
func startNodeExporter(t *testing.T) string {
	p := testpeer.Start(t, testpeer.Spec{
		Name: "node_exporter", Binary: "prometheus-node-exporter", Hint: "apt install prometheus-node-exporter",
		Args: []string{"--web.listen-address=127.0.0.1:{{port}}", "--collector.disable-defaults", "--collector.cpu",
			"--collector.loadavg", "--collector.meminfo", "--collector.filesystem", "--collector.diskstats",
			"--collector.netdev", "--collector.stat", "--collector.time", "--collector.uname"},
		ReadyURL: "http://127.0.0.1:{{port}}/metrics",
	})
	return p.Base() + "/metrics"
}

func labelNames(m *dto.Metric) []string {
	var out []string
	for _, l := range m.GetLabel() {
		out = append(out, l.GetName())
	}
	slices.Sort(out)
	return out
}

// TestSpeaksLikeNodeExporter compares every kept family with what the real
// node_exporter on this machine says: same HELP, TYPE and label names, and
// figures in the same orders of magnitude.
func TestSpeaksLikeNodeExporter(t *testing.T) {
	c := client(t, 10*time.Second)
	code, body := get(t, c, startNodeExporter(t))
	require.Equal(t, http.StatusOK, code)
	real := parse(t, body)

	clk := newClock(time.Now())
	s := startSim(t, Options{VMs: 50, Seed: 1, Now: clk.Now})
	v := s.est.vms[0]
	require.NoError(t, s.Force(v.Name, "online", ""))
	code, body = get(t, c, "http://"+s.Addr()+"/vm/"+v.Name+"/metrics")
	require.Equal(t, http.StatusOK, code)
	ours := parse(t, body)

	for _, name := range agent.DefaultKeep {
		t.Run(name, func(t *testing.T) {
			rf, of := real[name], ours[name]
			require.NotNil(t, rf, "node_exporter has %s", name)
			require.NotNil(t, of, "sim has %s", name)
			assert.Equal(t, rf.GetHelp(), of.GetHelp())
			assert.Equal(t, rf.GetType(), of.GetType())
			assert.Equal(t, labelNames(rf.GetMetric()[0]), labelNames(of.GetMetric()[0]))
		})
	}
	for _, name := range []string{"node_time_seconds", "node_boot_time_seconds"} {
		r := real[name].GetMetric()[0].GetGauge().GetValue()
		o := ours[name].GetMetric()[0].GetGauge().GetValue()
		assert.InDelta(t, r, o, 3*365*86400, "%s: unix seconds like node_exporter's", name)
	}
	assert.InDelta(t, real["node_time_seconds"].GetMetric()[0].GetGauge().GetValue(),
		ours["node_time_seconds"].GetMetric()[0].GetGauge().GetValue(), 60, "node_time_seconds follows the clock")
}
