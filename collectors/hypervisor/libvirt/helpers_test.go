package libvirt

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func peerTarget(p *testpeer.LibvirtPeer) collectors.Target {
	return collectors.Target{Kind: "hypervisor", Name: "kvm-a", Address: p.Address(),
		Labels: map[string]string{"district": "市本级", "site": "市政务云A机房", "cluster": "kvm-cluster-1"},
		Params: map[string]string{"platform": "libvirt", "uri": p.URI()}}
}

func openDriver(t testing.TB, tgt collectors.Target) *Driver {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	drv, err := Open(ctx, driver.Login{Target: tgt})
	require.NoError(t, err)
	t.Cleanup(func() { _ = drv.Close() })
	return drv.(*Driver)
}

// collect runs one round into a contract-checking recorder.
func collect(t testing.TB, d *Driver) (*collectortest.Recorder, []collectors.Event, error) {
	t.Helper()
	rec := collectortest.NewRecorder(d.target)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ev, err := d.Collect(ctx, rec.Emit)
	rec.Close()
	require.Empty(t, rec.Problems())
	return rec, ev, err
}

func value(t testing.TB, rec *collectortest.Recorder, key string) float64 {
	t.Helper()
	v, ok := rec.Value(key)
	require.Truef(t, ok, "series %s missing; have:\n%v", key, rec.Series())
	return v
}

func eventsNamed(evs []collectors.Event, name string) []collectors.Event {
	var out []collectors.Event
	for _, e := range evs {
		if e.Labels["event"] == name {
			out = append(out, e)
		}
	}
	return out
}
