package vsphere

import (
	"context"
	"crypto/tls"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // the tagging service (REST) of the simulated vCenter
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testUser     = "administrator@vsphere.local"
	testPassword = "Vc-s3cret-pw!"
)

// vcenter is a simulated vCenter (govmomi's vcsim, in process) that checks
// the test credentials.
type vcenter struct {
	model  *simulator.Model
	server *simulator.Server
	admin  *govmomi.Client // the test's own session, to change the simulated world
}

func startVC(t testing.TB, model *simulator.Model) *vcenter {
	t.Helper()
	require.NoError(t, model.Create())
	model.Service.TLS = new(tls.Config)
	model.Service.RegisterEndpoints = true
	model.Service.Listen = &url.URL{User: url.UserPassword(testUser, testPassword)}
	s := model.Service.NewServer()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := govmomi.NewClient(ctx, s.URL, true)
	require.NoError(t, err)
	vc := &vcenter{model: model, server: s, admin: admin}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = admin.Logout(ctx)
		admin.CloseIdleConnections()
		s.Close()
		model.Remove()
	})
	return vc
}

// target is the vCenter as the inventory describes it.
func (vc *vcenter) target(params ...string) collectors.Target {
	u := *vc.server.URL
	u.User = nil
	p := map[string]string{ParamTLSSkipVerify: "true"}
	for i := 0; i+1 < len(params); i += 2 {
		p[params[i]] = params[i+1]
	}
	return collectors.Target{Kind: "hypervisor", Name: "vcenter-a", Address: u.String(), Params: p,
		Labels: map[string]string{"district": "市本级", "site": "市政务云A机房"}}
}

func loginFor(t collectors.Target, password string) driver.Login {
	return driver.Login{Target: t, Username: testUser, Password: password}
}

func (vc *vcenter) open(t testing.TB, password string, params ...string) (*Driver, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := open(ctx, driver.Login{Target: vc.target(params...), Username: testUser, Password: password})
	if err == nil {
		t.Cleanup(func() { d.Close() })
	}
	return d, err
}

// collect runs one round through the collector contract's recorder.
func collect(t testing.TB, d *Driver) (*collectortest.Recorder, []collectors.Event) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rec := collectortest.NewRecorder(collectors.Target{Kind: "hypervisor", Name: "vcenter-a",
		Labels: map[string]string{"district": "市本级", "site": "市政务云A机房"}})
	evs, err := d.Collect(ctx, rec.Emit)
	rec.Close()
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	return rec, evs
}

// sctx is the simulator's own context, to change objects as vCenter would.
func (vc *vcenter) sctx() *simulator.Context { return vc.model.Service.Context }

func (vc *vcenter) update(obj mo.Reference, name string, val any) {
	c := vc.sctx()
	c.WithLock(obj, func() { c.Map.Update(c, obj, []types.PropertyChange{{Name: name, Val: val}}) })
}

// all returns the simulator's objects of a kind.
func (vc *vcenter) all(kind string) []mo.Entity { return vc.sctx().Map.All(kind) }
