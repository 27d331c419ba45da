package libvirt

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func reading(at time.Time, cpuNs, rd, rx uint64) *domain {
	return &domain{at: at, vcpus: 2, cpuNs: cpuNs, hasCPU: true, hasNet: true, rx: rx, tx: rx,
		disks: map[string]disk{"vda": {rdBytes: rd, wrBytes: rd, reqs: rd / 1000, timesNs: rd, hasTimes: true}}}
}

func rateMap(rs []rateSample) map[string]float64 {
	m := map[string]float64{}
	for _, r := range rs {
		m[r.metric] = r.value
	}
	return m
}

func TestRates(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	prev := reading(t0, 10e9, 1e6, 5e6)
	cur := reading(t0.Add(10*time.Second), 15e9, 2e6, 6e6)
	m := rateMap(rates(prev, cur))
	assert.InDelta(t, 0.25, m["hypervisor_vm_cpu_usage_ratio"], 1e-9, "5 s of CPU in 10 s on 2 vCPUs")
	assert.InDelta(t, 1e5, m["hypervisor_vm_disk_read_bytes_per_second"], 1e-6)
	assert.InDelta(t, 1e5, m["hypervisor_vm_network_receive_bytes_per_second"], 1e-6)
	// 1000 requests took 1e6 ns in all: 1 µs each
	assert.InDelta(t, 1e-6, m["hypervisor_vm_disk_latency_seconds"], 1e-12)
}

func TestCounterResetGivesNoNegativeRate(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	prev := reading(t0, 10e9, 2e6, 6e6)
	cur := reading(t0.Add(10*time.Second), 1e9, 1e6, 5e6)
	assert.Empty(t, rates(prev, cur))
	assert.Empty(t, rates(cur, cur), "no time passed")
}

func TestHostCPUUsed(t *testing.T) {
	d := &Driver{last: &round{host: hostInfo{cpus: 16, mhz: 2400, busyNs: 100e9, allNs: 1000e9, hasCPU: true}}}
	used, ok := d.hostCPUUsed(hostInfo{cpus: 16, mhz: 2400, busyNs: 125e9, allNs: 1100e9, hasCPU: true})
	assert.True(t, ok)
	assert.InDelta(t, 0.25*16*2400e6, used, 1, "25 of 100 s busy")
	_, ok = d.hostCPUUsed(hostInfo{cpus: 16, mhz: 2400, busyNs: 100e9, allNs: 1000e9, hasCPU: true})
	assert.False(t, ok, "counters that did not move")
	_, ok = d.hostCPUUsed(hostInfo{cpus: 16, mhz: 2400, busyNs: 1e9, allNs: 2000e9, hasCPU: true})
	assert.False(t, ok, "busy counter reset")
}
