package vsphere

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/simulator"
)

func TestWrongPasswordIsAuthFailure(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	const wrong = "Not-the-pw-9271"
	_, err := vc.open(t, wrong)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrAuth), "%v", err)
	assert.Contains(t, err.Error(), "认证失败")
	assert.NotContains(t, err.Error(), wrong)
	assert.NotContains(t, err.Error(), testPassword)
}

func TestUnreachableIsConnectionError(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	tgt := vc.target()
	tgt.Address = "https://127.0.0.1:1/sdk"
	ctx := context.Background()
	_, err := open(ctx, loginFor(tgt, testPassword))
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrRefused) || errors.Is(err, ErrConnect), "%v", err)
	assert.NotContains(t, err.Error(), testPassword)
}

func TestBadParams(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	_, err := vc.open(t, testPassword, ParamSystemFrom, "label:x", ParamMaxQueryMetrics, "0")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrParams))
	assert.Contains(t, err.Error(), "system_from")
	assert.Contains(t, err.Error(), "max_query_metrics")
	tgt := vc.target()
	tgt.Address = "https://root:" + testPassword + "@vc.example/sdk"
	_, err = open(context.Background(), loginFor(tgt, testPassword))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testPassword)
}

// TestSessionExpiryRecovered: the simulator answers one call with
// NotAuthenticated (fault injection), as vCenter does after a session timed
// out; the round logs in again and succeeds.
func TestSessionExpiryRecovered(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	collect(t, d)
	vc.model.Service.AddFaultRule(&simulator.FaultInjectionRule{MethodName: "RetrievePropertiesEx", ObjectType: "*",
		ObjectName: "*", Probability: 1, FaultType: simulator.FaultTypeNotAuthenticated, MaxCount: 1, Enabled: true})
	t.Cleanup(vc.model.Service.ClearFaultRules)
	before := d.sess
	rec, _ := collect(t, d)
	assert.NotEmpty(t, rec.Series())
	assert.NotSame(t, before, d.sess, "a new session after NotAuthenticated")
}

// TestSessionTerminated: the session is really ended on the server side.
func TestSessionTerminated(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	collect(t, d)
	ctx := context.Background()
	us, err := session.NewManager(d.vc).UserSession(ctx)
	require.NoError(t, err)
	require.NoError(t, session.NewManager(vc.admin.Client).TerminateSession(ctx, []string{us.Key}))
	rec, _ := collect(t, d)
	assert.NotEmpty(t, rec.Series())
}

// TestPerfFailureIsPartial: QueryPerf refused (say vpxd.stats.maxQueryMetrics
// set lower than max_query_metrics) leaves the inventory series and fails
// nothing; the next round has perf again.
func TestPerfFailureIsPartial(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	d, err := vc.open(t, testPassword)
	require.NoError(t, err)
	collect(t, d)
	vc.model.Service.AddFaultRule(&simulator.FaultInjectionRule{MethodName: "QueryPerf", ObjectType: "*",
		ObjectName: "*", Probability: 1, FaultType: simulator.FaultTypeGeneric, Enabled: true})
	rec, _ := collect(t, d)
	_, ok := rec.Value(`hypervisor_vm_running{vm="DC0_H0_VM0"}`)
	assert.True(t, ok, "inventory series stay")
	_, ok = rec.Value(`hypervisor_vm_cpu_usage_ratio{vm="DC0_H0_VM0"}`)
	assert.False(t, ok, "no perf this round")
	vc.model.Service.ClearFaultRules()
	rec, _ = collect(t, d)
	_, ok = rec.Value(`hypervisor_vm_cpu_usage_ratio{vm="DC0_H0_VM0"}`)
	assert.True(t, ok, "perf again")
}
