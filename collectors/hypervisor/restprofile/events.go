package restprofile

import (
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// events compares this round with the previous one: a VM whose running
// value changed, a host whose up value changed. The platform's own event
// log is not read (no shipped profile documents one we could test), so the
// time is when the change was seen.
func (d *Driver) events(r *round) []collectors.Event {
	if d.last == nil {
		return nil
	}
	now := time.Now()
	var out []collectors.Event
	ev := d.c.prof.Events
	if ev.HostState {
		prev := values(d.last.hosts, "up")
		for _, h := range r.hosts {
			was, seen := prev[h.labels["name"]]
			is, ok := h.values["up"]
			switch {
			case !seen || !ok || was == is:
			case is == 0:
				out = append(out, d.event(now, "host_failed", "host", h.labels["name"], h.labels["cluster"]))
			default:
				out = append(out, d.event(now, "host_recovered", "host", h.labels["name"], h.labels["cluster"]))
			}
		}
	}
	if ev.VMPower {
		prev := values(d.last.vms, "running")
		for _, vm := range r.vms {
			was, seen := prev[vm.labels["name"]]
			is, ok := vm.values["running"]
			switch {
			case !seen || !ok || was == is:
			case is == 0:
				out = append(out, d.vmEvent(now, "vm_stopped", vm))
			default:
				out = append(out, d.vmEvent(now, "vm_started", vm))
			}
		}
	}
	return out
}

func values(objs []object, field string) map[string]float64 {
	m := make(map[string]float64, len(objs))
	for _, o := range objs {
		if v, ok := o.values[field]; ok {
			m[o.labels["name"]] = v
		}
	}
	return m
}

func (d *Driver) event(at time.Time, event, what, name, cluster string) collectors.Event {
	labels := map[string]string{"source": "hypervisor", "instance": d.target.Name, "event": event,
		what: name, "event_type_id": "restprofile." + d.c.prof.Name + ".state"}
	if c := d.target.Labels["cluster"]; c != "" {
		cluster = c
	}
	if cluster != "" {
		labels["cluster"] = cluster
	}
	return collectors.Event{Time: at, Labels: labels, Text: what + " " + name + ": " + event}
}

func (d *Driver) vmEvent(at time.Time, event string, vm object) collectors.Event {
	ev := d.event(at, event, "vm", vm.labels["name"], vm.labels["cluster"])
	if h := vm.labels["host"]; h != "" {
		ev.Labels["host"] = h
	}
	return ev
}
