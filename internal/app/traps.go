package app

import (
	"context"
	"maps"
	"net"
	"net/netip"
	"net/url"
	"sync/atomic"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/rules/eventrules"
)

// device is what a trap's source address resolves to.
type device struct {
	name   string
	labels map[string]string
}

// deviceIndex maps the addresses of inventory targets to their names, so that
// a trap from 10.1.2.3 is labelled with the switch the inventory knows there.
// It is swapped whole on every inventory change and read without locks.
type deviceIndex struct {
	m     atomic.Pointer[map[netip.Addr]device]
	links atomic.Pointer[map[linkEnd]linkRef]
}

// linkEnd is one end of an inventory link: device name and ifName.
type linkEnd struct{ device, ifname string }

// linkRef is the link an interface belongs to.
type linkRef struct{ name, group string }

func (d *deviceIndex) update(targets []inventory.Target) {
	m := map[netip.Addr]device{}
	for _, t := range targets {
		if a, ok := targetAddr(t.Address); ok {
			if _, dup := m[a]; !dup || t.Kind == "snmp" { // an SNMP device wins over a probe of the same host
				m[a] = device{name: t.Name, labels: t.AllLabels()}
			}
		}
	}
	d.m.Store(&m)
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

// linkOf names the link whose end is the device's interface.
func (d *deviceIndex) linkOf(device, ifname string) (linkRef, bool) {
	m := d.links.Load()
	if m == nil || device == "" || ifname == "" {
		return linkRef{}, false
	}
	ref, ok := (*m)[linkEnd{device, ifname}]
	return ref, ok
}

// withLink labels an interface event with its WAN link and group, so that a
// linkDown trap is about a link — the node topology inhibition knows — and
// not only about a port.
func (d *deviceIndex) withLink(ev collectors.Event) collectors.Event {
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

func (d *deviceIndex) resolve(a netip.Addr) (string, map[string]string, bool) {
	m := d.m.Load()
	if m == nil {
		return "", nil, false
	}
	dev, ok := (*m)[a.Unmap()]
	return dev.name, dev.labels, ok
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

// eventSink stores listener events in the event store.
type eventSink struct{ store *logstore.Store }

func (e eventSink) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	out := make([]logstore.Event, len(evs))
	for i, ev := range evs {
		out[i] = logstore.Event{Time: ev.Time, Labels: ev.Labels, Text: ev.Text}
	}
	return e.store.Append(ctx, out...)
}

// teeSink stores events and hands them to the event rules at once, so a trap
// raises its alert without waiting for an evaluation interval.
type teeSink struct {
	store   collectors.EventSink
	rules   *eventrules.Engine
	devices *deviceIndex
}

func (t teeSink) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	labelled := make([]collectors.Event, len(evs)) // the caller's slice is not ours to change
	for i, ev := range evs {
		labelled[i] = t.devices.withLink(ev)
	}
	evs = labelled
	t.rules.Handle(ctx, evs)
	return t.store.AppendEvents(ctx, evs)
}

// eventSink is where traps and poll-detected changes go: labelled with their
// link, handed to the event rules at once, and stored.
func (s *system) eventSink() collectors.EventSink {
	return teeSink{eventSink{s.events}, s.evrules, &s.devices}
}

// newTrapReceiver builds the receiver when traps.listen is set.
func (s *system) newTrapReceiver() (*snmptrap.Receiver, error) {
	t := s.config().Traps
	if t.Listen == "" {
		return nil, nil
	}
	users := make([]snmptrap.V3User, len(t.V3Users))
	for i, u := range t.V3Users {
		users[i] = snmptrap.V3User{Name: u.Name, AuthProto: u.AuthProto, AuthPass: u.AuthPassword,
			PrivProto: u.PrivProto, PrivPass: u.PrivPassword, EngineIDs: u.EngineIDs}
	}
	return snmptrap.New(snmptrap.Options{Listen: t.Listen, Communities: t.Communities, V3Users: users,
		Resolve: s.devices.resolve, Sink: s.eventSink(), Logger: s.logger.With("part", "traps"),
		RatePerSource: t.RatePerSource, Burst: t.Burst})
}
