package vsphere

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/event"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/swanwatch/swanwatch/collectors"
)

// haModel is a cluster of three hosts with several VMs each.
func haModel() *simulator.Model {
	m := simulator.VPX()
	m.Host = 0 // no standalone host
	m.ClusterHost = 3
	m.Machine = 6
	return m
}

// clusterHosts returns the simulator's hosts and the VMs on each.
func (vc *vcenter) placement() (map[string]*simulator.HostSystem, map[string][]*simulator.VirtualMachine) {
	hosts := map[string]*simulator.HostSystem{}
	on := map[string][]*simulator.VirtualMachine{}
	for _, e := range vc.all("HostSystem") {
		h := e.(*simulator.HostSystem)
		hosts[h.Self.Value] = h
	}
	for _, e := range vc.all("VirtualMachine") {
		v := e.(*simulator.VirtualMachine)
		on[v.Runtime.Host.Value] = append(on[v.Runtime.Host.Value], v)
	}
	return hosts, on
}

func (vc *vcenter) post(t *testing.T, e types.BaseEvent) {
	t.Helper()
	require.NoError(t, event.NewManager(vc.admin.Client).PostEvent(context.Background(), e))
}

func hostArg(h *simulator.HostSystem) *types.HostEventArgument {
	return &types.HostEventArgument{EntityEventArgument: types.EntityEventArgument{Name: h.Name}, Host: h.Self}
}

func vmArg(v *simulator.VirtualMachine) *types.VmEventArgument {
	return &types.VmEventArgument{EntityEventArgument: types.EntityEventArgument{Name: v.Name}, Vm: v.Self}
}

// byEvent groups events by their `event` label, as "vm→labels".
func byEvent(evs []collectors.Event) map[string][]map[string]string {
	out := map[string][]map[string]string{}
	for _, e := range evs {
		out[e.Labels["event"]] = append(out[e.Labels["event"]], e.Labels)
	}
	return out
}

// TestHAStory follows the notes' recipe: a host stops responding, HA
// reports the failure, its VMs are restarted on the other hosts (each with
// VmRestartedByHAEvent) except one, for which failover failed.
func TestHAStory(t *testing.T) {
	vc := startVC(t, haModel())
	hosts, on := vc.placement()
	refs := slices.Sorted(maps.Keys(hosts))
	failed := hosts[refs[0]]
	var others []*simulator.HostSystem
	for _, ref := range refs[1:] {
		others = append(others, hosts[ref])
		for _, v := range on[ref] { // gather at least four VMs on the host that will fail
			if len(on[refs[0]]) < 4 {
				vc.update(v, "runtime.host", failed.Self)
				on[refs[0]] = append(on[refs[0]], v)
			}
		}
	}
	require.Len(t, on[refs[0]], 4)
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	_, evs := collect(t, d)
	assert.Empty(t, evs, "a quiet platform has no events")

	victims := on[failed.Self.Value]

	vc.update(failed, "runtime.connectionState", types.HostSystemConnectionStateNotResponding)
	vc.post(t, &types.EventEx{EventTypeId: "com.vmware.vc.HA.DasHostFailedEvent", ObjectType: "HostSystem",
		ObjectId: failed.Self.Value, ObjectName: failed.Name})
	restartedTo := map[string]string{}
	for i, v := range victims[:len(victims)-1] {
		to := others[i%len(others)]
		vc.update(v, "runtime.host", to.Self)
		vc.post(t, &types.EventEx{EventTypeId: "com.vmware.vc.ha.VmRestartedByHAEvent", ObjectType: "VirtualMachine",
			ObjectId: v.Self.Value, ObjectName: v.Name, Event: types.Event{Host: hostArg(to), Vm: vmArg(v)}})
		restartedTo[v.Name] = to.Name
	}
	lost := victims[len(victims)-1]
	vc.post(t, &types.VmFailoverFailed{VmEvent: types.VmEvent{Event: types.Event{Vm: vmArg(lost), Host: hostArg(failed)}}})

	_, evs = collect(t, d)
	got := byEvent(evs)
	require.Len(t, got["host_failed"], 1, "%v", evs)
	assert.Equal(t, failed.Name, got["host_failed"][0]["host"])
	assert.Equal(t, "com.vmware.vc.HA.DasHostFailedEvent", got["host_failed"][0]["event_type_id"])
	var down []string
	for _, l := range got["vm_down"] {
		assert.Equal(t, failed.Name, l["host"])
		down = append(down, l["vm"])
	}
	var want []string
	for _, v := range victims {
		want = append(want, v.Name)
	}
	assert.ElementsMatch(t, want, down, "vm_down for each VM of the failed host")
	require.Len(t, got["vm_restarted"], len(victims)-1, "%v", evs)
	for _, l := range got["vm_restarted"] {
		assert.Equal(t, restartedTo[l["vm"]], l["to_host"], l["vm"])
		assert.Equal(t, failed.Name, l["from_host"], l["vm"])
		assert.Equal(t, "com.vmware.vc.ha.VmRestartedByHAEvent", l["event_type_id"], "the platform's event, not the inventory's")
	}
	require.Len(t, got["vm_failover_failed"], 1)
	assert.Equal(t, lost.Name, got["vm_failover_failed"][0]["vm"])
	assert.Empty(t, got["vm_migrated"], "an HA restart is not a migration")
	for _, e := range evs {
		assert.NotEmpty(t, e.Text)
		assert.False(t, e.Time.IsZero())
	}

	_, evs = collect(t, d)
	assert.Empty(t, evs, "nothing is reported twice")

	vc.update(failed, "runtime.connectionState", types.HostSystemConnectionStateConnected)
	vc.post(t, &types.HostConnectedEvent{HostEvent: types.HostEvent{Event: types.Event{Host: hostArg(failed)}}})
	_, evs = collect(t, d)
	got = byEvent(evs)
	require.Len(t, got["host_recovered"], 1, "%v", evs)
	assert.Len(t, evs, 1)
}

// TestMovesReportedOnce: a VM seen on another host without any event is a
// migration (from the inventory), and the platform's event for the same
// change, read a round later, is not reported again; an event first and the
// inventory after gives one event too.
func TestMovesReportedOnce(t *testing.T) {
	vc := startVC(t, haModel())
	hosts, _ := vc.placement()
	refs := slices.Sorted(maps.Keys(hosts))
	a, b := hosts[refs[0]], hosts[refs[1]]
	vms := vc.all("VirtualMachine")
	v1, v2 := vms[0].(*simulator.VirtualMachine), vms[1].(*simulator.VirtualMachine)
	vc.update(v1, "runtime.host", a.Self)
	vc.update(v2, "runtime.host", a.Self)
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	collect(t, d)

	// v1: seen first, event after.
	vc.update(v1, "runtime.host", b.Self)
	_, evs := collect(t, d)
	got := byEvent(evs)
	require.Len(t, got["vm_migrated"], 1, "%v", evs)
	assert.Equal(t, map[string]string{"event": "vm_migrated", "vm": v1.Name, "host": b.Name, "from_host": a.Name,
		"to_host": b.Name, "cluster": got["vm_migrated"][0]["cluster"]}, got["vm_migrated"][0])
	vc.post(t, &types.VmMigratedEvent{VmEvent: types.VmEvent{Event: types.Event{Vm: vmArg(v1), Host: hostArg(b)}},
		SourceHost: *hostArg(a)})
	_, evs = collect(t, d)
	assert.Empty(t, evs)

	// v2: event first (DrsVmMigratedEvent, as DRS reports), inventory in the same round.
	vc.post(t, &types.DrsVmMigratedEvent{VmMigratedEvent: types.VmMigratedEvent{VmEvent: types.VmEvent{
		Event: types.Event{Vm: vmArg(v2), Host: hostArg(b)}}, SourceHost: *hostArg(a)}})
	vc.update(v2, "runtime.host", b.Self)
	_, evs = collect(t, d)
	got = byEvent(evs)
	require.Len(t, got["vm_migrated"], 1, "%v", evs)
	assert.Equal(t, "DrsVmMigratedEvent", got["vm_migrated"][0]["event_type_id"])
	assert.Equal(t, fmt.Sprint(a.Name, "→", b.Name), got["vm_migrated"][0]["from_host"]+"→"+got["vm_migrated"][0]["to_host"])
	_, evs = collect(t, d)
	assert.Empty(t, evs)
}
