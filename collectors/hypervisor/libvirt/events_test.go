package libvirt

import (
	"testing"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// operator is a second client of libvirtd that changes domains' states the
// way an operator's virsh would. test:///default keeps one state for all
// connections while any is open (a node.xml URI gives each its own copy).
func operator(t *testing.T, p *testpeer.LibvirtPeer) *golibvirt.Libvirt {
	t.Helper()
	l := golibvirt.NewWithDialer(dialers.NewLocal(dialers.WithSocket(p.Socket)))
	require.NoError(t, l.ConnectToURI(golibvirt.TestDefault))
	t.Cleanup(func() { _ = l.Disconnect() })
	return l
}

// stateSteps are operator actions and the events each must give in the
// next round, with libvirt's lifecycle event names (subscription) or the
// domain's new state (comparison between rounds).
var stateSteps = []struct {
	name             string
	do               func(op *golibvirt.Libvirt) error
	lifecycle, state []string
}{
	{"suspend", func(op *golibvirt.Libvirt) error { return op.DomainSuspend(lookup(op, "test")) },
		[]string{"vm_stopped test VIR_DOMAIN_EVENT_SUSPENDED"}, []string{"vm_stopped test VIR_DOMAIN_PAUSED"}},
	{"resume", func(op *golibvirt.Libvirt) error { return op.DomainResume(lookup(op, "test")) },
		[]string{"vm_started test VIR_DOMAIN_EVENT_RESUMED"}, []string{"vm_started test VIR_DOMAIN_RUNNING"}},
	{"destroy", func(op *golibvirt.Libvirt) error { return op.DomainDestroy(lookup(op, "test")) },
		[]string{"vm_stopped test VIR_DOMAIN_EVENT_STOPPED"}, []string{"vm_stopped test VIR_DOMAIN_SHUTOFF"}},
	{"nothing", func(*golibvirt.Libvirt) error { return nil }, nil, nil},
	{"start", func(op *golibvirt.Libvirt) error { return op.DomainCreate(lookup(op, "test")) },
		[]string{"vm_started test VIR_DOMAIN_EVENT_STARTED"}, []string{"vm_started test VIR_DOMAIN_RUNNING"}},
	{"stopped and started again between two rounds", func(op *golibvirt.Libvirt) error {
		if err := op.DomainDestroy(lookup(op, "test")); err != nil {
			return err
		}
		return op.DomainCreate(lookup(op, "test"))
	}, []string{"vm_stopped test VIR_DOMAIN_EVENT_STOPPED", "vm_started test VIR_DOMAIN_EVENT_STARTED"},
		nil}, // comparing states cannot see it: why the driver subscribes
	{"a new VM starts", func(op *golibvirt.Libvirt) error {
		nd, err := op.DomainDefineXML(`<domain type='test'><name>gov-new-01</name><memory>1048576</memory><os><type>hvm</type></os></domain>`)
		if err == nil {
			err = op.DomainCreate(nd)
		}
		return err
	}, []string{"vm_started gov-new-01 VIR_DOMAIN_EVENT_STARTED"}, []string{"vm_started gov-new-01 VIR_DOMAIN_RUNNING"}},
	{"a running VM is undefined", func(op *golibvirt.Libvirt) error {
		nd := lookup(op, "gov-new-01")
		if err := op.DomainDestroy(nd); err != nil {
			return err
		}
		return op.DomainUndefine(nd)
	}, []string{"vm_stopped gov-new-01 VIR_DOMAIN_EVENT_STOPPED"}, []string{"vm_stopped gov-new-01 VIR_DOMAIN_EVENT_UNDEFINED"}},
}

func lookup(op *golibvirt.Libvirt, name string) golibvirt.Domain {
	d, _ := op.DomainLookupByName(name)
	return d
}

func TestStateChangesBecomeEvents(t *testing.T) {
	for _, mode := range []string{"lifecycle", "state"} {
		t.Run(mode, func(t *testing.T) {
			p := testpeer.Libvirtd(t, testpeer.LibvirtNode{})
			tgt := peerTarget(p)
			tgt.Params["uri"] = string(golibvirt.TestDefault)
			d := openDriver(t, tgt)
			if mode == "state" {
				d.stopSub() // as with a daemon that refuses lifecycle events
			}
			op := operator(t, p)
			_, ev, err := collect(t, d)
			require.NoError(t, err)
			require.Empty(t, ev)
			for _, s := range stateSteps {
				require.NoError(t, s.do(op), s.name)
				want := map[string][]string{"lifecycle": s.lifecycle, "state": s.state}[mode]
				require.Eventually(t, func() bool { return len(d.sub.peek()) >= len(want) || d.sub == nil },
					5*time.Second, 10*time.Millisecond, "lifecycle events arrive")
				_, ev, err := collect(t, d)
				require.NoError(t, err)
				var got []string
				for _, e := range ev {
					got = append(got, e.Labels["event"]+" "+e.Labels["vm"]+" "+e.Labels["event_type_id"])
					assertEventLabels(t, e)
				}
				assert.Equal(t, want, got, s.name)
			}
		})
	}
}

// TestEventsOverAnOutage: after a reconnect the driver compares the states
// before and after the gap (test:///default starts again with "test" running).
func TestEventsOverAnOutage(t *testing.T) {
	p := testpeer.Libvirtd(t, testpeer.LibvirtNode{})
	tgt := peerTarget(p)
	tgt.Params["uri"] = string(golibvirt.TestDefault)
	d := openDriver(t, tgt)
	op := operator(t, p)
	require.NoError(t, op.DomainSuspend(lookup(op, "test")))
	_, _, err := collect(t, d)
	require.NoError(t, err)
	p.Restart(t)
	_, ev, err := collect(t, d)
	require.Error(t, err)
	require.Len(t, eventsNamed(ev, "host_failed"), 1)
	_, ev, err = collect(t, d)
	require.NoError(t, err)
	require.Len(t, eventsNamed(ev, "host_recovered"), 1)
	started := eventsNamed(ev, "vm_started")
	require.Len(t, started, 1)
	assert.Equal(t, "VIR_DOMAIN_RUNNING", started[0].Labels["event_type_id"])
}

func assertEventLabels(t *testing.T, e collectors.Event) {
	t.Helper()
	assert.Equal(t, "hypervisor", e.Labels["source"])
	assert.Equal(t, "kvm-a", e.Labels["instance"])
	assert.Equal(t, "kvm-cluster-1", e.Labels["cluster"])
	assert.NotEmpty(t, e.Labels["host"])
	assert.NotEmpty(t, e.Text)
	assert.WithinDuration(t, time.Now(), e.Time, 10*time.Second)
}
