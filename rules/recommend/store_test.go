package recommend

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/report"
)

// october's findings, priced as rules/report prices them.
func october() []report.Finding {
	return []report.Finding{
		finding("vm-a", KindShutDown, report.Pricing{Spec: "8C16G", Known: true, Yuan: 509}),
		finding("vm-b", KindDownsize, report.Pricing{Spec: "8C16G", Target: "4C8G", Known: true, Yuan: 254}),
		finding("vm-c", KindDownsize, report.Pricing{Spec: "6C12G", Note: "不在价格表"}),
		finding("vm-d", KindShutDown, report.Pricing{Spec: "2C4G", Known: true, Yuan: 127}),
		finding("vm-e", KindShutDown, report.Pricing{Spec: "2C4G", Known: true, Yuan: 127}),
		finding("vm-g", KindConsolidate, report.Pricing{Spec: "2C2G", Target: "2C2G", Known: true, Yuan: 0}),
		finding("vm-h", KindConsolidate, report.Pricing{Spec: "2C2G", Target: "2C2G", Keeper: "vm-g", Known: true, Yuan: 79}),
		// nothing to do: the cheapest fit is the spec it has
		finding("vm-z", KindDownsize, report.Pricing{Spec: "2C2G", Target: "2C2G", Known: true}),
	}
}

type fixture struct {
	st  *Store
	now time.Time
}

// newFixture: October's data shows every VM running; November's end shows
// vm-a and vm-h powered off, vm-b's agent with the spec 4C8G, vm-d still
// running, vm-e's agent down all day while the hypervisor says it runs.
func newFixture(t *testing.T) *fixture {
	ts := openTSDB(t)
	for _, vm := range []string{"vm-a", "vm-b", "vm-c", "vm-d", "vm-e", "vm-g", "vm-h"} {
		lastDay(t, ts, "2026-10", 1, "__name__", "hypervisor_vm_running", "vm", vm)
		lastDay(t, ts, "2026-10", 1, "__name__", "up", "kind", "agent", "instance", vm, "spec", "8C16G")
	}
	for vm, v := range map[string]float64{"vm-a": 0, "vm-h": 0, "vm-b": 1, "vm-d": 1, "vm-e": 1, "vm-g": 1, "vm-c": 1} {
		lastDay(t, ts, "2026-11", v, "__name__", "hypervisor_vm_running", "vm", vm)
	}
	lastDay(t, ts, "2026-11", 1, "__name__", "up", "kind", "agent", "instance", "vm-b", "spec", "4C8G")
	lastDay(t, ts, "2026-11", 0, "__name__", "up", "kind", "agent", "instance", "vm-e", "spec", "2C4G")
	f := &fixture{now: monthEnd("2026-10").Add(5 * 24 * time.Hour)}
	f.st = NewStore(openState(t), NewTSDBEvidence(ts, 0), func() time.Time { return f.now })
	return f
}

func byVM(t *testing.T, st *Store) map[string]Recommendation {
	rs, err := st.List(context.Background(), Filter{})
	require.NoError(t, err)
	out := map[string]Recommendation{}
	for _, r := range rs {
		out[r.VM] = r
	}
	return out
}

func TestSyncCarryOverAndProof(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	res, err := f.st.Sync(ctx, "2026-10", october())
	require.NoError(t, err)
	assert.Equal(t, SyncResult{New: 7}, res, "vm-z asks nothing; every VM ran at October's end")
	oct := byVM(t, f.st)
	for _, r := range oct {
		assert.Equal(t, Pending, r.State, r.VM)
		assert.Equal(t, "待处理", r.StateWord)
	}
	assert.Equal(t, "降配", oct["vm-b"].KindWord)
	assert.Equal(t, "大数据局", oct["vm-b"].Dept)

	_, err = f.st.SetState(ctx, oct["vm-b"].ID, Notified, "", "zhang")
	require.NoError(t, err)
	_, err = f.st.SetState(ctx, oct["vm-c"].ID, Rejected, "业务高峰在年底", "li")
	require.NoError(t, err)

	// November: only vm-b is found again, with new figures; the others are
	// not seen and close only where the data proves it.
	f.now = monthEnd("2026-11").Add(2 * time.Hour)
	// vm-b was resized to 4C8G late in the month and is still low use at
	// its new spec; vm-d is found again with new figures at the same spec.
	novB := finding("vm-b", KindDownsize, report.Pricing{Spec: "4C8G", Target: "2C8G", Known: true, Yuan: 96})
	novD := finding("vm-d", KindShutDown, report.Pricing{Spec: "2C4G", Known: true, Yuan: 127})
	novD.Reason = "十一月依据"
	res, err = f.st.Sync(ctx, "2026-11", []report.Finding{novB, novD})
	require.NoError(t, err)
	assert.Equal(t, SyncResult{Seen: 2, Proved: 4}, res)
	got := byVM(t, f.st)
	assert.Equal(t, oct["vm-b"].ID, got["vm-b"].ID, "a finding seen again is the same recommendation")
	assert.Equal(t, "2026-10", got["vm-b"].FirstMonth)
	assert.Equal(t, "2026-11", got["vm-b"].LastMonth)
	states := map[string]State{}
	for vm, r := range got {
		states[vm] = r.State
	}
	assert.Equal(t, map[string]State{"vm-a": Done, "vm-b": Done, "vm-c": Rejected, "vm-d": Pending, "vm-e": Pending,
		"vm-g": Done, "vm-h": Done}, states, "vm-d runs; vm-e's agent is down but the hypervisor says it runs")
	assert.Equal(t, 254, got["vm-b"].Yuan, "the figures it was made for: the new spec does not overwrite them")
	assert.Equal(t, "4C8G", got["vm-b"].Target)
	assert.Equal(t, "十一月依据", got["vm-d"].Reason, "refreshed while open, at the same spec")
	assert.Equal(t, "2026-11", got["vm-d"].LastMonth)
	assert.Contains(t, got["vm-a"].Proof, "电源状态整段为关机")
	assert.Contains(t, got["vm-b"].Proof, "规格标签由 8C16G 变为 4C8G")
	assert.Contains(t, got["vm-g"].Proof, "同组其余云服务器均已关停")
	assert.Equal(t, "2026-11", got["vm-a"].DoneMonth)

	// A done recommendation found again keeps its figures and its state.
	f.now = monthEnd("2026-12").Add(time.Hour)
	again := finding("vm-a", KindShutDown, report.Pricing{Spec: "8C16G", Known: true, Yuan: 1})
	_, err = f.st.Sync(ctx, "2026-12", []report.Finding{again})
	require.NoError(t, err)
	a := byVM(t, f.st)["vm-a"]
	assert.Equal(t, Done, a.State)
	assert.Equal(t, 509, a.Yuan)
	assert.Equal(t, "2026-12", a.LastMonth)
}

func TestMonthTotals(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.st.Sync(ctx, "2026-10", october())
	require.NoError(t, err)
	c := byVM(t, f.st)["vm-c"]
	_, err = f.st.SetState(ctx, c.ID, Rejected, "业务高峰在年底", "li")
	require.NoError(t, err)
	f.now = monthEnd("2026-11").Add(time.Hour)
	_, err = f.st.Sync(ctx, "2026-11", nil)
	require.NoError(t, err)

	oct, err := f.st.Month(ctx, "2026-10")
	require.NoError(t, err)
	assert.True(t, oct.Tracked)
	assert.Equal(t, 6, oct.Open, "a, b, d, e, g, h: the done ones were still open at October's end")
	assert.Equal(t, 509+254+127+127+0+79, oct.OpenYuan)
	assert.Empty(t, oct.Done)
	assert.Equal(t, 1, oct.Rejected)
	assert.Equal(t, "待处理", oct.States[report.FindingKey("vm-a", KindShutDown)])
	assert.Equal(t, "不采纳", oct.States[report.FindingKey("vm-c", KindDownsize)])

	nov, err := f.st.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, 2, nov.Open)
	assert.Equal(t, 127+127, nov.OpenYuan)
	assert.Equal(t, []report.DoneRecommendation{
		{VM: "vm-a", System: "政务云", Recommendation: KindShutDown, Spec: "8C16G", Month: "2026-11", Yuan: 509, SavedYuan: 509},
		{VM: "vm-b", System: "政务云", Recommendation: KindDownsize, Spec: "8C16G", Target: "4C8G", Month: "2026-11", Yuan: 254, SavedYuan: 254},
		{VM: "vm-g", System: "政务云", Recommendation: KindConsolidate, Spec: "2C2G", Target: "2C2G", Month: "2026-11", Yuan: 0, SavedYuan: 0},
		{VM: "vm-h", System: "政务云", Recommendation: KindConsolidate, Spec: "2C2G", Target: "2C2G", Month: "2026-11", Yuan: 79, SavedYuan: 79},
	}, nov.Done)
	assert.Equal(t, 842, nov.DoneYuan)
	assert.Equal(t, 842, nov.SavedYuan)
	assert.Equal(t, "已处理", nov.States[report.FindingKey("vm-a", KindShutDown)])

	// The saving accumulates month by month from the month it was done.
	feb, err := f.st.Month(ctx, "2027-02")
	require.NoError(t, err)
	assert.Equal(t, 842, feb.DoneYuan)
	assert.Equal(t, 842*4, feb.SavedYuan)
	_, err = f.st.Month(ctx, "2026-13")
	assert.Error(t, err)
}

func TestSetStateRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.st.Sync(ctx, "2026-10", october())
	require.NoError(t, err)
	id := byVM(t, f.st)["vm-d"].ID
	for _, tc := range []struct {
		to   State
		note string
		want string
	}{
		{Done, "", "已处理须由监测数据核实"},
		{Rejected, "  ", "不采纳须填写原因"},
		{"archived", "", "状态须为"},
		{Pending, "", "建议当前为待处理，不能改为待处理"},
		{Rejected, string(make([]rune, MaxNote+1)), "原因不能超过"},
	} {
		_, err := f.st.SetState(ctx, id, tc.to, tc.note, "li")
		require.ErrorIs(t, err, ErrBadChange, tc.to)
		assert.Contains(t, err.Error(), tc.want)
	}
	r, err := f.st.SetState(ctx, id, Notified, "", "zhang")
	require.NoError(t, err)
	assert.Equal(t, Notified, r.State)
	assert.Equal(t, "zhang", r.ChangedBy)
	_, err = f.st.SetState(ctx, id, Notified, "", "zhang")
	assert.ErrorIs(t, err, ErrBadChange)
	r, err = f.st.SetState(ctx, id, Rejected, " 系统下月下线 ", "li")
	require.NoError(t, err)
	assert.Equal(t, "系统下月下线", r.Note)
	r, err = f.st.SetState(ctx, id, Pending, "", "li")
	require.NoError(t, err, "a rejected recommendation can be reopened")
	assert.Equal(t, Pending, r.State)
	_, err = f.st.SetState(ctx, 9999, Notified, "", "li")
	assert.ErrorIs(t, err, ErrNotFound)

	// A done one is final.
	f.now = monthEnd("2026-11").Add(time.Hour)
	_, err = f.st.Sync(ctx, "2026-11", nil)
	require.NoError(t, err)
	_, err = f.st.SetState(ctx, byVM(t, f.st)["vm-a"].ID, Pending, "", "li")
	assert.ErrorIs(t, err, ErrBadChange)
}

// A downsize is proved by the hypervisor's vCPU count too, but only down to
// the target or smaller; a VM without data proves nothing.
func TestProofByVCPUs(t *testing.T) {
	ctx := context.Background()
	ts := openTSDB(t)
	lastDay(t, ts, "2026-11", 4, "__name__", "hypervisor_vm_vcpus", "vm", "vm-ok")
	lastDay(t, ts, "2026-11", 8<<30, "__name__", "hypervisor_vm_memory_bytes", "vm", "vm-ok")
	lastDay(t, ts, "2026-11", 6, "__name__", "hypervisor_vm_vcpus", "vm", "vm-big")
	now := monthEnd("2026-11").Add(time.Hour)
	st := NewStore(openState(t), NewTSDBEvidence(ts, 0), func() time.Time { return now })
	p := report.Pricing{Spec: "8C16G", Target: "4C8G", Known: true, Yuan: 254}
	res, err := st.Sync(ctx, "2026-11", []report.Finding{finding("vm-ok", KindDownsize, p), finding("vm-big", KindDownsize, p),
		finding("vm-none", KindDownsize, p), finding("vm-none", KindShutDown, report.Pricing{Spec: "8C16G", Known: true, Yuan: 509})})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Proved)
	got := byVM(t, st)
	assert.Equal(t, Done, got["vm-ok"].State)
	assert.Contains(t, got["vm-ok"].Proof, "vCPU 由 8 变为 4")
	assert.Equal(t, Pending, got["vm-big"].State, "6 vCPUs is smaller but not the target 4")
	rs, err := st.List(ctx, Filter{State: Pending})
	require.NoError(t, err)
	assert.Len(t, rs, 3, "vm-big, and vm-none's two kinds: one per VM and kind")
}
