package sla

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/storage"
)

// The usage fixture: node_exporter series of a few agents, one round a
// minute, from 22:00 CST the day before the accounted day to 02:00 CST the
// day after, written into a real embedded TSDB as the agent collector's
// Runner writes them. 2026-11-10 CST is [2026-11-09 16:00 UTC,
// 2026-11-10 16:00 UTC): both UTC dates hold samples of it.
const usageDate = "2026-11-10"

var (
	usageGenFrom = cstAt("2026-11-09 22:00")
	usageGenTo   = cstAt("2026-11-11 02:00")
)

// gib is a power of two, so that size × (1 − k/1024) and back are exact.
const gib = 1 << 30

// usageFS is one mounted filesystem with its used ratio over time.
type usageFS struct {
	mount, fstype string
	used          func(t time.Time) float64
}

// usageVM is one agent of the fixture. CPU c's busy fraction changes only
// on 5-minute boundaries, so each interval's true busy ratio is the mean
// over the CPUs of busy(c, interval start) (every CPU runs 1 s per second).
type usageVM struct {
	name    string
	offset  time.Duration // the second of the minute it is scraped at
	cpus    int
	summed  bool // per-mode sums over the CPUs, as collectors/agent stores by default
	busy    func(c int, t time.Time) float64
	reset   time.Time // a reboot: every counter restarts from 0 then
	memUsed func(t time.Time) float64
	fs      []usageFS
	present func(t time.Time) bool // nil: a sample every minute
	stale   time.Time              // a stale marker round (the target vanished)
	moved   time.Time              // the inventory moves it to another system then
}

func (v usageVM) has(t time.Time) bool { return v.present == nil || v.present(t) }

// cpuModes of the fixture: idle plus two busy modes sharing the busy time.
var usageModes = []struct {
	name  string
	share float64 // of busy time; idle takes 1 − busy
}{{"idle", 0}, {"system", 0.3}, {"user", 0.7}}

// counters integrates the CPU seconds second by second from t0 to t1.
type counters struct {
	v    [][]float64 // [cpu][mode]
	last time.Time
}

func (c *counters) advance(vm usageVM, to time.Time) {
	for s := c.last; s.Before(to); s = s.Add(time.Second) {
		if s.Equal(vm.reset) {
			for i := range c.v {
				clear(c.v[i])
			}
		}
		for cpu := range c.v {
			b := vm.busy(cpu, s)
			c.v[cpu][0] += 1 - b
			for m := 1; m < len(usageModes); m++ {
				c.v[cpu][m] += b * usageModes[m].share
			}
		}
	}
	c.last = to
}

// round is the agent's samples at t.
func (vm usageVM) round(c *counters, t time.Time) []collectors.Sample {
	c.advance(vm, t)
	var out []collectors.Sample
	add := func(name string, v float64, kv ...string) {
		if t.Equal(vm.stale) {
			v = collectors.StaleNaN
		}
		out = append(out, collectors.Sample{Labels: vm.labels(t, name, kv...), Value: v})
	}
	for m, mode := range usageModes {
		sum := 0.0
		for cpu := range c.v {
			sum += c.v[cpu][m]
			if !vm.summed {
				add(metricCPU, c.v[cpu][m], "cpu", strconv.Itoa(cpu), "mode", mode.name)
			}
		}
		if vm.summed {
			add(metricCPU, sum, "mode", mode.name)
		}
	}
	add(metricMemTotal, 8*gib)
	add(metricMemAvail, 8*gib*(1-vm.memUsed(t)))
	for i, f := range vm.fs {
		kv := []string{"device", fmt.Sprintf("/dev/vd%c", 'a'+i), "fstype", f.fstype, "mountpoint", f.mount}
		add(metricFSSize, 64*gib, kv...)
		add(metricFSAvail, 64*gib*(1-f.used(t)), kv...)
	}
	return out
}

// labels are the target's labels as the Runner adds them, plus the series'.
func (vm usageVM) labels(t time.Time, name string, kv ...string) []collectors.Label {
	system := "不动产登记系统"
	if !vm.moved.IsZero() && !t.Before(vm.moved) {
		system = "公积金管理系统"
	}
	ls := []collectors.Label{{Name: "__name__", Value: name}}
	for i := 0; i < len(kv); i += 2 {
		ls = append(ls, collectors.Label{Name: kv[i], Value: kv[i+1]})
	}
	ls = append(ls, collectors.Label{Name: "district", Value: "陕州区"},
		collectors.Label{Name: "instance", Value: vm.name}, collectors.Label{Name: "kind", Value: "agent"},
		collectors.Label{Name: "site", Value: "政务云主中心"}, collectors.Label{Name: "system", Value: system})
	slices.SortFunc(ls, func(a, b collectors.Label) int { return strings.Compare(a.Name, b.Name) })
	return ls
}

// sampleTimes are the times the agent is scraped at in [from, to).
func (vm usageVM) sampleTimes(from, to time.Time) []time.Time {
	var out []time.Time
	for t := from.Truncate(time.Minute).Add(vm.offset); t.Before(to); t = t.Add(time.Minute) {
		if !t.Before(from) && vm.has(t) {
			out = append(out, t)
		}
	}
	return out
}

// buildUsageTSDB writes the fixture's rounds, in time order, into a real TSDB.
func buildUsageTSDB(t testing.TB, vms []usageVM) *storage.Storage {
	t.Helper()
	s, err := storage.Open(storage.Options{Dir: t.TempDir(), Retention: 365 * 24 * time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	state := make([]counters, len(vms))
	for i, vm := range vms {
		state[i] = counters{v: make([][]float64, vm.cpus), last: usageGenFrom.Add(-time.Hour)}
		for c := range state[i].v {
			state[i].v[c] = []float64{100_000, 2_000, 5_000} // counted since an earlier boot
		}
	}
	for m := usageGenFrom; m.Before(usageGenTo); m = m.Add(time.Minute) {
		for i, vm := range vms {
			if ts := m.Add(vm.offset); vm.has(ts) {
				require.NoError(t, s.Append(context.Background(), ts, vm.round(&state[i], ts)))
			}
		}
	}
	return s
}

// hourOf is t's hour of the day in CST.
func hourOf(t time.Time) int { return t.In(cstAt("2026-11-10 00:00").Location()).Hour() }

func constant(v float64) func(time.Time) float64 { return func(time.Time) float64 { return v } }

func constBusy(b ...float64) func(int, time.Time) float64 {
	return func(c int, _ time.Time) float64 { return b[c] }
}

func between(from, to string) func(time.Time) bool {
	return func(t time.Time) bool { return !t.Before(cstAt(from)) && t.Before(cstAt(to)) }
}

func notBetween(from, to string) func(time.Time) bool {
	in := between(from, to)
	return func(t time.Time) bool { return !in(t) }
}

// minutesSince is whole minutes from the fixture's start: a step function
// that changes on 5-minute boundaries when divided by 5.
func minutesSince(t time.Time) int { return int(t.Sub(usageGenFrom) / time.Minute) }
