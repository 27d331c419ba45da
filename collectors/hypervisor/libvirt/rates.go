package libvirt

type rateSample struct {
	metric string
	value  float64
}

// rates turns two readings of a domain's counters into per-second rates.
// A counter that went down (reset, device replaced) gives no rate rather
// than a negative one.
func rates(prev, cur *domain) []rateSample {
	dt := cur.at.Sub(prev.at).Seconds()
	if dt <= 0 {
		return nil
	}
	var out []rateSample
	if cur.hasCPU && prev.hasCPU && cur.cpuNs >= prev.cpuNs && cur.vcpus > 0 {
		ratio := float64(cur.cpuNs-prev.cpuNs) / 1e9 / dt / float64(cur.vcpus)
		out = append(out, rateSample{"hypervisor_vm_cpu_usage_ratio", ratio})
	}
	out = append(out, diskRates(prev, cur, dt)...)
	if cur.hasNet && prev.hasNet && cur.rx >= prev.rx && cur.tx >= prev.tx {
		out = append(out,
			rateSample{"hypervisor_vm_network_receive_bytes_per_second", float64(cur.rx-prev.rx) / dt},
			rateSample{"hypervisor_vm_network_transmit_bytes_per_second", float64(cur.tx-prev.tx) / dt})
	}
	return out
}

// diskRates sums the disks both readings have; the latency is the worst
// disk's mean time per request over the interval (only where libvirt gives
// request times: the block stats group, not the test driver).
func diskRates(prev, cur *domain, dt float64) []rateSample {
	var rd, wr uint64
	var latency float64
	seen, withTimes := false, false
	for dev, c := range cur.disks {
		p, ok := prev.disks[dev]
		if !ok {
			continue
		}
		if c.rdBytes < p.rdBytes || c.wrBytes < p.wrBytes {
			return nil
		}
		rd, wr, seen = rd+c.rdBytes-p.rdBytes, wr+c.wrBytes-p.wrBytes, true
		if c.hasTimes && p.hasTimes && c.reqs >= p.reqs && c.timesNs >= p.timesNs {
			withTimes = true
			if n := c.reqs - p.reqs; n > 0 {
				latency = max(latency, float64(c.timesNs-p.timesNs)/float64(n)/1e9)
			}
		}
	}
	if !seen {
		return nil
	}
	out := []rateSample{
		{"hypervisor_vm_disk_read_bytes_per_second", float64(rd) / dt},
		{"hypervisor_vm_disk_write_bytes_per_second", float64(wr) / dt},
	}
	if withTimes {
		out = append(out, rateSample{"hypervisor_vm_disk_latency_seconds", latency})
	}
	return out
}
