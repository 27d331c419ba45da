package vsphere

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/simulator"
)

// TestSeries reads the default VPX model (a datacenter, a cluster of three
// hosts, a standalone host, VMs, a datastore) and checks every series of
// docs/cloud.md that vcsim can give, with sane values and labels.
func TestSeries(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	rec, _ := collect(t, d)
	series := rec.Series()
	count := func(prefix string) int {
		n := 0
		for _, s := range series {
			if strings.HasPrefix(s, prefix+"{") {
				n++
			}
		}
		return n
	}
	hosts, vms := len(vc.all("HostSystem")), len(vc.all("VirtualMachine"))
	require.Positive(t, hosts)
	for _, name := range []string{"hypervisor_host_info", "hypervisor_host_up", "hypervisor_host_maintenance",
		"hypervisor_host_health", "hypervisor_host_cpu_capacity_hz", "hypervisor_host_cpu_used_hz",
		"hypervisor_host_memory_capacity_bytes", "hypervisor_host_memory_used_bytes", "hypervisor_host_vms_running"} {
		assert.Equal(t, hosts, count(name), name)
	}
	for _, name := range []string{"hypervisor_vm_info", "hypervisor_vm_running", "hypervisor_vm_vcpus",
		"hypervisor_vm_memory_bytes", "hypervisor_vm_cpu_usage_ratio", "hypervisor_vm_cpu_ready_ratio",
		"hypervisor_vm_memory_used_bytes", "hypervisor_vm_disk_write_bytes_per_second",
		"hypervisor_vm_network_receive_bytes_per_second", "hypervisor_vm_network_transmit_bytes_per_second"} {
		assert.Equal(t, vms, count(name), name)
	}
	// vcsim records no datastore latency or IOPS and mostly zero VM disk
	// reads (which its XML then drops): those are checked by TestConversions.
	for _, name := range []string{"hypervisor_datastore_capacity_bytes", "hypervisor_datastore_free_bytes"} {
		assert.Equal(t, len(vc.all("Datastore")), count(name), name)
	}
	for _, key := range series {
		v, _ := rec.Value(key)
		name := key[:strings.IndexByte(key, '{')]
		switch {
		case strings.HasSuffix(name, "_ratio"):
			assert.True(t, v >= 0 && v <= 1, "%s = %v is a ratio", key, v)
		case name == "hypervisor_host_up", name == "hypervisor_vm_running", strings.HasSuffix(name, "_info"):
			assert.Equal(t, 1.0, v, key)
		case strings.HasSuffix(name, "_bytes") || strings.HasSuffix(name, "_hz"):
			assert.Positive(t, v, key)
		}
	}
	// vm_info names the host the simulator has the VM on, and its cluster.
	for _, e := range vc.all("VirtualMachine") {
		v := e.(*simulator.VirtualMachine)
		h := vc.sctx().Map.Get(*v.Runtime.Host).(*simulator.HostSystem)
		found := false
		for _, key := range series {
			if strings.HasPrefix(key, "hypervisor_vm_info{") && strings.Contains(key, `vm="`+v.Name+`"`) {
				found = true
				assert.Contains(t, key, `host="`+h.Name+`"`)
				assert.Contains(t, key, `uuid="`+v.Config.Uuid+`"`)
			}
		}
		assert.True(t, found, v.Name)
	}
	used, _ := rec.Value(`hypervisor_vm_memory_used_bytes{vm="DC0_H0_VM0"}`)
	size, _ := rec.Value(`hypervisor_vm_memory_bytes{vm="DC0_H0_VM0"}`)
	assert.Greater(t, used, 1e6, "KB converted to bytes")
	assert.Positive(t, size)
}
