package hypervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// Through the kind, a libvirt host that goes away and comes back: the
// failed round still delivers host_failed to the event store, the driver
// is kept (it re-dials by itself), and the round after the restart reports
// host_recovered with the VMs read again.
func TestLibvirtOutageThroughTheKind(t *testing.T) {
	peer := testpeer.Libvirtd(t, testpeer.DefaultLibvirtNode())
	sink := &eventRecorder{}
	c := newTestCollector(t, sink)
	tgt := collectors.Target{Kind: Kind, Name: "kvm-01", Address: peer.Address(),
		Labels: map[string]string{"district": "市本级", "site": "市政务云A机房"},
		Params: map[string]string{"uri": peer.URI()}}
	rec, err := round(t, c, tgt)
	require.NoError(t, err)
	_, ok := rec.Value(`hypervisor_vm_running{vm="gov-web-01"}`)
	require.True(t, ok, "the running domain is read: %v", rec.Series())
	sink.take()

	peer.Kill()
	_, err = round(t, c, tgt)
	require.Error(t, err, "libvirtd is gone")
	failed := sink.take()
	require.Len(t, failed, 1, "%v", failed)
	assert.Equal(t, "host_failed", failed[0].Labels["event"])
	assert.Equal(t, "kvm-01", failed[0].Labels["instance"])

	peer.Restart(t)
	rec, err = round(t, c, tgt)
	require.NoError(t, err)
	_, ok = rec.Value(`hypervisor_vm_running{vm="gov-web-01"}`)
	assert.True(t, ok)
	kinds := map[string]int{}
	for _, e := range sink.take() {
		kinds[e.Labels["event"]]++
	}
	assert.Equal(t, 1, kinds["host_recovered"], "%v", kinds)
	assert.Zero(t, kinds["host_failed"], "reported once per outage")
}
