package restprofile

import (
	"github.com/swanwatch/swanwatch/collectors"
)

// emitter drops labels the target already carries (the runner adds them,
// and a series may not give a label twice) and empty ones.
type emitter struct {
	emit   collectors.Emit
	target map[string]string
	buf    []string
}

func (e *emitter) put(metric string, v float64, labels ...string) {
	e.buf = e.buf[:0]
	for i := 0; i+1 < len(labels); i += 2 {
		if e.target[labels[i]] == "" && labels[i+1] != "" {
			e.buf = append(e.buf, labels[i], labels[i+1])
		}
	}
	e.emit(metric, v, e.buf...)
}

// Series per field (docs/cloud.md, Hypervisors).
var (
	hostSeries = map[string]string{
		"up": "hypervisor_host_up", "maintenance": "hypervisor_host_maintenance",
		"health": "hypervisor_host_health", "cpu_capacity_hz": "hypervisor_host_cpu_capacity_hz",
		"cpu_used_hz": "hypervisor_host_cpu_used_hz", "memory_capacity_bytes": "hypervisor_host_memory_capacity_bytes",
		"memory_used_bytes": "hypervisor_host_memory_used_bytes",
	}
	vmSeries = map[string]string{
		"running": "hypervisor_vm_running", "vcpus": "hypervisor_vm_vcpus", "memory_bytes": "hypervisor_vm_memory_bytes",
		"cpu_usage_ratio": "hypervisor_vm_cpu_usage_ratio", "memory_used_bytes": "hypervisor_vm_memory_used_bytes",
	}
	dsSeries = map[string]string{
		"capacity_bytes": "hypervisor_datastore_capacity_bytes", "free_bytes": "hypervisor_datastore_free_bytes",
	}
)

func (d *Driver) emit(r *round, emit collectors.Emit) {
	e := &emitter{emit: emit, target: d.target.Labels}
	running := map[string]float64{}
	for _, h := range r.hosts {
		n, c := h.labels["name"], h.labels["cluster"]
		e.put("hypervisor_host_info", 1, "host", n, "cluster", c, "version", h.labels["version"])
		for k, v := range h.values {
			switch k {
			case "maintenance", "health":
				e.put(hostSeries[k], v, "host", n)
			default:
				e.put(hostSeries[k], v, "host", n, "cluster", c)
			}
		}
	}
	for _, vm := range r.vms {
		host := vm.labels["host"]
		e.put("hypervisor_vm_info", 1, "vm", vm.labels["name"], "host", host, "cluster", vm.labels["cluster"],
			"uuid", vm.labels["uuid"])
		for k, v := range vm.values {
			e.put(vmSeries[k], v, "vm", vm.labels["name"])
		}
		if v, ok := vm.values["running"]; ok && v == 1 && host != "" {
			running[host]++
		}
	}
	if d.c.prof.VMs != nil && d.c.prof.VMs.Fields["running"] != nil {
		for _, h := range r.hosts {
			e.put("hypervisor_host_vms_running", running[h.labels["name"]], "host", h.labels["name"])
		}
	}
	for _, s := range r.stores {
		for k, v := range s.values {
			e.put(dsSeries[k], v, "datastore", s.labels["name"], "datacenter", s.labels["datacenter"])
		}
	}
}
