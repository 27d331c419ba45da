package report

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// pUsage is a VM's usage days with its spec label ("" none): CPU mean, P95
// and max, memory mean and max, the same every day from..to.
func pUsage(vm, system, spec string, from, to int, cpu, p95, cpuMax, mem, memMax float64) []sla.Day {
	labels := mLabels("instance", vm, "district", "湖滨区", "system", system)
	if spec != "" {
		labels["spec"] = spec
	}
	var ds []sla.Day
	for d := from; d <= to; d++ {
		c := sla.Stats{Mean: cpu, P95: p95, Max: cpuMax, Last: cpu, Intervals: 288}
		m := sla.Stats{Mean: mem, P95: mem, Max: memMax, Last: mem, Intervals: 288}
		ds = append(ds, sla.Day{SLI: sla.UsageCPU, Entity: vm, Labels: labels, Date: mDate(d), Tally: mGood(86400), Stats: &c},
			sla.Day{SLI: sla.UsageMemory, Entity: vm, Labels: labels, Date: mDate(d), Tally: mGood(86400), Stats: &m})
	}
	return ds
}

// pricedDays: the needs worked out by hand (need = size × highest max × 1.2)
// and the prices read from the contract's list.
//
//	vm-a  8C16G idle                      → 关停, 509
//	vm-b  8C16G low, alone in S1: 8×0.25×1.2 = 2.4 vCPU, 16×0.35×1.2 = 6.72 GB → 4C8G, 509 − 255 = 254
//	vm-c  6C12G low: not a fixed spec     → no price
//	vm-d  no spec label                   → no price
//	S4 vm-e 8C32G: 1.92 vCPU, 7.68 GB → 2C8G (159), saves 477; vm-f 4C8G: 0.96, 2.88 → 2C4G (127), saves 128;
//	   together 2.88 vCPU, 10.56 GB → 4C16G (318): 891 − 318 = 573 < 477 + 128, so each is downsized
//	S5 vm-g, vm-h 2C2G: each 0.6 vCPU, 0.96 GB, already the cheapest spec (no downsize saving);
//	   together 1.2 vCPU, 1.92 GB → 2C2G: 158 − 79 = 79 > 0, consolidate onto vm-g (first by name)
//	vm-new 2C4G idle but only 11 days of data (< 14)
func pricedDays() []sla.Day {
	var ds []sla.Day
	for _, x := range [][]sla.Day{
		pUsage("vm-a", "S0", "8C16G", 1, 30, 0.01, 0.04, 0.05, 0.10, 0.12),
		pUsage("vm-b", "S1", "8C16G", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.35),
		pUsage("vm-c", "S2", "6C12G", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.35),
		pUsage("vm-d", "S3", "", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.35),
		pUsage("vm-e", "S4", "8C32G", 1, 30, 0.05, 0.15, 0.20, 0.15, 0.20),
		pUsage("vm-f", "S4", "4C8G", 1, 30, 0.05, 0.15, 0.20, 0.25, 0.30),
		pUsage("vm-g", "S5", "2C2G", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.40),
		pUsage("vm-h", "S5", "2c2g", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.40),
		pUsage("vm-new", "S0", "2C4G", 20, 30, 0.01, 0.04, 0.05, 0.10, 0.12),
	} {
		ds = append(ds, x...)
	}
	return ds
}

func buildPriced(t *testing.T, th Thresholds, days []sla.Day) ResourceSection {
	t.Helper()
	in := fixtureInput(days)
	in.Findings = th
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	return r.Resources
}

func TestFindingsPriced(t *testing.T) {
	rs := buildPriced(t, DefaultThresholds(), pricedDays())
	type row struct {
		rec   string
		price Pricing
	}
	got := map[string]row{}
	for _, f := range rs.Findings {
		got[f.VM] = row{f.Recommendation, Pricing{Spec: f.Price.Spec, Target: f.Price.Target, Keeper: f.Price.Keeper,
			Known: f.Price.Known, Yuan: f.Price.Yuan}}
		assert.NotEmpty(t, f.Reason, f.VM)
	}
	assert.Equal(t, map[string]row{
		"vm-a": {"shut_down", Pricing{Spec: "8C16G", Known: true, Yuan: 509}},
		"vm-b": {"downsize", Pricing{Spec: "8C16G", Target: "4C8G", Known: true, Yuan: 254}},
		"vm-c": {"downsize", Pricing{Spec: "6C12G"}},
		"vm-d": {"downsize", Pricing{}},
		"vm-e": {"downsize", Pricing{Spec: "8C32G", Target: "2C8G", Known: true, Yuan: 477}},
		"vm-f": {"downsize", Pricing{Spec: "4C8G", Target: "2C4G", Known: true, Yuan: 128}},
		"vm-g": {"consolidate", Pricing{Spec: "2C2G", Target: "2C2G", Known: true, Yuan: 0}},
		"vm-h": {"consolidate", Pricing{Spec: "2C2G", Target: "2C2G", Keeper: "vm-g", Known: true, Yuan: 79}},
	}, got, "vm-new has 11 days of data, fewer than 14")
	assert.Equal(t, Savings{Priced: 6, Unpriced: 2, Yuan: 509 + 254 + 477 + 128 + 0 + 79}, rs.Savings)
	for _, f := range rs.Findings {
		switch f.VM {
		case "vm-c":
			assert.Contains(t, f.Price.Note, "6C12G 不是合同价格表中的云主机固定规格")
		case "vm-d":
			assert.Contains(t, f.Price.Note, "spec 标签缺失")
		case "vm-b":
			assert.Contains(t, f.Reason, "2.4 vCPU、6.7 GB")
			assert.Contains(t, f.Reason, "由 8C16G（509 元/月）降配为 4C8G（255 元/月）")
		case "vm-h":
			assert.Contains(t, f.Reason, "可整合到 vm-g 并调整为 2C2G（79 元/月），其余关停，合计节省 79 元/月")
		}
	}
}

// A consolidation member that cannot be priced leaves the whole group
// unpriced: a partial sum would be a made-up figure.
func TestFindingsConsolidationUnpriced(t *testing.T) {
	days := append(pUsage("vm-g", "S5", "2C2G", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.40),
		pUsage("vm-x", "S5", "3C3G", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.40)...)
	rs := buildPriced(t, DefaultThresholds(), days)
	require.Len(t, rs.Findings, 2)
	for _, f := range rs.Findings {
		assert.Equal(t, "consolidate", f.Recommendation)
		assert.False(t, f.Price.Known)
		assert.Contains(t, f.Price.Note, "vm-x")
	}
	assert.Equal(t, Savings{Unpriced: 2}, rs.Savings)
}

// A VM without memory data cannot be sized: no target is guessed.
func TestFindingsNoMemoryNoTarget(t *testing.T) {
	var days []sla.Day
	for _, d := range pUsage("vm-b", "S1", "8C16G", 1, 30, 0.05, 0.20, 0.25, 0.30, 0.35) {
		if d.SLI == sla.UsageCPU {
			days = append(days, d)
		}
	}
	rs := buildPriced(t, DefaultThresholds(), days)
	require.Len(t, rs.Findings, 1)
	assert.Equal(t, Pricing{Spec: "8C16G", Note: "无内存使用数据，无法确定目标规格"}, rs.Findings[0].Price)
}

// The age rule: with min_days lowered to 5, a VM first seen on the 26th of a
// 30-day month is 5 days old and left out; one first seen on the 24th (7
// days) is judged.
func TestFindingsMinAge(t *testing.T) {
	th := DefaultThresholds()
	th.MinDays = 5
	days := append(pUsage("vm-5d", "S0", "2C4G", 26, 30, 0.01, 0.04, 0.05, 0.10, 0.12),
		pUsage("vm-7d", "S0", "2C4G", 24, 30, 0.01, 0.04, 0.05, 0.10, 0.12)...)
	rs := buildPriced(t, th, days)
	require.Len(t, rs.Findings, 1)
	assert.Equal(t, "vm-7d", rs.Findings[0].VM)
	assert.Equal(t, 127, rs.Findings[0].Price.Yuan)
}

// The headroom is configurable: vm-m needs 8×0.2 = 1.6 vCPU and
// 16×0.45 = 7.2 GB; with 20 % 1.92 and 8.64 GB → 4C16G (318), with 0.01 %
// 2C8G (159).
func TestFindingsHeadroom(t *testing.T) {
	days := pUsage("vm-m", "S1", "8C16G", 1, 30, 0.05, 0.15, 0.20, 0.30, 0.45)
	rs := buildPriced(t, DefaultThresholds(), days)
	require.Len(t, rs.Findings, 1)
	assert.Equal(t, "4C16G", rs.Findings[0].Price.Target)
	assert.Equal(t, 509-318, rs.Findings[0].Price.Yuan)
	th := DefaultThresholds()
	th.Headroom = 0.0001
	rs = buildPriced(t, th, days)
	require.Len(t, rs.Findings, 1)
	assert.Equal(t, "2C8G", rs.Findings[0].Price.Target)
	assert.Equal(t, 509-159, rs.Findings[0].Price.Yuan)
}

func TestThresholdsValidateNew(t *testing.T) {
	assert.NoError(t, DefaultThresholds().Validate())
	assert.Error(t, Thresholds{Headroom: 1.5}.Validate())
	assert.Error(t, Thresholds{MinAgeDays: 40}.Validate())
}

func TestFollowUpState(t *testing.T) {
	f := Finding{VM: "vm-a", Recommendation: "shut_down"}
	assert.Equal(t, "未跟踪", FollowUp{}.State(f))
	u := FollowUp{Tracked: true, States: map[string]string{FindingKey("vm-a", "shut_down"): "已通知"}}
	assert.Equal(t, "已通知", u.State(f))
	assert.Equal(t, "待处理", u.State(Finding{VM: "vm-b", Recommendation: "downsize"}))
}
