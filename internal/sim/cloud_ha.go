package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/vmware/govmomi/event"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// The event ids a vSphere HA cluster posts (../shared/notes/cloud.md: the
// vCenter 8.0U3 catalogue; note the two spellings of "HA").
const (
	haHostFailed   = "com.vmware.vc.HA.DasHostFailedEvent"
	haVMRestarted  = "com.vmware.vc.ha.VmRestartedByHAEvent"
	connNotResp    = types.HostSystemConnectionStateNotResponding
	connConnected  = types.HostSystemConnectionStateConnected
	vmDisconnected = types.VirtualMachineConnectionStateDisconnected
	vmConnected    = types.VirtualMachineConnectionStateConnected
)

// hostFailure is what vSphere shows when host fails: it stops responding, HA
// posts its failure, its VMs read disconnected.
func (vc *vcenter) hostFailure(ctx context.Context, host string) ([]string, error) {
	h, ok := vc.hosts[host]
	if !ok {
		return nil, fmt.Errorf("no host %q in the simulated vCenter", host)
	}
	var hs mo.HostSystem
	if err := h.Properties(ctx, h.Reference(), []string{"vm", "parent"}, &hs); err != nil {
		return nil, err
	}
	vc.update(h.Reference(), "runtime.connectionState", connNotResp)
	names := make([]string, 0, len(hs.Vm))
	for _, ref := range hs.Vm {
		vc.update(ref, "runtime.connectionState", vmDisconnected)
		names = append(names, vc.nameOf(ref))
	}
	ev := &types.EventEx{EventTypeId: haHostFailed, Severity: "error", ObjectType: "HostSystem", ObjectId: h.Reference().Value,
		Event: types.Event{Host: &types.HostEventArgument{Host: h.Reference(), EntityEventArgument: types.EntityEventArgument{Name: host}},
			ComputeResource: vc.clusterArg(hs.Parent), FullFormattedMessage: "vSphere HA detected a host failure of " + host}}
	return names, event.NewManager(vc.client.Client).PostEvent(ctx, ev)
}

// haRestart moves vmName to target and posts HA's restart event, as HA does
// after a host failure.
func (vc *vcenter) haRestart(ctx context.Context, vmName, from, target string) error {
	v, h, old := vc.vms[vmName], vc.hosts[target], vc.hosts[from]
	if v == nil || h == nil || old == nil {
		return fmt.Errorf("unknown vm %q or host %q", vmName, target)
	}
	vc.moveVM(v.Reference(), old.Reference(), h.Reference())
	vc.update(v.Reference(), "runtime.connectionState", vmConnected)
	ev := &types.EventEx{EventTypeId: haVMRestarted, Severity: "warning", ObjectType: "VirtualMachine", ObjectId: v.Reference().Value,
		Event: types.Event{Vm: &types.VmEventArgument{Vm: v.Reference(), EntityEventArgument: types.EntityEventArgument{Name: vmName}},
			Host:                 &types.HostEventArgument{Host: h.Reference(), EntityEventArgument: types.EntityEventArgument{Name: target}},
			FullFormattedMessage: "vSphere HA restarted virtual machine " + vmName + " on host " + target}}
	return event.NewManager(vc.client.Client).PostEvent(ctx, ev)
}

// haGiveUp powers vmName off and posts HA's failover failure.
func (vc *vcenter) haGiveUp(ctx context.Context, vmName, host string) error {
	v, h := vc.vms[vmName], vc.hosts[host]
	if v == nil || h == nil {
		return fmt.Errorf("unknown vm %q or host %q", vmName, host)
	}
	vc.update(v.Reference(), "runtime.powerState", types.VirtualMachinePowerStatePoweredOff)
	ev := &types.VmFailoverFailed{VmEvent: types.VmEvent{Event: types.Event{
		Vm:                   &types.VmEventArgument{Vm: v.Reference(), EntityEventArgument: types.EntityEventArgument{Name: vmName}},
		Host:                 &types.HostEventArgument{Host: h.Reference(), EntityEventArgument: types.EntityEventArgument{Name: host}},
		FullFormattedMessage: "vSphere HA stopped trying to restart " + vmName + " on the other hosts of the cluster"}}}
	return event.NewManager(vc.client.Client).PostEvent(ctx, ev)
}

// hostBack: the host responds again (HostConnectedEvent), and a VM HA gave
// up on is started on it by hand.
func (vc *vcenter) hostBack(ctx context.Context, host string, stuck []string) error {
	h := vc.hosts[host]
	if h == nil {
		return fmt.Errorf("no host %q", host)
	}
	vc.update(h.Reference(), "runtime.connectionState", connConnected)
	ev := &types.HostConnectedEvent{HostEvent: types.HostEvent{Event: types.Event{
		Host:                 &types.HostEventArgument{Host: h.Reference(), EntityEventArgument: types.EntityEventArgument{Name: host}},
		FullFormattedMessage: "Connected to " + host}}}
	if err := event.NewManager(vc.client.Client).PostEvent(ctx, ev); err != nil {
		return err
	}
	for _, name := range stuck {
		if v := vc.vms[name]; v != nil {
			vc.update(v.Reference(), "runtime.connectionState", vmConnected)
			vc.update(v.Reference(), "runtime.powerState", types.VirtualMachinePowerStatePoweredOn)
		}
	}
	return nil
}

// update changes one property of a managed object in the simulator, as the
// platform itself would (property collectors see the change).
func (vc *vcenter) update(ref types.ManagedObjectReference, name string, val any) {
	reg := vc.model.Map()
	ctx := &simulator.Context{Context: context.Background(), Map: reg}
	if obj := reg.Get(ref); obj != nil {
		reg.AtomicUpdate(ctx, obj, []types.PropertyChange{{Name: name, Val: val}})
	}
}

// moveVM re-parents a VM from one host to another in the simulator.
func (vc *vcenter) moveVM(vm, from, to types.ManagedObjectReference) {
	reg := vc.model.Map()
	ctx := &simulator.Context{Context: context.Background(), Map: reg}
	if h, ok := reg.Get(from).(*simulator.HostSystem); ok {
		var keep []types.ManagedObjectReference
		for _, r := range h.Vm {
			if r != vm {
				keep = append(keep, r)
			}
		}
		reg.AtomicUpdate(ctx, h, []types.PropertyChange{{Name: "vm", Val: keep}})
	}
	if h, ok := reg.Get(to).(*simulator.HostSystem); ok {
		reg.AtomicUpdate(ctx, h, []types.PropertyChange{{Name: "vm", Val: append(append([]types.ManagedObjectReference{}, h.Vm...), vm)}})
	}
	vc.update(vm, "runtime.host", to)
	vc.update(vm, "summary.runtime.host", to)
}

func (vc *vcenter) nameOf(ref types.ManagedObjectReference) string {
	if e, ok := vc.model.Map().Get(ref).(mo.Entity); ok {
		return e.Entity().Name
	}
	return ref.Value
}

func (vc *vcenter) clusterArg(parent *types.ManagedObjectReference) *types.ComputeResourceEventArgument {
	if parent == nil {
		return nil
	}
	return &types.ComputeResourceEventArgument{ComputeResource: *parent,
		EntityEventArgument: types.EntityEventArgument{Name: vc.nameOf(*parent)}}
}

// otherHosts are the hosts of host's cluster but host, in a stable order.
func (vc *vcenter) otherHosts(ctx context.Context, host string) ([]string, error) {
	h := vc.hosts[host]
	var hs mo.HostSystem
	if err := h.Properties(ctx, h.Reference(), []string{"parent"}, &hs); err != nil || hs.Parent == nil {
		return nil, fmt.Errorf("cluster of %s: %v", host, err)
	}
	cl := object.NewClusterComputeResource(vc.client.Client, *hs.Parent)
	members, err := cl.Hosts(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range members {
		if n := vc.nameOf(m.Reference()); n != host {
			out = append(out, n)
		}
	}
	return out, nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
