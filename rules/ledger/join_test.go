package ledger

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/inventory"
)

func agent(name, spec, system, dept string) inventory.Target {
	t := inventory.Target{Name: name, Kind: "agent", Address: "http://" + name + ":9100/metrics", District: "湖滨区",
		System: system, Dept: dept}
	if spec != "" {
		t.Labels = map[string]string{"spec": spec}
	}
	return t
}

func entry(t *testing.T, vm, spec, system, dept, start, end string) Entry {
	t.Helper()
	e, err := parseRaw(raw{VM: vm, Spec: spec, System: system, Dept: dept, Start: start, End: end}, false)
	require.NoError(t, err)
	e.Where = "台账.xlsx 第" + vm + "行"
	return e
}

// fixture is the estate at `at` (2026-11-15 12:00 CST) on a real TSDB: each
// VM is there for one case of the join.
func fixture(t *testing.T) (*TSDBPlatform, []inventory.Target, []Entry) {
	db := openTSDB(t)
	hvVM(t, db, "vm-ok", true, 8, 16, "不动产登记系统", "市自然资源局")      // matches its entry: no finding
	hvVM(t, db, "vm-small", true, 4, 8, "不动产登记系统", "市自然资源局")    // 规格不符 8C16G vs 4C8G
	hvVM(t, db, "vm-inv", true, 2, 4, "平台标签系统", "平台标签部门")       // 台账缺失, system from the inventory
	hvVM(t, db, "vm-tag", true, 2, 2, "公积金系统", "市住房公积金中心")      // 台账缺失, system from the platform's tags
	hvVM(t, db, "vm-expired", true, 2, 4, "社保系统", "市人社局")       // 已到期仍在运行 (ended 11-01)
	hvVM(t, db, "vm-soon", true, 2, 4, "社保系统", "市人社局")          // 即将到期 (12-10, 25 days)
	hvVM(t, db, "vm-today", true, 2, 4, "社保系统", "市人社局")         // 即将到期 (ends today, 0 days)
	hvVM(t, db, "vm-30", false, 2, 4, "社保系统", "市人社局")           // 即将到期 (30 days), off: still flagged
	hvVM(t, db, "vm-31", true, 2, 4, "社保系统", "市人社局")            // ends in 31 days: nothing
	hvVM(t, db, "vm-yesterday", true, 2, 4, "社保系统", "市人社局")     // 已到期仍在运行 (ended yesterday)
	hvVM(t, db, "vm-off-expired", false, 2, 4, "社保系统", "市人社局")  // expired but off: nothing
	hvVM(t, db, "vm-off-unlisted", false, 2, 4, "社保系统", "市人社局") // off and not listed: nothing
	hvVM(t, db, "vm-mem", true, 4, 15.9, "社保系统", "市人社局")        // 15.9 GiB rounds to 16: no mismatch with 4C16G
	agentUp(t, db, "vm-agent", 1)                               // no hypervisor: up 1 runs
	agentUp(t, db, "vm-agent-unlisted", 1)                      // 台账缺失 by its agent
	agentUp(t, db, "vm-agent-down", 0)                          // not running: nothing although unlisted
	agentUp(t, db, "vm-agent-stray", 1)                         // up but no longer in the inventory: not a VM
	// Gone from the platform: its last samples are older than the lookback.
	series(t, db, at.Add(-time.Hour), at.Add(-20*time.Minute), 1, "__name__", "hypervisor_vm_info", "vm", "vm-gone", "host", "esxi-02")
	series(t, db, at.Add(-time.Hour), at.Add(-20*time.Minute), 1, "__name__", "hypervisor_vm_running", "vm", "vm-gone")
	// Deleted on the platform: its series ended with a staleness marker.
	series(t, db, at.Add(-4*time.Minute), at.Add(-2*time.Minute), 1, "__name__", "hypervisor_vm_info", "vm", "vm-deleted", "host", "esxi-02")
	sample(t, db, at.Add(-time.Minute), math.Float64frombits(value.StaleNaN), "__name__", "hypervisor_vm_info", "vm", "vm-deleted", "host", "esxi-02")

	targets := []inventory.Target{
		agent("vm-ok", "8C16G", "不动产登记系统", "市自然资源局"),
		agent("vm-inv", "2C4G", "电子证照系统", "市政务服务中心"),
		agent("vm-agent", "2C4G", "OA系统", "市政府办公室"),
		agent("vm-agent-unlisted", "4C8G", "OA系统", "市政府办公室"),
		agent("vm-agent-down", "", "OA系统", "市政府办公室"),
		agent("vm-registered", "", "OA系统", "市政府办公室"),              // in the inventory, no data at all
		{Name: "vm-tag", Kind: "device", Address: "10.0.0.1:161"}, // a device of the same name is not a VM
	}
	entries := []Entry{
		entry(t, "vm-ok", "8C16G", "不动产登记系统", "市自然资源局", "2026-01-01", "2027-12-31"),
		entry(t, "vm-small", "8C16G", "不动产登记系统", "市自然资源局", "2026-01-01", "2027-12-31"),
		entry(t, "vm-expired", "2C4G", "社保系统", "市人社局", "2025-11-01", "2026-11-01"),
		entry(t, "vm-soon", "2C4G", "社保系统", "市人社局", "", "2026-12-10"),
		entry(t, "vm-today", "2C4G", "社保系统", "市人社局", "", "2026-11-15"),
		entry(t, "vm-30", "2C4G", "社保系统", "市人社局", "", "2026-12-15"),
		entry(t, "vm-31", "2C4G", "社保系统", "市人社局", "", "2026-12-16"),
		entry(t, "vm-yesterday", "2C4G", "社保系统", "市人社局", "", "2026-11-14"),
		entry(t, "vm-off-expired", "2C4G", "社保系统", "市人社局", "", "2026-10-01"),
		entry(t, "vm-mem", "4C16G", "社保系统", "市人社局", "", ""),
		entry(t, "vm-agent", "4C8G", "OA系统", "市政府办公室", "", ""), // the inventory's label says 2C4G
		entry(t, "vm-agent-down", "", "OA系统", "市政府办公室", "", ""),
		entry(t, "vm-registered", "2C4G", "OA系统", "市政府办公室", "", ""), // no size known: no spec check
		entry(t, "vm-retired", "4C8G", "旧档案系统", "市档案馆", "2020-01-01", "2025-12-31"),
		entry(t, "vm-gone", "2C4G", "旧档案系统", "市档案馆", "", ""),
		entry(t, "vm-deleted", "2C4G", "旧档案系统", "市档案馆", "", ""),
	}
	return NewTSDBPlatform(db, 0), targets, entries
}

func TestTSDBPlatform(t *testing.T) {
	p, _, _ := fixture(t)
	vms, err := p.VMs(context.Background(), at)
	require.NoError(t, err)
	assert.Equal(t, VM{Name: "vm-small", Known: true, System: "不动产登记系统", Dept: "市自然资源局", Host: "esxi-01",
		State: Running, StateBy: "虚拟化平台电源状态", VCPUs: 4, MemBytes: 8 << 30}, vms["vm-small"])
	assert.Equal(t, VM{Name: "vm-agent", State: Running, StateBy: "监控插件在线"}, vms["vm-agent"])
	assert.Equal(t, VM{Name: "vm-agent-down", State: Stopped, StateBy: "监控插件离线"}, vms["vm-agent-down"])
	assert.Equal(t, Stopped, vms["vm-30"].State)
	assert.NotContains(t, vms, "vm-gone", "older than the lookback")
	assert.NotContains(t, vms, "vm-deleted", "ended with a staleness marker")
	assert.Len(t, vms, 17)

	// An hour earlier vm-gone was there, and nothing else was yet.
	vms, err = p.VMs(context.Background(), at.Add(-30*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []string{"vm-gone"}, keys(vms))
}

func keys(m map[string]VM) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func days(n int) *int { return &n }

func TestJoin(t *testing.T) {
	p, targets, entries := fixture(t)
	vms, err := p.VMs(context.Background(), at)
	require.NoError(t, err)
	got := Join(entries, targets, vms, at, DefaultExpiringDays)

	where := func(vm string) string { return "台账.xlsx 第" + vm + "行" }
	want := []Finding{
		{Kind: Missing, VM: "vm-agent-unlisted", System: "OA系统", Dept: "市政府办公室", State: Running, ActualSpec: "4C8G",
			Detail: "云服务器 vm-agent-unlisted 正在运行（监控插件在线），资源台账中没有登记"},
		{Kind: Missing, VM: "vm-tag", System: "公积金系统", Dept: "市住房公积金中心", State: Running, ActualSpec: "2C2G",
			Detail: "云服务器 vm-tag 正在运行（虚拟化平台电源状态），资源台账中没有登记"},
		{Kind: Missing, VM: "vm-inv", System: "电子证照系统", Dept: "市政务服务中心", State: Running, ActualSpec: "2C4G",
			Detail: "云服务器 vm-inv 正在运行（虚拟化平台电源状态），资源台账中没有登记"},
		{Kind: NoVM, VM: "vm-deleted", System: "旧档案系统", Dept: "市档案馆", State: Unknown, LedgerSpec: "2C4G", Where: where("vm-deleted"),
			Detail: "台账登记了云服务器 vm-deleted（" + where("vm-deleted") + "），但虚拟化平台和监控台账中都没有这台云服务器"},
		{Kind: NoVM, VM: "vm-gone", System: "旧档案系统", Dept: "市档案馆", State: Unknown, LedgerSpec: "2C4G", Where: where("vm-gone"),
			Detail: "台账登记了云服务器 vm-gone（" + where("vm-gone") + "），但虚拟化平台和监控台账中都没有这台云服务器"},
		{Kind: NoVM, VM: "vm-retired", System: "旧档案系统", Dept: "市档案馆", State: Unknown, LedgerSpec: "4C8G",
			TermStart: "2020-01-01", TermEnd: "2025-12-31", Where: where("vm-retired"),
			Detail: "台账登记了云服务器 vm-retired（" + where("vm-retired") + "），但虚拟化平台和监控台账中都没有这台云服务器"},
		{Kind: SpecMismatch, VM: "vm-agent", System: "OA系统", Dept: "市政府办公室", State: Running, LedgerSpec: "4C8G", ActualSpec: "2C4G",
			Where: where("vm-agent"), Detail: "台账规格 4C8G，实际配置 2C4G（监控台账 spec 标签）"},
		{Kind: SpecMismatch, VM: "vm-small", System: "不动产登记系统", Dept: "市自然资源局", State: Running, LedgerSpec: "8C16G", ActualSpec: "4C8G",
			TermStart: "2026-01-01", TermEnd: "2027-12-31", Where: where("vm-small"), Detail: "台账规格 8C16G，实际配置 4C8G（虚拟化平台）"},
		{Kind: ExpiredRunning, VM: "vm-expired", System: "社保系统", Dept: "市人社局", State: Running, LedgerSpec: "2C4G",
			TermStart: "2025-11-01", TermEnd: "2026-11-01", DaysLeft: days(-14), Where: where("vm-expired"),
			Detail: "使用期限已于 2026-11-01 到期（已过 14 天），仍在运行（虚拟化平台电源状态）"},
		{Kind: ExpiredRunning, VM: "vm-yesterday", System: "社保系统", Dept: "市人社局", State: Running, LedgerSpec: "2C4G",
			TermEnd: "2026-11-14", DaysLeft: days(-1), Where: where("vm-yesterday"),
			Detail: "使用期限已于 2026-11-14 到期（已过 1 天），仍在运行（虚拟化平台电源状态）"},
		{Kind: Expiring, VM: "vm-30", System: "社保系统", Dept: "市人社局", State: Stopped, LedgerSpec: "2C4G",
			TermEnd: "2026-12-15", DaysLeft: days(30), Where: where("vm-30"), Detail: "使用期限将于 2026-12-15 到期，剩余 30 天"},
		{Kind: Expiring, VM: "vm-soon", System: "社保系统", Dept: "市人社局", State: Running, LedgerSpec: "2C4G",
			TermEnd: "2026-12-10", DaysLeft: days(25), Where: where("vm-soon"), Detail: "使用期限将于 2026-12-10 到期，剩余 25 天"},
		{Kind: Expiring, VM: "vm-today", System: "社保系统", Dept: "市人社局", State: Running, LedgerSpec: "2C4G",
			TermEnd: "2026-11-15", DaysLeft: days(0), Where: where("vm-today"), Detail: "使用期限将于 2026-11-15 到期，剩余 0 天"},
	}
	for i := range want {
		want[i].KindWord, want[i].StateWord = want[i].Kind.Word(), want[i].State.Word()
	}
	assert.Equal(t, want, got)
}

// The day boundary is CST midnight: at 23:59 on the end day the term still
// runs; a minute later it has expired.
func TestJoinDayBoundary(t *testing.T) {
	e := []Entry{entry(t, "vm-1", "", "", "", "", "2026-11-15")}
	vms := map[string]VM{"vm-1": {Name: "vm-1", Known: true, State: Running, StateBy: "虚拟化平台电源状态"}}
	last := time.Date(2026, 11, 15, 23, 59, 0, 0, at.Location())
	got := Join(e, nil, vms, last, 30)
	require.Len(t, got, 1)
	assert.Equal(t, Expiring, got[0].Kind)
	got = Join(e, nil, vms, last.Add(time.Minute).UTC(), 30)
	require.Len(t, got, 1)
	assert.Equal(t, ExpiredRunning, got[0].Kind)
	assert.Equal(t, -1, *got[0].DaysLeft)
	assert.Empty(t, Join(e, nil, vms, time.Date(2026, 10, 15, 0, 0, 0, 0, at.Location()), 30), "31 days ahead")
	assert.Len(t, Join(e, nil, vms, time.Date(2026, 10, 15, 0, 0, 0, 0, at.Location()), 31), 1, "ExpiringDays is honoured")
}
