package libvirt

import (
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/swanwatch/swanwatch/collectors"
)

// stateNames are libvirt's names of virDomainState, for event_type_id.
var stateNames = map[int32]string{
	0: "VIR_DOMAIN_NOSTATE", 1: "VIR_DOMAIN_RUNNING", 2: "VIR_DOMAIN_BLOCKED", 3: "VIR_DOMAIN_PAUSED",
	4: "VIR_DOMAIN_SHUTDOWN", 5: "VIR_DOMAIN_SHUTOFF", 6: "VIR_DOMAIN_CRASHED", 7: "VIR_DOMAIN_PMSUSPENDED",
}

// stateEvents compares the round with the previous one: a VM that began
// running is vm_started, one that stopped running (shut off, paused,
// crashed or undefined) is vm_stopped. The first round only sets the
// baseline; after a reconnect the comparison covers the outage.
func (d *Driver) stateEvents(r *round) []collectors.Event {
	if d.last == nil {
		return nil
	}
	now := time.Now()
	var out []collectors.Event
	for _, dm := range r.doms {
		prev := d.last.find(dm.uuid)
		wasRunning := prev != nil && prev.running()
		switch {
		case dm.running() && !wasRunning:
			out = append(out, d.vmEvent("vm_started", dm, now, "云服务器已启动"))
		case !dm.running() && wasRunning:
			out = append(out, d.vmEvent("vm_stopped", dm, now, "云服务器已停止"))
		}
	}
	for _, prev := range d.last.doms {
		if prev.running() && r.find(prev.uuid) == nil {
			gone := *prev
			gone.state = -1
			out = append(out, d.vmEvent("vm_stopped", &gone, now, "云服务器已删除"))
		}
	}
	return out
}

func (d *Driver) vmEvent(event string, dm *domain, at time.Time, text string) collectors.Event {
	ev := d.hostEvent(event, text+": "+dm.name, at)
	ev.Labels["vm"] = dm.name
	ev.Labels["event_type_id"] = stateName(dm.state)
	return ev
}

func stateName(s int32) string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	if s < 0 {
		return "VIR_DOMAIN_EVENT_UNDEFINED"
	}
	return golibvirt.DomainState(s).String()
}

// hostEvent is an event about the target's host (docs/cloud.md,
// Hypervisor events).
func (d *Driver) hostEvent(event, text string, at time.Time) collectors.Event {
	labels := map[string]string{"source": "hypervisor", "instance": d.target.Name, "event": event,
		"host": d.hostNm, "event_type_id": "libvirt.connection"}
	if c := d.target.Labels["cluster"]; c != "" {
		labels["cluster"] = c
	}
	return collectors.Event{Time: at, Labels: labels, Text: text}
}
