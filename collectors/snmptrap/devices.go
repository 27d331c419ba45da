package snmptrap

import (
	"maps"
	"net"
	"net/netip"
	"net/url"
	"sync/atomic"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// Devices is the inventory as traps need it: the device at a source address
// (Resolve), and the WAN link an interface is an end of (Label). It is
// swapped whole on every inventory change and read without locks, from the
// receive path and from the event sinks. The zero value resolves nothing.
type Devices struct {
	byAddr atomic.Pointer[map[netip.Addr]device]
	links  atomic.Pointer[map[linkEnd]linkRef]
}

// device is what a trap's source address resolves to.
type device struct {
	name   string
	labels map[string]string
}

// linkEnd is one end of an inventory link: device name and ifName.
type linkEnd struct{ device, ifname string }

// linkRef is the link an interface belongs to.
type linkRef struct{ name, group string }

// Update indexes a new inventory.
func (d *Devices) Update(targets []inventory.Target) {
	m := map[netip.Addr]device{}
	for _, t := range targets {
		if a, ok := targetAddr(t.Address); ok {
			if _, dup := m[a]; !dup || t.Kind == "snmp" { // an SNMP device wins over a probe of the same host
				m[a] = device{name: t.Name, labels: t.AllLabels()}
			}
		}
	}
	d.byAddr.Store(&m)
	ends := map[linkEnd]linkRef{}
	for _, t := range targets {
		if t.Kind != inventory.KindLink {
			continue
		}
		ref := linkRef{name: t.Name, group: t.Params[inventory.ParamGroup]}
		for _, e := range []linkEnd{{t.Params[inventory.ParamADevice], t.Params[inventory.ParamAIfName]},
			{t.Params[inventory.ParamBDevice], t.Params[inventory.ParamBIfName]}} {
			if e.device != "" && e.ifname != "" {
				ends[e] = ref
			}
		}
	}
	d.links.Store(&ends)
}

// Resolve names the inventory device at address a, for Options.Resolve.
func (d *Devices) Resolve(a netip.Addr) (string, map[string]string, bool) {
	m := d.byAddr.Load()
	if m == nil {
		return "", nil, false
	}
	dev, ok := (*m)[a.Unmap()]
	return dev.name, dev.labels, ok
}

// linkOf names the link whose end is the device's interface.
func (d *Devices) linkOf(device, ifname string) (linkRef, bool) {
	m := d.links.Load()
	if m == nil || device == "" || ifname == "" {
		return linkRef{}, false
	}
	ref, ok := (*m)[linkEnd{device, ifname}]
	return ref, ok
}

// Label adds the WAN link and group to an interface event (a trap's or a
// poll's), so that a linkDown is about a link — the node topology
// inhibition knows — and not only about a port. The event's labels are
// copied, never changed in place: the caller's slice is not ours.
func (d *Devices) Label(ev collectors.Event) collectors.Event {
	ref, ok := d.linkOf(ev.Labels["instance"], ev.Labels["ifname"])
	if !ok || ev.Labels["link"] != "" {
		return ev
	}
	labels := make(map[string]string, len(ev.Labels)+2)
	maps.Copy(labels, ev.Labels)
	labels["link"] = ref.name
	if ref.group != "" {
		labels["group"] = ref.group
	}
	ev.Labels = labels
	return ev
}

// targetAddr extracts the IP of "host:port", "host" or a URL; names are not resolved.
func targetAddr(addr string) (netip.Addr, bool) {
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		addr = u.Host
	}
	if h, _, err := net.SplitHostPort(addr); err == nil {
		addr = h
	}
	a, err := netip.ParseAddr(addr)
	return a.Unmap(), err == nil
}
