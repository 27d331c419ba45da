package libvirt

import (
	"github.com/swanwatch/swanwatch/collectors"
)

// emitter drops labels the target already carries (`cluster`, maybe
// `system` on a host dedicated to one system): the runner adds those, and a
// series may not give a label twice.
type emitter struct {
	emit   collectors.Emit
	target map[string]string
	buf    []string
}

func (e *emitter) put(metric string, v float64, labels ...string) {
	e.buf = e.buf[:0]
	for i := 0; i+1 < len(labels); i += 2 {
		if e.target[labels[i]] == "" {
			e.buf = append(e.buf, labels[i], labels[i+1])
		}
	}
	e.emit(metric, v, e.buf...)
}

// emit writes the round's series (docs/cloud.md, Hypervisors).
func (d *Driver) emit(r *round, emit collectors.Emit) {
	e := &emitter{emit: emit, target: d.target.Labels}
	h := r.host
	e.put("hypervisor_host_info", 1, "host", h.name, "version", h.version)
	e.put("hypervisor_host_up", 1, "host", h.name)
	e.put("hypervisor_host_cpu_capacity_hz", float64(h.cpus)*float64(h.mhz)*1e6, "host", h.name)
	if used, ok := d.hostCPUUsed(h); ok {
		e.put("hypervisor_host_cpu_used_hz", used, "host", h.name)
	}
	e.put("hypervisor_host_memory_capacity_bytes", float64(h.memKiB)*1024, "host", h.name)
	e.put("hypervisor_host_memory_used_bytes", float64(h.usedKiB)*1024, "host", h.name)
	running := 0
	for _, dm := range r.doms {
		if dm.running() {
			running++
		}
		d.emitVM(e, h.name, dm)
	}
	e.put("hypervisor_host_vms_running", float64(running), "host", h.name)
	for _, p := range r.pools {
		e.put("hypervisor_datastore_capacity_bytes", float64(p.capacity), "datastore", p.name)
		e.put("hypervisor_datastore_free_bytes", float64(p.avail), "datastore", p.name)
	}
}

// hostCPUUsed is the busy share of the node's CPU time since the previous
// round, times its capacity.
func (d *Driver) hostCPUUsed(h hostInfo) (float64, bool) {
	if d.last == nil || !h.hasCPU || !d.last.host.hasCPU {
		return 0, false
	}
	p := d.last.host
	if h.allNs <= p.allNs || h.busyNs < p.busyNs {
		return 0, false
	}
	share := float64(h.busyNs-p.busyNs) / float64(h.allNs-p.allNs)
	return share * float64(h.cpus) * float64(h.mhz) * 1e6, true
}

func (d *Driver) emitVM(e *emitter, host string, dm *domain) {
	e.put("hypervisor_vm_info", 1, "vm", dm.name, "host", host, "uuid", dm.uuid,
		"vm_system", dm.desc.system, "vm_dept", dm.desc.dept)
	e.put("hypervisor_vm_running", b2f(dm.running()), "vm", dm.name)
	e.put("hypervisor_vm_vcpus", float64(dm.vcpus), "vm", dm.name)
	e.put("hypervisor_vm_memory_bytes", float64(dm.maxMemKiB)*1024, "vm", dm.name)
	if !dm.active() {
		return
	}
	if dm.hasRSS {
		e.put("hypervisor_vm_memory_used_bytes", float64(dm.rssKiB)*1024, "vm", dm.name)
	}
	if d.last == nil {
		return
	}
	prev := d.last.find(dm.uuid)
	if prev == nil || prev.id != dm.id || !prev.active() {
		return // new, or restarted: its counters began again
	}
	rt := rates(prev, dm)
	for _, s := range rt {
		e.put(s.metric, s.value, "vm", dm.name)
	}
}

func (r *round) find(uuid string) *domain {
	for _, dm := range r.doms {
		if dm.uuid == uuid {
			return dm
		}
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
