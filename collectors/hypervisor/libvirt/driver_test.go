package libvirt

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

const gib = 1 << 30

func TestSeriesAgainstLibvirtd(t *testing.T) {
	p := testpeer.Libvirtd(t, testpeer.DefaultLibvirtNode())
	d := openDriver(t, peerTarget(p))
	rec, ev, err := collect(t, d)
	require.NoError(t, err)
	assert.Empty(t, ev, "the first round only sets the baseline")
	host, _ := os.Hostname()
	h := `host="` + host + `"`

	assert.Equal(t, 1.0, value(t, rec, `hypervisor_host_info{`+h+`,version="TEST 0.0.2"}`))
	assert.Equal(t, 1.0, value(t, rec, `hypervisor_host_up{`+h+`}`))
	assert.Equal(t, 16*2400e6, value(t, rec, `hypervisor_host_cpu_capacity_hz{`+h+`}`))
	assert.Equal(t, float64(64*gib), value(t, rec, `hypervisor_host_memory_capacity_bytes{`+h+`}`))
	assert.Equal(t, 1.0, value(t, rec, `hypervisor_host_vms_running{`+h+`}`))
	// the test driver has no node memory stats: the active domains' memory stands in
	assert.Equal(t, float64(12*gib), value(t, rec, `hypervisor_host_memory_used_bytes{`+h+`}`))

	assert.Equal(t, 1.0, value(t, rec, `hypervisor_vm_info{`+h+`,uuid="6b0c5a52-1d6e-4c1a-9a57-000000000001",vm="gov-web-01",vm_dept="大数据局",vm_system="门户网站"}`))
	for vm, want := range map[string]float64{"gov-web-01": 1, "gov-db-01": 0, "park-nvr-01": 0} {
		assert.Equal(t, want, value(t, rec, `hypervisor_vm_running{vm="`+vm+`"}`), vm)
	}
	for vm, want := range map[string][2]float64{"gov-web-01": {4, 4 * gib}, "gov-db-01": {8, 8 * gib}, "park-nvr-01": {2, 2 * gib}} {
		assert.Equal(t, want[0], value(t, rec, `hypervisor_vm_vcpus{vm="`+vm+`"}`), vm)
		assert.Equal(t, want[1], value(t, rec, `hypervisor_vm_memory_bytes{vm="`+vm+`"}`), vm)
	}
	// RSS from DomainMemoryStats (the test driver says half the memory), active domains only
	assert.Equal(t, float64(2*gib), value(t, rec, `hypervisor_vm_memory_used_bytes{vm="gov-web-01"}`))
	assert.Equal(t, float64(4*gib), value(t, rec, `hypervisor_vm_memory_used_bytes{vm="gov-db-01"}`))
	assert.Equal(t, float64(100*gib), value(t, rec, `hypervisor_datastore_capacity_bytes{datastore="vmstore"}`))
	assert.Equal(t, float64(70*gib), value(t, rec, `hypervisor_datastore_free_bytes{datastore="vmstore"}`))

	series := strings.Join(rec.Series(), "\n")
	assert.Contains(t, series, `vm_system="人口库"`, "system and dept from the title when there is no metadata")
	assert.NotContains(t, series, "per_second", "no rate in the first round")
	assert.NotContains(t, series, "cpu_usage_ratio", "no rate in the first round")
	assert.NotContains(t, series, `memory_used_bytes{vm="park-nvr-01"}`)
	assert.NotContains(t, series, "cluster=", "the target's cluster label is the runner's to add")
}

func TestRatesAfterTwoRounds(t *testing.T) {
	p := testpeer.Libvirtd(t, testpeer.DefaultLibvirtNode())
	d := openDriver(t, peerTarget(p))
	_, _, err := collect(t, d)
	require.NoError(t, err)
	time.Sleep(2 * time.Second)
	rec, ev, err := collect(t, d)
	require.NoError(t, err)
	assert.Empty(t, ev, "no state changed")

	// The test driver derives its counters from the wall clock: CPU time
	// runs at 1 s/s whatever the vCPUs, each disk reads 50 kB/s and writes
	// 25 kB/s, each NIC receives 100 kB/s and sends 50 kB/s.
	approx := func(key string, want float64) {
		t.Helper()
		assert.InEpsilon(t, want, value(t, rec, key), 0.1, key)
	}
	approx(`hypervisor_vm_cpu_usage_ratio{vm="gov-web-01"}`, 1.0/4)
	approx(`hypervisor_vm_disk_read_bytes_per_second{vm="gov-web-01"}`, 2*50000)
	approx(`hypervisor_vm_disk_write_bytes_per_second{vm="gov-web-01"}`, 2*25000)
	approx(`hypervisor_vm_network_receive_bytes_per_second{vm="gov-web-01"}`, 100000)
	approx(`hypervisor_vm_network_transmit_bytes_per_second{vm="gov-web-01"}`, 50000)
	series := strings.Join(rec.Series(), "\n")
	// the test driver's node CPU counters are constants: no busy share, no series
	assert.NotContains(t, series, "hypervisor_host_cpu_used_hz")
	assert.NotContains(t, series, `ratio{vm="park-nvr-01"}`, "a shut-off VM has no counters")
	assert.NotContains(t, series, "disk_latency", "the test driver gives no request times")
}

func TestLibvirtdKilledAndRestarted(t *testing.T) {
	p := testpeer.Libvirtd(t, testpeer.DefaultLibvirtNode())
	d := openDriver(t, peerTarget(p))
	_, _, err := collect(t, d)
	require.NoError(t, err)

	p.Kill()
	_, ev, err := collect(t, d)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection to libvirtd lost")
	assert.ErrorIs(t, err, ErrLost)
	failed := eventsNamed(ev, "host_failed")
	require.Len(t, failed, 1)
	assert.Equal(t, "kvm-cluster-1", failed[0].Labels["cluster"])
	assert.NotEmpty(t, failed[0].Labels["host"])

	_, ev, err = collect(t, d)
	require.Error(t, err, "libvirtd is still down")
	assert.ErrorIs(t, err, ErrRefused)
	assert.Empty(t, ev, "host_failed once per outage")

	p.Restart(t)
	rec, ev, err := collect(t, d)
	require.NoError(t, err)
	assert.Len(t, eventsNamed(ev, "host_recovered"), 1)
	assert.Equal(t, 1.0, value(t, rec, `hypervisor_vm_running{vm="gov-web-01"}`))
}

// TestFrozenLibvirtdCutAtDeadline: a daemon that stops answering (SIGSTOP)
// costs the round its deadline, not more; once it answers again, so does
// the driver.
func TestFrozenLibvirtdCutAtDeadline(t *testing.T) {
	p := testpeer.Libvirtd(t, testpeer.DefaultLibvirtNode())
	d := openDriver(t, peerTarget(p))
	_, _, err := collect(t, d)
	require.NoError(t, err)

	require.NoError(t, syscall.Kill(p.Pid(), syscall.SIGSTOP))
	t.Cleanup(func() { _ = syscall.Kill(p.Pid(), syscall.SIGCONT) })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	ev, err := d.Collect(ctx, func(string, float64, ...string) {})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "round cut short")
	assert.ErrorIs(t, err, ErrTimeout)
	assert.Less(t, time.Since(start), 1500*time.Millisecond)
	assert.Empty(t, eventsNamed(ev, "host_failed"), "a slow round is not a lost host")

	require.NoError(t, syscall.Kill(p.Pid(), syscall.SIGCONT))
	rec, _, err := collect(t, d)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `hypervisor_vm_running{vm="gov-web-01"}`))
}
