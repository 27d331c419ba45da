package hypervisor

import (
	"context"
	"crypto/tls"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testUser     = "administrator@vsphere.local"
	testPassword = "Vc-s3cret-pw!"
)

// startVC serves govmomi's simulated vCenter (vcsim, in process) checking the
// test credentials, and returns its /sdk URL.
func startVC(t testing.TB, model *simulator.Model) (string, *simulator.Model) {
	t.Helper()
	require.NoError(t, model.Create())
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{User: url.UserPassword(testUser, testPassword)}
	s := model.Service.NewServer()
	t.Cleanup(func() {
		s.Close()
		model.Remove()
	})
	u := *s.URL
	u.User = nil
	return u.String(), model
}

// powerOffVMs leaves the VMs defined but stopped: vcsim's perf samples of
// running VMs are random (and its XML drops all-zero series), which would
// make two rounds' series sets differ.
func powerOffVMs(m *simulator.Model) {
	c := m.Service.Context
	for _, e := range c.Map.All("VirtualMachine") {
		c.WithLock(e, func() {
			c.Map.Update(c, e, []types.PropertyChange{{Name: "runtime.powerState",
				Val: types.VirtualMachinePowerStatePoweredOff}})
		})
	}
}

func setHostState(m *simulator.Model, name string, state types.HostSystemConnectionState) {
	c := m.Service.Context
	for _, e := range c.Map.All("HostSystem") {
		if e.Entity().Name == name {
			c.WithLock(e, func() {
				c.Map.Update(c, e, []types.PropertyChange{{Name: "runtime.connectionState", Val: state}})
			})
		}
	}
}

func passwordFile(t testing.TB, pw string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "vc.pw")
	require.NoError(t, os.WriteFile(p, []byte(pw+"\n"), 0o600))
	return p
}

func vcTarget(t testing.TB, name, addr, pwFile string) collectors.Target {
	return collectors.Target{Kind: Kind, Name: name, Address: addr,
		Labels: map[string]string{"district": "市本级", "site": "市政务云A机房"},
		Params: map[string]string{ParamUsername: testUser, ParamPasswordFile: pwFile, "tls_skip_verify": "true"}}
}

func newTestCollector(t testing.TB, sink collectors.EventSink, opts ...Option) *Collector {
	t.Helper()
	cfg := Config{}.WithDefaults()
	require.NoError(t, cfg.Validate())
	c := New(cfg, collectors.Env{Events: sink}, opts...)
	t.Cleanup(func() { c.Close() })
	return c
}

// eventRecorder is an EventSink that keeps what it gets.
type eventRecorder struct {
	mu     sync.Mutex
	events []collectors.Event
}

func (r *eventRecorder) AppendEvents(_ context.Context, evs []collectors.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, evs...)
	return nil
}

func (r *eventRecorder) take() []collectors.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

func roundCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
