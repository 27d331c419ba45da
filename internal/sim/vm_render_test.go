package sim

import (
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/agent"
)

func TestExpositionFamiliesOverHTTP(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := startSim(t, Options{VMs: 600, Seed: 1, Now: clk.Now})
	c := client(t, 5*time.Second)
	for _, prof := range []string{"web", "app", "db", "cache", "idle", "zombie"} {
		vms := vmsOf(s, prof, 2)
		require.NotEmpty(t, vms, "profile %s present in 600 VMs", prof)
		for _, v := range vms {
			t.Run(prof+"/"+v.Name, func(t *testing.T) {
				require.NoError(t, s.Force(v.Name, "online", ""))
				code, body := get(t, c, "http://"+s.Addr()+"/vm/"+v.Name+"/metrics")
				require.Equal(t, http.StatusOK, code)
				fams := parse(t, body)
				assert.ElementsMatch(t, agent.DefaultKeep, slices.Collect(maps.Keys(fams)), "families = DefaultKeep")
				for name, f := range fams {
					want := dto.MetricType_GAUGE
					if strings.HasSuffix(name, "_total") {
						want = dto.MetricType_COUNTER
					}
					assert.Equal(t, want, f.GetType(), name)
				}
				assert.Len(t, fams["node_cpu_seconds_total"].GetMetric(), v.cpus*8)
				n := len(series(fams))
				assert.True(t, n >= 30 && n <= 300, "a VM costs ~50 series, got %d", n)
				assertCPUAddsUp(t, fams, clk.float())
			})
		}
	}
}

// assertCPUAddsUp checks that every CPU's modes sum to the uptime, as on Linux.
func assertCPUAddsUp(t *testing.T, fams map[string]*dto.MetricFamily, now float64) {
	t.Helper()
	boot := fams["node_boot_time_seconds"].GetMetric()[0].GetGauge().GetValue()
	perCPU := map[string]float64{}
	for _, m := range fams["node_cpu_seconds_total"].GetMetric() {
		perCPU[m.GetLabel()[0].GetValue()] += m.GetCounter().GetValue()
	}
	for cpu, sum := range perCPU {
		assert.InDelta(t, now-boot, sum, 0.1, "cpu %s", cpu)
	}
}

// TestCountersMonotonic scrapes VMs of every profile every 30 s for an hour,
// then every ~30 minutes for two weeks: counters never go down except across a
// reboot, which changes node_boot_time_seconds and resets them. (The long run
// reads the bodies with quickSeries; expfmt is checked on every profile above.)
func TestCountersMonotonic(t *testing.T) {
	s, err := New(Options{VMs: 600, Seed: 5})
	require.NoError(t, err)
	var vms []*vm
	for _, prof := range []string{"web", "app", "db", "cache", "mq", "etl", "idle", "zombie"} {
		vms = append(vms, vmsOf(s, prof, 3)...)
	}
	start := float64(mustTime(t, "2026-11-23 00:00:00").Unix())
	steps := make([]float64, 0, 1500)
	for i := 1; i < 120; i++ {
		steps = append(steps, start+float64(i)*30)
	}
	for i := 2; i < 2*7*24*2; i++ {
		steps = append(steps, start+float64(i)*1800+float64(i%7))
	}
	resets, load := 0, map[float64]bool{}
	for _, v := range vms {
		prev := quickSeries(t, s.render(nil, v, start))
		for _, at := range steps {
			cur := quickSeries(t, s.render(nil, v, at))
			rebooted := cur["node_boot_time_seconds"] != prev["node_boot_time_seconds"]
			if rebooted {
				resets++
				require.Greater(t, cur["node_boot_time_seconds"], prev["node_boot_time_seconds"])
				idle := `node_cpu_seconds_total{cpu="0",mode="idle"}`
				require.Less(t, cur[idle], prev[idle], "a reboot resets counters")
			}
			for k, x := range cur {
				// plain if: testify's call-site capture would dominate this loop
				if !rebooted && x < prev[k] && strings.Contains(k, "_total{") {
					t.Fatalf("%s: %s went down from %v to %v at %v", v.Name, k, prev[k], x, at)
				}
			}
			load[cur["node_load1"]] = true
			prev = cur
		}
	}
	assert.Greater(t, resets, 2, "reboots happen now and then")
	assert.Greater(t, len(load), 1000, "figures move")
}

// quickSeries reads our own exposition (one sample per line, no escapes in
// label values) much faster than expfmt, for long runs.
func quickSeries(t *testing.T, body []byte) map[string]float64 {
	out := make(map[string]float64, 64)
	for _, l := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		x, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out[l[:i]] = x
	}
	return out
}

// busy returns the CPU busy seconds of v between a and b, from the exposition.
func busy(t *testing.T, s *Sim, v *vm, a, b time.Time) float64 {
	idle := func(at time.Time) (float64, float64) {
		cur := series(parse(t, s.render(nil, v, float64(at.Unix()))))
		sum := 0.0
		for k, x := range cur {
			if strings.HasPrefix(k, "node_cpu_seconds_total{") && strings.HasSuffix(k, "mode=idle,}") {
				sum += x
			}
		}
		return sum, cur["node_boot_time_seconds{}"]
	}
	i0, b0 := idle(a)
	i1, b1 := idle(b)
	if b0 != b1 {
		return -1 // rebooted in between: no figure
	}
	return b.Sub(a).Seconds()*float64(v.cpus) - (i1 - i0)
}

func TestOfficeHoursBusier(t *testing.T) {
	s, err := New(Options{VMs: 400, Seed: 9})
	require.NoError(t, err)
	cases := []struct {
		name            string
		busyAt, quietAt string
	}{
		{"weekday morning vs night", "2026-11-25 10:00:00", "2026-11-25 03:00:00"},
		{"weekday afternoon vs lunch", "2026-11-25 15:00:00", "2026-11-25 12:20:00"},
		{"weekday vs sunday", "2026-11-25 10:00:00", "2026-11-29 10:00:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			busier, n := 0, 0
			for _, v := range vmsOf(s, "web", 30) {
				hi := busy(t, s, v, mustTime(t, tc.busyAt), mustTime(t, tc.busyAt).Add(30*time.Minute))
				lo := busy(t, s, v, mustTime(t, tc.quietAt), mustTime(t, tc.quietAt).Add(30*time.Minute))
				if hi < 0 || lo < 0 {
					continue
				}
				n++
				if hi > 1.5*lo {
					busier++
				}
			}
			require.Greater(t, n, 20)
			assert.Equal(t, n, busier, "web servers are busier at %s than at %s", tc.busyAt, tc.quietAt)
		})
	}
}

func TestZombiesStayIdle(t *testing.T) {
	s, err := New(Options{VMs: 3000, Seed: 1})
	require.NoError(t, err)
	zombies := vmsOf(s, "zombie", 500)
	require.Greater(t, len(zombies), 30, "long-idle VMs for the R-A2 findings")
	a := mustTime(t, "2026-11-25 10:00:00")
	for _, v := range zombies {
		used := busy(t, s, v, a, a.Add(24*time.Hour)) / (24 * 3600 * float64(v.cpus))
		assert.Less(t, used, 0.02, "%s busy share", v.Name)
	}
}

func BenchmarkRenderVM(b *testing.B) {
	s, err := New(Options{Seed: 1})
	require.NoError(b, err)
	for _, prof := range []string{"web", "db"} {
		v := vmsOf(s, prof, 1)[0]
		b.Run(prof+"/"+v.Spec, func(b *testing.B) {
			buf := make([]byte, 0, 16<<10)
			t0 := float64(mustTime(b, "2026-11-25 10:00:00").Unix())
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				buf = s.render(buf[:0], v, t0+float64(i%1000)*30)
			}
			b.ReportMetric(float64(len(buf)), "bytes/body")
		})
	}
}

// BenchmarkScrapeAll is one 30 s round of the reference estate over loopback
// HTTP: 3,000 agents (all forced online), 16 at a time.
func BenchmarkScrapeAll(b *testing.B) {
	s := startSim(b, Options{Seed: 1})
	for _, v := range s.est.vms {
		require.NoError(b, s.Force(v.Name, "online", ""))
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}
	b.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	urls := make(chan string)
	for b.Loop() {
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for u := range urls {
					resp, err := c.Get(u)
					if err != nil {
						b.Error(err)
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
		for _, v := range s.est.vms {
			urls <- "http://" + s.Addr() + "/vm/" + v.Name + "/metrics"
		}
		close(urls)
		wg.Wait()
		urls = make(chan string)
	}
}
