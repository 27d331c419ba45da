package sim

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/event"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// startCloudSim runs a simulator with the cloud platform and returns it with
// a vSphere client logged in with what the inventory export says.
func startCloudSim(t *testing.T, vms int) (*Sim, *govmomi.Client, ExportTarget) {
	t.Helper()
	s, err := New(Options{VMs: vms, Seed: 7, OfflineShare: -1, Cloud: &CloudOptions{SecretsDir: t.TempDir()}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	<-s.Ready()
	var target ExportTarget
	for _, tg := range s.Inventory().Targets {
		if tg.Kind == "hypervisor" {
			target = tg
		}
	}
	require.NotEmpty(t, target.Address, "the export lists the vCenter")
	pw, err := os.ReadFile(target.Params["password_file"])
	require.NoError(t, err)
	u, err := url.Parse(target.Address)
	require.NoError(t, err)
	u.User = url.UserPassword(target.Params["username"], strings.TrimSpace(string(pw)))
	c, err := govmomi.NewClient(ctx, u, true)
	require.NoError(t, err)
	select {
	case <-s.cloud.vc.ready:
	case <-time.After(60 * time.Second):
		t.Fatal("the vCenter was not populated within a minute")
	}
	return s, c, target
}

// The vCenter holds the estate: every agent's VM under its name, on the
// host the inventory names as its parent, powered on; a wrong password is
// refused.
func TestVCenterHoldsTheEstate(t *testing.T) {
	s, c, target := startCloudSim(t, 120)
	ctx := context.Background()
	m := view.NewManager(c.Client)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	require.NoError(t, err)
	var vms []mo.VirtualMachine
	require.NoError(t, v.Retrieve(ctx, []string{"VirtualMachine"}, []string{"name", "runtime", "config.hardware"}, &vms))
	require.Len(t, vms, 120)
	hostName := map[types.ManagedObjectReference]string{}
	for name, h := range s.cloud.vc.hosts {
		hostName[h.Reference()] = name
	}
	for _, vm := range vms {
		est := s.est.byName[vm.Name]
		require.NotNil(t, est, "%s is an agent of the inventory", vm.Name)
		assert.Equal(t, est.Parent, hostName[*vm.Runtime.Host], vm.Name)
		assert.Equal(t, types.VirtualMachinePowerStatePoweredOn, vm.Runtime.PowerState)
		cpus, _ := parseSpec(est.Spec)
		assert.EqualValues(t, cpus, vm.Config.Hardware.NumCPU, vm.Name)
	}

	u, _ := url.Parse(target.Address)
	u.User = url.UserPassword(target.Params["username"], "wrong")
	_, err = govmomi.NewClient(ctx, u, true)
	require.Error(t, err, "a wrong password is refused")
}

// A host failure reads as vSphere HA writes it: the host's failure, a
// restart event for every VM but the stuck one, a failover failure for
// that one, the host connected again; the agents follow.
func TestVCenterHostFailureAsHAShowsIt(t *testing.T) {
	s, c, _ := startCloudSim(t, 120)
	ctx := context.Background()
	host := s.DemoHost(ctx)
	require.NotEmpty(t, host)
	var on []string
	for _, v := range s.est.vms {
		if v.Parent == host {
			on = append(on, v.Name)
		}
	}
	require.GreaterOrEqual(t, len(on), 2)
	require.NoError(t, s.FailHost(ctx, host, HostFailure{RestartAfter: 10 * time.Millisecond, RestartStep: time.Millisecond,
		Lasting: 10 * time.Millisecond, Stuck: 1}))

	evs, err := event.NewManager(c.Client).QueryEvents(ctx, types.EventFilterSpec{MaxCount: 1000,
		EventTypeId: []string{haHostFailed, haVMRestarted, "VmFailoverFailed", "HostConnectedEvent"}})
	require.NoError(t, err)
	count := map[string]int{}
	for _, e := range evs {
		switch ev := e.(type) {
		case *types.EventEx:
			count[ev.EventTypeId]++
		case *types.VmFailoverFailed:
			count["VmFailoverFailed"]++
		case *types.HostConnectedEvent:
			count["HostConnectedEvent"]++
		}
	}
	assert.Equal(t, 1, count[haHostFailed])
	assert.Equal(t, len(on)-1, count[haVMRestarted])
	assert.Equal(t, 1, count["VmFailoverFailed"])
	assert.Equal(t, 1, count["HostConnectedEvent"])
	for _, n := range on {
		assert.Equal(t, forceAuto, s.est.byName[n].forced.Load(), "%s's agent answers again", n)
	}
}

// The datastores have an array's size and a fill, the datacenter the city's name.
func TestVCenterStoresAreSized(t *testing.T) {
	_, c, _ := startCloudSim(t, 60)
	ctx := context.Background()
	v, err := view.NewManager(c.Client).CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"Datastore", "Datacenter"}, true)
	require.NoError(t, err)
	var ds []mo.Datastore
	require.NoError(t, v.Retrieve(ctx, []string{"Datastore"}, []string{"name", "summary"}, &ds))
	require.NotEmpty(t, ds)
	for _, d := range ds {
		used := 1 - float64(d.Summary.FreeSpace)/float64(d.Summary.Capacity)
		assert.InDelta(t, 0.62, used, 0.18, d.Name)
		assert.GreaterOrEqual(t, d.Summary.Capacity, int64(10)<<40, d.Name)
	}
	var dcs []mo.Datacenter
	require.NoError(t, v.Retrieve(ctx, []string{"Datacenter"}, []string{"name"}, &dcs))
	require.Len(t, dcs, 1)
	assert.Equal(t, vcDatacenter, dcs[0].Name)
}

// A simulator stopped while its vCenter is still being filled stops cleanly
// (the demo's short tests end during the fill).
func TestVCenterStoppedWhileFilling(t *testing.T) {
	for range 3 {
		s, err := New(Options{VMs: 400, Seed: 3, OfflineShare: -1, Cloud: &CloudOptions{SecretsDir: t.TempDir()}})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		<-s.Ready()
		time.Sleep(300 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("the simulator did not stop within 30 s of its context")
		}
	}
}
