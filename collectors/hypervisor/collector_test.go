package hypervisor

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// fakePlatform stands for a driver in the tests of the kind's own logic
// (reopening, closing, event labels); the real drivers are tested against
// their real peers in their packages and through TestContract here.
type fakePlatform struct {
	mu     sync.Mutex
	opens  []driver.Login
	closed int
	events []collectors.Event
	fail   error
}

func (f *fakePlatform) open(_ context.Context, l driver.Login) (driver.Driver, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opens = append(f.opens, l)
	return &fakeDriver{f: f}, nil
}

type fakeDriver struct{ f *fakePlatform }

func (d *fakeDriver) Collect(_ context.Context, emit collectors.Emit) ([]collectors.Event, error) {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if d.f.fail != nil {
		return nil, d.f.fail
	}
	emit("hypervisor_vm_info", 1, "vm", "社保-web-01", "system", "社保系统")
	evs := d.f.events
	d.f.events = nil
	return evs, nil
}

func (d *fakeDriver) Close() error {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	d.f.closed++
	return nil
}

func (f *fakePlatform) counts() (opens, closed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.opens), f.closed
}

func fakeTarget(t testing.TB, pwFile string) collectors.Target {
	tgt := vcTarget(t, "fake-01", "https://cloud.example:8443", pwFile)
	tgt.Params[ParamPlatform] = "fake"
	return tgt
}

func round(t testing.TB, c *Collector, tgt collectors.Target) (*collectortest.Recorder, error) {
	rec := collectortest.NewRecorder(tgt)
	err := c.Collect(roundCtx(t), tgt, rec.Emit)
	rec.Close()
	require.Empty(t, rec.Problems())
	return rec, err
}

func TestDriverKeptAndReopened(t *testing.T) {
	f := &fakePlatform{}
	c := newTestCollector(t, nil, WithPlatform("fake", f.open))
	pw := passwordFile(t, "first-pw")
	tgt := fakeTarget(t, pw)
	for range 3 {
		_, err := round(t, c, tgt)
		require.NoError(t, err)
	}
	opens, closed := f.counts()
	assert.Equal(t, 1, opens, "one driver kept between rounds")
	assert.Equal(t, "first-pw", f.opens[0].Password)
	assert.Equal(t, testUser, f.opens[0].Username)

	require.NoError(t, os.WriteFile(pw, []byte("rotated-pw"), 0o600))
	_, err := round(t, c, tgt)
	require.NoError(t, err)
	opens, closed = f.counts()
	assert.Equal(t, 2, opens, "a rotated password file opens a new session")
	assert.Equal(t, 1, closed)
	assert.Equal(t, "rotated-pw", f.opens[1].Password)

	tgt.Params["system_from"] = "folder"
	_, err = round(t, c, tgt)
	require.NoError(t, err)
	opens, closed = f.counts()
	assert.Equal(t, 3, opens, "a changed param opens a new driver")
	assert.Equal(t, 2, closed)

	f.fail = errors.New("connection reset")
	_, err = round(t, c, tgt)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrConnect), "%v", err)
	_, closed = f.counts()
	assert.Equal(t, 3, closed, "a failed round drops the driver")
	f.fail = nil
	_, err = round(t, c, tgt)
	require.NoError(t, err)

	c.SetTargets([]collectors.Target{{Kind: "snmp", Name: tgt.Name}})
	c.bg.Wait()
	_, closed = f.counts()
	assert.Equal(t, 4, closed, "a target that left has its driver closed")
}

func TestEventsLabelled(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	f := &fakePlatform{events: []collectors.Event{{Time: at, Text: "宿主机 esx-01 故障（失去响应）",
		Labels: map[string]string{"event": "host_failed", "host": "esx-01", "cluster": "集群1"}}}}
	sink := &eventRecorder{}
	c := newTestCollector(t, sink, WithPlatform("fake", f.open))
	tgt := fakeTarget(t, passwordFile(t, "pw"))
	_, err := round(t, c, tgt)
	require.NoError(t, err)
	evs := sink.take()
	require.Len(t, evs, 1)
	assert.Equal(t, at, evs[0].Time)
	assert.Equal(t, map[string]string{"event": "host_failed", "host": "esx-01", "cluster": "集群1",
		"source": "hypervisor", "instance": "fake-01", "kind": "hypervisor",
		"district": "市本级", "site": "市政务云A机房"}, evs[0].Labels)
}

func TestTargetLabelWins(t *testing.T) {
	f := &fakePlatform{}
	c := newTestCollector(t, nil, WithPlatform("fake", f.open))
	tgt := fakeTarget(t, passwordFile(t, "pw"))
	tgt.Labels["system"] = "云平台"
	rec, err := round(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, []string{`hypervisor_vm_info{vm="社保-web-01"}`}, rec.Series())
}

func TestTargetErrors(t *testing.T) {
	c := newTestCollector(t, nil)
	pw := passwordFile(t, "pw")
	cases := []struct {
		name, addr, platform, pwFile string
		want                         error
		text                         string
	}{
		{"unknown platform", "https://cloud.example", "fusioncompute", pw, ErrPlatform, "vsphere"},
		{"no platform", "https://cloud.example:8443/api", "", pw, ErrParams, "platform"},
		{"missing password file", "https://vc.example/sdk", "", "/nonexistent/vc.pw", ErrParams, "password_file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tgt := vcTarget(t, "vc", tc.addr, tc.pwFile)
			if tc.platform != "" {
				tgt.Params[ParamPlatform] = tc.platform
			}
			_, err := round(t, c, tgt)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "%v", err)
			assert.Contains(t, err.Error(), tc.text)
			require.NoError(t, ValidateTarget(vcTarget(t, "vc", "https://vc.example/sdk", pw)))
		})
	}
	assert.Equal(t, "vsphere", platformOf("https://vc.example/sdk/", nil))
	assert.Equal(t, "libvirt", platformOf("tcp://kvm-01:16509", nil))
	assert.Equal(t, "zstack", platformOf("https://vc.example/sdk", map[string]string{ParamPlatform: "zstack"}))
}

// TestWrongPassword through the kind: the vCenter refuses, the round fails
// with 认证失败 and never shows the password.
func TestWrongPassword(t *testing.T) {
	addr, _ := startVC(t, simulator.VPX())
	c := newTestCollector(t, nil)
	const wrong = "Wrong-pw-5531"
	_, err := round(t, c, vcTarget(t, "vc", addr, passwordFile(t, wrong)))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "认证失败"), "%v", err)
	assert.NotContains(t, err.Error(), wrong)
}

// TestHostFailureReachesEventStore: a vCenter host stops responding; the
// kind hands host_failed and one vm_down per VM to the sink, labelled.
func TestHostFailureReachesEventStore(t *testing.T) {
	addr, m := startVC(t, simulator.VPX())
	sink := &eventRecorder{}
	c := newTestCollector(t, sink)
	tgt := vcTarget(t, "vcenter-a", addr, passwordFile(t, testPassword))
	rec, err := round(t, c, tgt)
	require.NoError(t, err)
	require.NotEmpty(t, rec.Series())
	assert.Empty(t, sink.take())

	setHostState(m, "DC0_H0", types.HostSystemConnectionStateNotResponding)
	rec, err = round(t, c, tgt)
	require.NoError(t, err)
	up, ok := rec.Value(`hypervisor_host_up{host="DC0_H0"}`)
	require.True(t, ok)
	assert.Zero(t, up)
	evs := sink.take()
	kinds := map[string]int{}
	for _, e := range evs {
		kinds[e.Labels["event"]]++
		assert.Equal(t, "hypervisor", e.Labels["source"])
		assert.Equal(t, "vcenter-a", e.Labels["instance"])
		assert.Equal(t, "市政务云A机房", e.Labels["site"])
		assert.Equal(t, "DC0_H0", e.Labels["host"])
	}
	assert.Equal(t, map[string]int{"host_failed": 1, "vm_down": 2}, kinds, "%v", evs)
}
