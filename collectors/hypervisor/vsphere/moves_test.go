package vsphere

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An HA restart whose event names a host neither inventory knows is reported
// with the host the VM runs on now, so the HA proof never lists it without
// "→ host".
func TestMoveNamesTheHostTheVMRunsOn(t *testing.T) {
	inv := func(vmHost string) *inventory {
		return &inventory{
			hosts:  map[string]*host{"host-1": {ref: "host-1", name: "esx-01"}, "host-2": {ref: "host-2", name: "esx-02"}},
			vms:    map[string]*vm{"vm-1": {ref: "vm-1", name: "web-01", host: vmHost}},
			others: map[string]*container{}, datastores: map[string]*datastore{},
		}
	}
	d := &Driver{moves: map[string]move{}, hostDown: map[string]bool{"host-1": true}}
	f := &finisher{d: d, r: &round{now: time.Now(), inv: inv("host-2")}, prev: inv("host-1")}
	f.vmMoved(time.Now(), EvVMRestarted, f.r.inv.vms["vm-1"], "vm-1", "host-1", "host-9", "com.vmware.vc.ha.VmRestartedByHAEvent")
	require.Len(t, f.out, 1)
	assert.Equal(t, "esx-02", f.out[0].Labels["to_host"])
	assert.Equal(t, "esx-01", f.out[0].Labels["from_host"])
}
