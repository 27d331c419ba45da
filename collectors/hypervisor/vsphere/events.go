package vsphere

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/vmware/govmomi/vim25/types"

	"github.com/swanwatch/swanwatch/collectors"
)

// Event names of docs/cloud.md, "Hypervisor events".
const (
	EvHostFailed       = "host_failed"
	EvHostIsolated     = "host_isolated"
	EvHostRecovered    = "host_recovered"
	EvVMDown           = "vm_down"
	EvVMRestarted      = "vm_restarted"
	EvVMFailoverFailed = "vm_failover_failed"
	EvVMMigrated       = "vm_migrated"
	EvVMStarted        = "vm_started"
	EvVMStopped        = "vm_stopped"
)

// platformEvents maps an EventTypeId (or legacy type name), lower-cased, to
// our event: the catalogue spells the HA ids both com.vmware.vc.HA.* and
// com.vmware.vc.ha.*.
var platformEvents = map[string]string{
	"com.vmware.vc.ha.dashostfailedevent":   EvHostFailed,
	"dashostfailedevent":                    EvHostFailed,
	"hostconnectionlostevent":               EvHostFailed,
	"com.vmware.vc.ha.dashostisolatedevent": EvHostIsolated,
	"dashostisolatedevent":                  EvHostIsolated,
	"hostconnectedevent":                    EvHostRecovered,
	"com.vmware.vc.ha.vmrestartedbyhaevent": EvVMRestarted,
	"vmrestartedonalternatehostevent":       EvVMRestarted,
	"vmfailoverfailed":                      EvVMFailoverFailed,
	"vmmaxrestartcountreached":              EvVMFailoverFailed,
	"vmmigratedevent":                       EvVMMigrated,
	"drsvmmigratedevent":                    EvVMMigrated,
	"vmrelocatedevent":                      EvVMMigrated,
}

// MapEventTypeID returns our event for a platform EventTypeId, matched
// case-insensitively, or "".
func MapEventTypeID(id string) string { return platformEvents[strings.ToLower(strings.TrimSpace(id))] }

// eventTypeID is the platform's own name of an event: the EventTypeId of an
// EventEx or ExtendedEvent, otherwise its type name.
func eventTypeID(e types.BaseEvent) string {
	switch x := e.(type) {
	case *types.EventEx:
		return x.EventTypeId
	case *types.ExtendedEvent:
		return x.EventTypeId
	}
	return reflect.TypeOf(e).Elem().Name()
}

// move is the last host change reported for a VM, by an event or seen in
// the inventory: the other source's report of the same change is dropped.
type move struct{ to string }

// vmRef names a VM in a host's last known list.
type vmRef struct{ ref, name string }

// finish turns the round into events and moves the driver's memory on:
// platform events first (they carry the platform's time and names), then
// what the inventory shows that no event said.
func (d *Driver) finish(r *round) []collectors.Event {
	prev := d.inv
	if prev == nil {
		prev = r.inv
	}
	f := &finisher{d: d, r: r, prev: prev}
	evs := slices.Clone(r.events)
	slices.SortFunc(evs, func(a, b types.BaseEvent) int { return int(a.GetEvent().Key - b.GetEvent().Key) })
	for _, e := range evs {
		base := e.GetEvent()
		if base.Key <= d.lastKey && !d.lastTime.IsZero() && !base.CreatedTime.After(d.lastTime) {
			continue // read again after a re-login
		}
		f.platform(e)
		d.lastKey = max(d.lastKey, base.Key)
		if base.CreatedTime.After(d.lastTime) {
			d.lastTime = base.CreatedTime
		}
	}
	if d.inv != nil {
		f.observeHosts()
		f.observeVMs()
	} else {
		for _, h := range r.inv.hosts { // first round: remember, do not announce
			if h.conn == string(types.HostSystemConnectionStateNotResponding) {
				d.hostDown[h.ref] = true
			}
		}
	}
	d.rememberHosts(r.inv)
	d.inv = r.inv
	if r.historical {
		d.dsCache, d.dsAt = r.ds, r.now
	}
	if d.lastTime.IsZero() {
		d.lastTime = r.now.Add(-time.Minute)
	}
	return f.out
}

// rememberHosts keeps, per host that answers, the VMs running on it: when the
// host fails, these are the VMs that went down with it.
func (d *Driver) rememberHosts(inv *inventory) {
	if d.lastOn == nil {
		d.lastOn = map[string][]vmRef{}
	}
	on := map[string][]vmRef{}
	for _, v := range sortedVMs(inv) {
		if v.power == string(types.VirtualMachinePowerStatePoweredOn) {
			on[v.host] = append(on[v.host], vmRef{v.ref, v.name})
		}
	}
	for ref, h := range inv.hosts {
		if h.conn == string(types.HostSystemConnectionStateConnected) && !d.hostDown[ref] {
			d.lastOn[ref] = on[ref]
		}
	}
	for ref := range d.lastOn {
		if inv.hosts[ref] == nil {
			delete(d.lastOn, ref)
		}
	}
	for ref := range d.moves {
		if inv.vms[ref] == nil {
			delete(d.moves, ref)
		}
	}
	for ref := range d.hostDown {
		if inv.hosts[ref] == nil {
			delete(d.hostDown, ref)
		}
	}
}

type finisher struct {
	d    *Driver
	r    *round
	prev *inventory
	out  []collectors.Event
}

// hostByRef finds a host's name in this round's or the previous inventory.
func (f *finisher) hostByRef(ref string) (name, cluster string) {
	for _, inv := range []*inventory{f.r.inv, f.prev} {
		if h := inv.hosts[ref]; h != nil {
			return h.name, inv.clusterOf(h)
		}
	}
	return "", ""
}

func (f *finisher) hostRefByName(name string) string {
	for _, inv := range []*inventory{f.r.inv, f.prev} {
		for ref, h := range inv.hosts {
			if h.name == name {
				return ref
			}
		}
	}
	return ""
}

func (f *finisher) vmByRef(ref string) *vm {
	for _, inv := range []*inventory{f.r.inv, f.prev} {
		if v := inv.vms[ref]; v != nil {
			return v
		}
	}
	return nil
}

func (f *finisher) add(at time.Time, event, text string, kv ...string) {
	labels := map[string]string{"event": event}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			labels[kv[i]] = kv[i+1]
		}
	}
	f.out = append(f.out, collectors.Event{Time: at, Labels: labels, Text: text})
}

// subjects finds the host and VM an event is about, by moref first.
func (f *finisher) subjects(e types.BaseEvent) (hostRef, vmRef string) {
	b := e.GetEvent()
	if b.Host != nil {
		hostRef = b.Host.Host.Value
		if hostRef == "" {
			hostRef = f.hostRefByName(b.Host.Name)
		}
	}
	if b.Vm != nil {
		vmRef = b.Vm.Vm.Value
	}
	switch x := e.(type) {
	case *types.EventEx:
		switch x.ObjectType {
		case "HostSystem":
			hostRef = x.ObjectId
		case "VirtualMachine":
			vmRef = x.ObjectId
		}
	case *types.ExtendedEvent:
		switch x.ManagedObject.Type {
		case "HostSystem":
			hostRef = x.ManagedObject.Value
		case "VirtualMachine":
			vmRef = x.ManagedObject.Value
		}
	case *types.DasHostFailedEvent:
		hostRef = x.FailedHost.Host.Value
	}
	return hostRef, vmRef
}

func sourceHost(e types.BaseEvent) string {
	switch x := e.(type) {
	case *types.VmMigratedEvent:
		return x.SourceHost.Host.Value
	case *types.DrsVmMigratedEvent:
		return x.SourceHost.Host.Value
	case *types.VmRelocatedEvent:
		return x.SourceHost.Host.Value
	}
	return ""
}

// platform handles one event read from vCenter.
func (f *finisher) platform(e types.BaseEvent) {
	id := eventTypeID(e)
	kind := MapEventTypeID(id)
	if kind == "" {
		return
	}
	at := e.GetEvent().CreatedTime
	hostRef, vmRef := f.subjects(e)
	switch kind {
	case EvHostFailed:
		f.hostFailed(at, hostRef, id)
	case EvHostRecovered:
		f.hostRecovered(at, hostRef, id)
	case EvHostIsolated:
		name, cluster := f.hostByRef(hostRef)
		f.add(at, kind, fmt.Sprintf("宿主机 %s 被 HA 判定为网络隔离", name), "host", name, "cluster", cluster, "event_type_id", id)
	case EvVMRestarted, EvVMMigrated:
		v := f.vmByRef(vmRef)
		from := sourceHost(e)
		if from == "" {
			if pv := f.prev.vms[vmRef]; pv != nil {
				from = pv.host
			}
		}
		to := hostRef
		if to == "" || to == from {
			if cv := f.r.inv.vms[vmRef]; cv != nil {
				to = cv.host
			}
		}
		if kind == EvVMMigrated && f.d.hostDown[from] {
			kind = EvVMRestarted // nothing migrates off a failed host: HA restarted it
		}
		f.vmMoved(at, kind, v, vmRef, from, to, id)
	case EvVMFailoverFailed:
		v := f.vmByRef(vmRef)
		name := vmName(v, e)
		hostName, cluster := f.hostByRef(hostRef)
		if v != nil && hostRef == "" {
			hostName, cluster = f.hostByRef(v.host)
		}
		f.add(at, kind, fmt.Sprintf("云服务器 %s HA重启失败，未恢复", name),
			"vm", name, "host", hostName, "cluster", cluster, "event_type_id", id)
	}
}

func vmName(v *vm, e types.BaseEvent) string {
	if v != nil {
		return v.name
	}
	if b := e.GetEvent(); b.Vm != nil {
		return b.Vm.Name
	}
	if x, ok := e.(*types.EventEx); ok {
		return x.ObjectName
	}
	return ""
}

// hostFailed reports a host down once per failure, with every VM that ran
// on it when it last answered.
func (f *finisher) hostFailed(at time.Time, hostRef, id string) {
	if hostRef == "" || f.d.hostDown[hostRef] {
		return
	}
	f.d.hostDown[hostRef] = true
	name, cluster := f.hostByRef(hostRef)
	f.add(at, EvHostFailed, fmt.Sprintf("宿主机 %s 故障（失去响应）", name), "host", name, "cluster", cluster, "event_type_id", id)
	vms, ok := f.d.lastOn[hostRef]
	if !ok { // never seen answering: take the previous inventory
		for _, v := range sortedVMs(f.prev) {
			if v.host == hostRef && v.power == string(types.VirtualMachinePowerStatePoweredOn) {
				vms = append(vms, vmRef{v.ref, v.name})
			}
		}
	}
	for _, v := range vms {
		f.add(at, EvVMDown, fmt.Sprintf("云服务器 %s 随宿主机 %s 故障而中断", v.name, name),
			"vm", v.name, "host", name, "cluster", cluster)
	}
}

func (f *finisher) hostRecovered(at time.Time, hostRef, id string) {
	if hostRef == "" || !f.d.hostDown[hostRef] {
		return
	}
	delete(f.d.hostDown, hostRef)
	name, cluster := f.hostByRef(hostRef)
	f.add(at, EvHostRecovered, fmt.Sprintf("宿主机 %s 已恢复连接", name), "host", name, "cluster", cluster, "event_type_id", id)
}

// vmMoved reports a VM's change of host once, whichever source says it first.
func (f *finisher) vmMoved(at time.Time, kind string, v *vm, vmRef, from, to, id string) {
	if vmRef == "" || to == "" || from == to {
		return
	}
	if m, ok := f.d.moves[vmRef]; ok && m.to == to {
		return
	}
	f.d.moves[vmRef] = move{to: to}
	name := ""
	if v != nil {
		name = v.name
	}
	fromName, _ := f.hostByRef(from)
	toName, cluster := f.hostByRef(to)
	if toName == "" { // the event's host is not in either inventory: where the VM runs now
		if cv := f.r.inv.vms[vmRef]; cv != nil {
			toName, cluster = f.hostByRef(cv.host)
		}
	}
	text := fmt.Sprintf("云服务器 %s 已由 HA 在宿主机 %s 上重启（原宿主机 %s）", name, toName, fromName)
	if kind == EvVMMigrated {
		text = fmt.Sprintf("云服务器 %s 由宿主机 %s 迁移至 %s", name, fromName, toName)
	}
	f.add(at, kind, text, "vm", name, "host", toName, "cluster", cluster, "from_host", fromName, "to_host", toName,
		"event_type_id", id)
}

// observeHosts reports connection changes no event reported.
func (f *finisher) observeHosts() {
	for _, h := range sortedHosts(f.r.inv) {
		switch h.conn {
		case string(types.HostSystemConnectionStateNotResponding):
			f.hostFailed(f.r.now, h.ref, "")
		case string(types.HostSystemConnectionStateConnected):
			f.hostRecovered(f.r.now, h.ref, "")
		}
	}
}

// observeVMs reports host and power changes seen between two inventories.
func (f *finisher) observeVMs() {
	for _, v := range sortedVMs(f.r.inv) {
		p := f.prev.vms[v.ref]
		if p == nil {
			continue
		}
		if p.host != "" && v.host != "" && p.host != v.host {
			kind := EvVMMigrated
			if f.d.hostDown[p.host] {
				kind = EvVMRestarted
			}
			f.vmMoved(f.r.now, kind, v, v.ref, p.host, v.host, "")
		}
		on := string(types.VirtualMachinePowerStatePoweredOn)
		hostName, cluster := f.hostByRef(v.host)
		switch {
		case p.power != on && v.power == on:
			f.add(f.r.now, EvVMStarted, fmt.Sprintf("云服务器 %s 已开机", v.name), "vm", v.name, "host", hostName, "cluster", cluster)
		case p.power == on && v.power != on:
			f.add(f.r.now, EvVMStopped, fmt.Sprintf("云服务器 %s 已关机", v.name), "vm", v.name, "host", hostName, "cluster", cluster)
		}
	}
}
