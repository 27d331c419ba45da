package vsphere

import (
	"github.com/vmware/govmomi/vim25/types"

	"github.com/swanwatch/swanwatch/collectors"
)

// Unit conversions: vCenter's percent counters are in hundredths, sizes in
// KB (KiB), rates in KBps, latencies in ms.
const (
	hundredthsPercent = 10000.0
	kib               = 1024.0
	mib               = 1024.0 * 1024.0
	msPerSecond       = 1000.0
)

func health(status string) float64 {
	switch types.ManagedEntityStatus(status) {
	case types.ManagedEntityStatusGreen:
		return 0
	case types.ManagedEntityStatusYellow:
		return 1
	case types.ManagedEntityStatusRed:
		return 2
	}
	return -1
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// emit writes the series of docs/cloud.md's hypervisor table.
func (r *round) emit(emit collectors.Emit) {
	running := map[string]int{}
	for _, v := range r.inv.vms {
		if v.power == string(types.VirtualMachinePowerStatePoweredOn) {
			running[v.host]++
		}
	}
	seen := map[string]bool{} // names are unique per folder only: first one wins
	for _, h := range sortedHosts(r.inv) {
		if h.name == "" || seen["h"+h.name] {
			continue
		}
		seen["h"+h.name] = true
		r.emitHost(emit, h, running[h.ref])
	}
	for _, v := range sortedVMs(r.inv) {
		if v.name == "" || seen["v"+v.name] {
			continue
		}
		seen["v"+v.name] = true
		r.emitVM(emit, v)
	}
	for _, ds := range sortedDatastores(r.inv) {
		if ds.name == "" || seen["d"+ds.name] {
			continue
		}
		seen["d"+ds.name] = true
		r.emitDatastore(emit, ds)
	}
	r.inv.eachAlarm(func(typ, entity string, a types.AlarmState) {
		status := string(a.OverallStatus)
		if status != "yellow" && status != "red" {
			return
		}
		name := r.inv.alarmNames[keyOf(a.Alarm)]
		k := "a" + typ + "\x00" + entity + "\x00" + name + "\x00" + status
		if seen[k] {
			return
		}
		seen[k] = true
		emit("hypervisor_alarm", 1, "entity", entity, "entity_type", typ, "alarm", name, "status", status)
	})
}

func (r *round) emitHost(emit collectors.Emit, h *host, running int) {
	cluster := r.inv.clusterOf(h)
	emit("hypervisor_host_info", 1, "host", h.name, "cluster", cluster,
		"datacenter", r.inv.datacenterOf(h.parent), "version", h.version)
	up := h.conn == string(types.HostSystemConnectionStateConnected) && h.power == string(types.HostSystemPowerStatePoweredOn)
	emit("hypervisor_host_up", b2f(up), "host", h.name, "cluster", cluster)
	emit("hypervisor_host_maintenance", b2f(h.maintenance), "host", h.name)
	emit("hypervisor_host_health", health(h.status), "host", h.name)
	emit("hypervisor_host_vms_running", float64(running), "host", h.name)
	if h.cpuMhz > 0 {
		emit("hypervisor_host_cpu_capacity_hz", float64(h.cpuMhz*h.cores)*1e6, "host", h.name, "cluster", cluster)
	}
	if h.memBytes > 0 {
		emit("hypervisor_host_memory_capacity_bytes", float64(h.memBytes), "host", h.name, "cluster", cluster)
	}
	if !up {
		return // a host that does not answer has no current usage
	}
	if v, ok := r.rt.get(h.ref, cCPUUsageMHz); ok {
		emit("hypervisor_host_cpu_used_hz", v*1e6, "host", h.name, "cluster", cluster)
	} else {
		emit("hypervisor_host_cpu_used_hz", float64(h.quickCPUMhz)*1e6, "host", h.name, "cluster", cluster)
	}
	if v, ok := r.rt.get(h.ref, cMemConsumed); ok {
		emit("hypervisor_host_memory_used_bytes", v*kib, "host", h.name, "cluster", cluster)
	} else {
		emit("hypervisor_host_memory_used_bytes", float64(h.quickMemMB)*mib, "host", h.name, "cluster", cluster)
	}
}

func (r *round) emitVM(emit collectors.Emit, v *vm) {
	h := r.inv.hosts[v.host]
	var hostName, cluster string
	if h != nil {
		hostName, cluster = h.name, r.inv.clusterOf(h)
	}
	emit("hypervisor_vm_info", 1, "vm", v.name, "host", hostName, "cluster", cluster, "uuid", v.uuid,
		"vm_system", r.system[v.ref], "vm_dept", r.dept[v.ref])
	on := v.power == string(types.VirtualMachinePowerStatePoweredOn)
	emit("hypervisor_vm_running", b2f(on), "vm", v.name)
	emit("hypervisor_vm_vcpus", float64(v.vcpus), "vm", v.name)
	emit("hypervisor_vm_memory_bytes", float64(v.memMB)*mib, "vm", v.name)
	if !on {
		return
	}
	get := func(c string) (float64, bool) { return r.rt.get(v.ref, c) }
	if x, ok := get(cCPUUsage); ok {
		emit("hypervisor_vm_cpu_usage_ratio", x/hundredthsPercent, "vm", v.name)
	}
	if x, ok := get(cCPUReady); ok && v.vcpus > 0 {
		// ms ready over the 20 s sample, per vCPU
		emit("hypervisor_vm_cpu_ready_ratio", x/(realtimeInterval*msPerSecond)/float64(v.vcpus), "vm", v.name)
	}
	if x, ok := get(cMemConsumed); ok {
		emit("hypervisor_vm_memory_used_bytes", x*kib, "vm", v.name)
	} else if v.consumedMB > 0 {
		emit("hypervisor_vm_memory_used_bytes", float64(v.consumedMB)*mib, "vm", v.name)
	}
	rates := []struct{ counter, series string }{
		{cVDiskRead, "hypervisor_vm_disk_read_bytes_per_second"},
		{cVDiskWrite, "hypervisor_vm_disk_write_bytes_per_second"},
		{cNetRx, "hypervisor_vm_network_receive_bytes_per_second"},
		{cNetTx, "hypervisor_vm_network_transmit_bytes_per_second"},
	}
	for _, m := range rates {
		if x, ok := get(m.counter); ok {
			emit(m.series, x*kib, "vm", v.name)
		}
	}
	if x, ok := get(cDiskMaxLatency); ok {
		emit("hypervisor_vm_disk_latency_seconds", x/msPerSecond, "vm", v.name)
	}
}

func (r *round) emitDatastore(emit collectors.Emit, ds *datastore) {
	emit("hypervisor_datastore_capacity_bytes", float64(ds.capacity), "datastore", ds.name,
		"datacenter", r.inv.datacenterOf(ds.parent))
	emit("hypervisor_datastore_free_bytes", float64(ds.free), "datastore", ds.name,
		"datacenter", r.inv.datacenterOf(ds.parent))
	m := r.ds[ds.ref]
	for _, s := range []struct {
		counter, series string
		scale           float64
	}{
		{cDSRead, "hypervisor_datastore_read_bytes_per_second", kib},
		{cDSWrite, "hypervisor_datastore_write_bytes_per_second", kib},
		{cDSReadIOPS, "hypervisor_datastore_read_iops", 1},
		{cDSWriteIOPS, "hypervisor_datastore_write_iops", 1},
	} {
		if x, ok := m[s.counter]; ok {
			emit(s.series, x*s.scale, "datastore", ds.name)
		}
	}
	// Latency: the worst any connected host sees on this datastore (realtime).
	id := dsInstance(ds)
	for _, s := range []struct{ counter, series string }{
		{cDSReadLatency, "hypervisor_datastore_read_latency_seconds"},
		{cDSWriteLatency, "hypervisor_datastore_write_latency_seconds"},
	} {
		worst, found := 0.0, false
		for _, h := range r.inv.hosts {
			if x, ok := r.rt[h.ref][metricKey{s.counter, id}]; ok {
				worst, found = max(worst, x), true
			}
		}
		if found {
			emit(s.series, worst/msPerSecond, "datastore", ds.name)
		}
	}
}
