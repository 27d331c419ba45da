package vsphere

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// TestAlarmsAndPower: vcsim's built-in "vcsim VM Alarm" turns yellow on a
// vcsim.vm.failure event; the alarm is counted once (not again on every
// parent it propagates to); powering a VM off is vm_stopped and its running
// series 0.
func TestAlarmsAndPower(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	collect(t, d)
	v := vc.all("VirtualMachine")[0].(*simulator.VirtualMachine)
	vc.post(t, &types.EventEx{EventTypeId: "vcsim.vm.failure", ObjectType: "VirtualMachine", ObjectId: v.Self.Value,
		Event: types.Event{Vm: vmArg(v)}})
	ctx := context.Background()
	task, err := object.NewVirtualMachine(vc.admin.Client, v.Self).PowerOff(ctx)
	require.NoError(t, err)
	require.NoError(t, task.Wait(ctx))

	rec, evs := collect(t, d)
	var alarms []string
	for _, s := range rec.Series() {
		if len(s) > 16 && s[:16] == "hypervisor_alarm" {
			alarms = append(alarms, s)
		}
	}
	assert.Equal(t, []string{`hypervisor_alarm{alarm="vcsim VM Alarm",entity="` + v.Name + `",entity_type="vm",status="yellow"}`}, alarms)
	running, ok := rec.Value(`hypervisor_vm_running{vm="` + v.Name + `"}`)
	assert.True(t, ok)
	assert.Zero(t, running)
	got := byEvent(evs)
	require.Len(t, got["vm_stopped"], 1, "%v", evs)
	assert.Equal(t, v.Name, got["vm_stopped"][0]["vm"])
}
