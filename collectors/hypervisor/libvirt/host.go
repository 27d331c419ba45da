package libvirt

import "fmt"

// hostInfo is what one round read of the host itself.
type hostInfo struct {
	name, version string
	cpus, mhz     int32
	memKiB        uint64
	busyNs, allNs uint64 // node CPU time counters (all CPUs)
	hasCPU        bool
	usedKiB       uint64
	hasUsed       bool
}

func (d *Driver) readHost() (hostInfo, error) {
	var h hostInfo
	var err error
	if h.name, err = d.lv.ConnectGetHostname(); err != nil {
		return h, fmt.Errorf("host name: %w", err)
	}
	d.hostNm = h.name
	if _, h.memKiB, h.cpus, h.mhz, _, _, _, _, err = d.lv.NodeGetInfo(); err != nil {
		return h, fmt.Errorf("node info: %w", err)
	}
	typ, err := d.lv.ConnectGetType()
	if err != nil {
		return h, fmt.Errorf("hypervisor type: %w", err)
	}
	ver, err := d.lv.ConnectGetVersion()
	if err != nil {
		return h, fmt.Errorf("hypervisor version: %w", err)
	}
	h.version = fmt.Sprintf("%s %d.%d.%d", typ, ver/1000000, ver/1000%1000, ver%1000)
	d.nodeCPU(&h)
	d.nodeMemory(&h)
	return h, nil
}

// nodeCPU reads the host's CPU time counters; a daemon without them
// leaves hypervisor_host_cpu_used_hz out.
func (d *Driver) nodeCPU(h *hostInfo) {
	stats, _, err := d.lv.NodeGetCPUStats(-1, 4, 0)
	if err != nil {
		return
	}
	for _, s := range stats {
		switch s.Field {
		case "kernel", "user":
			h.busyNs += s.Value
		case "idle", "iowait":
		default:
			continue
		}
		h.allNs += s.Value
	}
	h.hasCPU = h.allNs > 0
}

// nodeMemory reads used memory as total - free - buffers - cached; the
// test driver lacks it, then the sum of the active domains' memory stands in.
func (d *Driver) nodeMemory(h *hostInfo) {
	stats, _, err := d.lv.NodeGetMemoryStats(4, -1, 0)
	if err != nil {
		return
	}
	var total, free uint64
	for _, s := range stats {
		switch s.Field {
		case "total":
			total = s.Value
		case "free", "buffers", "cached":
			free += s.Value
		}
	}
	if total > 0 && total >= free {
		h.usedKiB, h.hasUsed = total-free, true
	}
}

func activeMemory(doms []*domain) uint64 {
	var kib uint64
	for _, dm := range doms {
		if dm.active() {
			kib += dm.curMemKiB
		}
	}
	return kib
}
