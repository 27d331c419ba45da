package agent

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func vmTarget(url string) collectors.Target {
	return collectors.Target{Kind: Kind, Name: "vm-hb-001", Address: url,
		Labels: map[string]string{"district": "湖滨区", "system": "政务服务", "level": "city"}}
}

func familyOf(series string) string { return series[:strings.IndexByte(series, '{')] }

func TestNodeExporterKeptFamilies(t *testing.T) {
	ne := testpeer.NodeExporter(t)
	c := newTestCollector(t)
	rec, err := scrape(t, c, vmTarget(ne.URL))
	require.NoError(t, err)
	require.Empty(t, rec.Problems())

	got := map[string]int{}
	for _, s := range rec.Series() {
		got[familyOf(s)]++
	}
	// node_boot_time_seconds comes from the stat collector, which the agent
	// profile of the test peer leaves off; every other default family is there.
	for _, fam := range DefaultKeep {
		if fam != "node_boot_time_seconds" {
			assert.Positive(t, got[fam], "family %s kept", fam)
		}
	}
	for fam := range got {
		if fam != summedValuesMetric {
			assert.Contains(t, DefaultKeep, fam, "only kept families pass")
		}
	}
	assert.LessOrEqual(t, got["node_cpu_seconds_total"], 10, "per-CPU series folded into one per mode")
	assert.Equal(t, 1, got[summedValuesMetric], "the vCPU count survives the fold")
	t.Logf("series per VM from the real node_exporter: %d (+3 runner series); per family: %v", len(rec.Series()), got)
	assert.Less(t, len(rec.Series()), 120, "the keep-list holds a VM near ~50 series")

	meta := c.Metadata()
	assert.Equal(t, Meta{Type: "counter", Help: "Seconds the CPUs spent in each mode."}, meta["node_cpu_seconds_total"])
	assert.Equal(t, "gauge", meta["node_load1"].Type)
	assert.NotContains(t, meta, "go_goroutines")
}

func TestNodeExporterTextfileFamilies(t *testing.T) {
	ne := testpeer.NodeExporter(t)
	ne.WriteTextfile(t, "sw.prom", `# HELP sw_test_latency_seconds Test histogram.
# TYPE sw_test_latency_seconds histogram
sw_test_latency_seconds_bucket{le="0.1"} 2
sw_test_latency_seconds_bucket{le="1"} 5
sw_test_latency_seconds_bucket{le="+Inf"} 6
sw_test_latency_seconds_sum 3.5
sw_test_latency_seconds_count 6
# HELP sw_test_rpc_seconds Test summary.
# TYPE sw_test_rpc_seconds summary
sw_test_rpc_seconds{quantile="0.5"} 0.2
sw_test_rpc_seconds_sum 9
sw_test_rpc_seconds_count 30
# HELP sw_test_info Clashing labels.
# TYPE sw_test_info gauge
sw_test_info{instance="app-1",district="x",exported_district="y",site="dc1"} 1
`)
	c := newTestCollector(t, "sw_test_*")
	rec, err := scrape(t, c, vmTarget(ne.URL))
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	want := map[string]float64{
		`sw_test_latency_seconds_bucket{le="0.1"}`:  2,
		`sw_test_latency_seconds_bucket{le="1.0"}`:  5,
		`sw_test_latency_seconds_bucket{le="+Inf"}`: 6,
		`sw_test_latency_seconds_sum{}`:             3.5,
		`sw_test_latency_seconds_count{}`:           6,
		`sw_test_rpc_seconds{quantile="0.5"}`:       0.2,
		`sw_test_rpc_seconds_sum{}`:                 9,
		`sw_test_rpc_seconds_count{}`:               30,
		`sw_test_info{exported_district="y",exported_exported_district="x",exported_instance="app-1",site="dc1"}`: 1,
	}
	for k, v := range want {
		got, ok := rec.Value(k)
		if assert.True(t, ok, "%s in %v", k, rec.Series()) {
			assert.Equal(t, v, got, k)
		}
	}
	assert.Equal(t, "histogram", c.Metadata()["sw_test_latency_seconds"].Type)
	assert.Equal(t, "summary", c.Metadata()["sw_test_rpc_seconds"].Type)
}

// silentPeer accepts connections and never answers, until the test ends.
func silentPeer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String() + "/metrics"
}

func TestContract(t *testing.T) {
	ne := testpeer.NodeExporter(t)
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return New(Config{}.WithDefaults(), nil) },
		Target: func(t *testing.T) collectors.Target {
			n++
			tgt := vmTarget(ne.URL)
			tgt.Name = "vm-" + string(rune('a'+n%26))
			return tgt
		},
		Silent: func(t *testing.T) collectors.Target {
			return collectors.Target{Kind: Kind, Name: "vm-silent", Address: silentPeer(t)}
		},
	})
}
