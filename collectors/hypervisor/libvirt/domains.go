package libvirt

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
)

// statGroups is what one ConnectGetAllDomainStats call asks for. Without
// the enforce flag a daemon leaves out the groups its driver lacks (the
// test driver answers only state) and the per-domain calls fill the gaps.
const statGroups = golibvirt.DomainStatsState | golibvirt.DomainStatsCPUTotal | golibvirt.DomainStatsBalloon |
	golibvirt.DomainStatsVCPU | golibvirt.DomainStatsInterface | golibvirt.DomainStatsBlock

// disk is one disk's counters.
type disk struct {
	rdBytes, wrBytes uint64
	reqs, timesNs    uint64 // read+write requests and their total time (for latency)
	hasTimes         bool
}

// domain is what one round read of one domain.
type domain struct {
	ref        golibvirt.Domain
	name, uuid string
	id         int32
	state      int32 // virDomainState
	vcpus      uint64
	maxMemKiB  uint64
	curMemKiB  uint64
	cpuNs      uint64
	hasCPU     bool
	rssKiB     uint64
	hasRSS     bool
	disks      map[string]disk
	rx, tx     uint64
	hasNet     bool
	at         time.Time // when its counters were read
	desc       *description
}

// running is what hypervisor_vm_running says: running, or blocked (a Xen
// domain waiting on I/O is still up).
func (d *domain) running() bool {
	return d.state == int32(golibvirt.DomainRunning) || d.state == int32(golibvirt.DomainBlocked)
}

// active domains have a process and counters; shut-off and crashed ones have neither.
func (d *domain) active() bool {
	s := golibvirt.DomainState(d.state)
	return s != golibvirt.DomainShutoff && s != golibvirt.DomainCrashed && s != golibvirt.DomainNostate
}

func uuidString(u golibvirt.UUID) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func newDomain(d golibvirt.Domain) *domain {
	return &domain{ref: d, name: d.Name, uuid: uuidString(d.UUID), id: d.ID, state: -1, disks: map[string]disk{}}
}

// fromRecord takes what a GetAllDomainStats record holds.
func (d *domain) fromRecord(params []golibvirt.TypedParam) {
	for _, p := range params {
		v, ok := paramUint(p.Value)
		if !ok {
			continue
		}
		d.setField(p.Field, v)
	}
}

// setField stores one domstats field (virsh(1), domstats).
func (d *domain) setField(field string, v uint64) {
	switch field {
	case "state.state":
		d.state = int32(v)
	case "cpu.time":
		d.cpuNs, d.hasCPU = v, true
	case "vcpu.current":
		d.vcpus = v
	case "balloon.maximum":
		d.maxMemKiB = v
	case "balloon.current":
		d.curMemKiB = v
	case "balloon.rss":
		d.rssKiB, d.hasRSS = v, true
	default:
		d.setDeviceField(field, v)
	}
}

// setDeviceField stores block.<n>.* and net.<n>.* counters.
func (d *domain) setDeviceField(field string, v uint64) {
	group, rest, _ := strings.Cut(field, ".")
	idx, key, ok := strings.Cut(rest, ".")
	if !ok {
		return
	}
	if _, err := strconv.Atoi(idx); err != nil {
		return
	}
	switch group {
	case "block":
		dk := d.disks[idx]
		switch key {
		case "rd.bytes":
			dk.rdBytes = v
		case "wr.bytes":
			dk.wrBytes = v
		case "rd.reqs", "wr.reqs":
			dk.reqs += v
		case "rd.times", "wr.times":
			dk.timesNs += v
			dk.hasTimes = true
		default:
			return
		}
		d.disks[idx] = dk
	case "net":
		switch key {
		case "rx.bytes":
			d.rx += v
		case "tx.bytes":
			d.tx += v
		default:
			return
		}
		d.hasNet = true
	}
}

// paramUint reads a numeric typed parameter.
func paramUint(v golibvirt.TypedParamValue) (uint64, bool) {
	switch x := v.I.(type) {
	case int32:
		return uint64(max(x, 0)), true
	case uint32:
		return uint64(x), true
	case int64:
		return uint64(max(x, 0)), true
	case uint64:
		return x, true
	}
	return 0, false
}
