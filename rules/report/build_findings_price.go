package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/swanwatch/swanwatch/internal/pricelist"
)

// Pricing is a finding's action priced from the contract's price list
// (internal/pricelist). Where the VM's spec label is missing or is not a
// fixed spec of the contract, no price is invented: Known is false and Note
// says why.
type Pricing struct {
	Spec   string // the VM's `spec` label, e.g. 8C16G; "" when the inventory has none
	Target string // downsize: the spec to move to; consolidate: the spec of the VM the group moves onto
	Keeper string // consolidate: the VM the others move onto ("" on that VM itself)
	Known  bool   // Yuan is from the price list
	Yuan   int    // saving in 元/月; on a consolidation's keeper it may be negative (it grows)
	Note   string // Chinese: why there is no price (Known false)
}

// Savings totals the priced findings of the month.
type Savings struct {
	Priced   int // findings with a saving from the price list
	Unpriced int // findings without (spec missing, not in the list, no memory data)
	Yuan     int // Σ Yuan of the priced findings, 元/月
}

func savingsOf(fs []Finding) Savings {
	var s Savings
	for _, f := range fs {
		if f.Price.Known {
			s.Priced++
			s.Yuan += f.Price.Yuan
		} else {
			s.Unpriced++
		}
	}
	return s
}

// currentSpec prices the VM's spec label, or says why it cannot.
func currentSpec(v *vmUsage) (pricelist.Spec, string) {
	label := v.labels["spec"]
	if label == "" {
		return pricelist.Spec{}, "台账未登记规格（spec 标签缺失），无法按合同价格计算节省"
	}
	s, ok := pricelist.LookupLabel(label)
	if !ok {
		return pricelist.Spec{}, "规格 " + label + " 不是合同价格表中的云主机固定规格，无法计价"
	}
	return s, ""
}

// priced adds each finding's price: shut down saves the spec's price,
// downsize the difference to the cheapest spec that fits, consolidation the
// group's prices minus the one spec they move onto.
func (t Thresholds) priced(fs []Finding, vms []*vmUsage) []Finding {
	byName := make(map[string]*vmUsage, len(vms))
	for _, v := range vms {
		byName[v.name] = v
	}
	groups := map[string][]int{}
	for i := range fs {
		v := byName[fs[i].VM]
		switch fs[i].Recommendation {
		case "shut_down":
			fs[i].Price = shutDownPrice(v)
		case "downsize":
			t.downsize(&fs[i], v)
		case "consolidate":
			groups[fs[i].System] = append(groups[fs[i].System], i)
		}
	}
	systems := make([]string, 0, len(groups))
	for s := range groups {
		systems = append(systems, s)
	}
	slices.Sort(systems)
	for _, s := range systems {
		t.consolidate(fs, groups[s], byName)
	}
	return fs
}

func shutDownPrice(v *vmUsage) Pricing {
	cur, note := currentSpec(v)
	if note != "" {
		return Pricing{Spec: v.labels["spec"], Note: note}
	}
	return Pricing{Spec: cur.String(), Known: true, Yuan: cur.Yuan}
}

// target is the cheapest spec fitting the VM's highest use with headroom.
func (t Thresholds) target(v *vmUsage) (cur, tgt pricelist.Spec, needC, needM float64, note string) {
	if cur, note = currentSpec(v); note != "" {
		return cur, tgt, 0, 0, note
	}
	if !v.size.memKnown {
		return cur, tgt, 0, 0, "无内存使用数据，无法确定目标规格"
	}
	needC, needM = v.size.need(cur.VCPU, cur.MemGB, t.Headroom)
	tgt, ok := pricelist.CheapestFit(needC, needM)
	if !ok || tgt.Yuan > cur.Yuan {
		tgt = cur // the use fits the current spec by definition (ratios ≤ 1 before headroom)
	}
	return cur, tgt, needC, needM, ""
}

func (t Thresholds) downsize(f *Finding, v *vmUsage) {
	cur, tgt, needC, needM, note := t.target(v)
	if note != "" {
		f.Price = Pricing{Spec: v.labels["spec"], Note: note}
		return
	}
	f.Price = Pricing{Spec: cur.String(), Target: tgt.String(), Known: true, Yuan: cur.Yuan - tgt.Yuan}
	use := fmt.Sprintf("CPU平均与峰值低于低效标准（%s、%s）；CPU最高 %s、内存最高 %s，加 %s 余量需 %.1f vCPU、%.1f GB，",
		pct(t.LowCPUMean), pct(t.LowCPUPeak), pctShort(v.size.cpuMax), pctShort(v.size.memMax), pct(t.Headroom), needC, needM)
	if tgt == cur {
		f.Reason = use + "合同价格表中没有更便宜的规格能容纳，维持 " + cur.String() + "。"
		return
	}
	f.Reason = use + fmt.Sprintf("建议由 %s（%d 元/月）降配为 %s（%d 元/月）。", cur, cur.Yuan, tgt, tgt.Yuan)
}

// consolidate prices one system's consolidation: every member sized, the
// sum fitted into one spec on the member with the dearest spec, the others
// shut down. When that saves no more than downsizing each, each is
// downsized instead; when a member cannot be priced, none of the group is.
func (t Thresholds) consolidate(fs []Finding, idx []int, byName map[string]*vmUsage) {
	type member struct {
		i        int
		cur, tgt pricelist.Spec
	}
	var ms []member
	var sumC, sumM float64
	var sumPrice, downSaving int
	var unpriced []string
	for _, i := range idx {
		cur, tgt, c, m, note := t.target(byName[fs[i].VM])
		if note != "" {
			unpriced = append(unpriced, fs[i].VM)
			continue
		}
		ms = append(ms, member{i, cur, tgt})
		sumC, sumM, sumPrice, downSaving = sumC+c, sumM+m, sumPrice+cur.Yuan, downSaving+cur.Yuan-tgt.Yuan
	}
	if len(unpriced) > 0 {
		for _, i := range idx {
			fs[i].Price = Pricing{Spec: byName[fs[i].VM].labels["spec"],
				Note: "同系统待整合的云服务器 " + strings.Join(unpriced, "、") + " 缺少规格、规格不在合同价格表或无内存数据，整合节省无法计算"}
		}
		return
	}
	into, ok := pricelist.CheapestFit(sumC, sumM)
	if !ok || sumPrice-into.Yuan <= downSaving {
		for _, i := range idx {
			fs[i].Recommendation = "downsize"
			t.downsize(&fs[i], byName[fs[i].VM])
		}
		return
	}
	keeper := slices.MaxFunc(ms, func(a, b member) int {
		return cmp.Or(cmp.Compare(a.cur.Yuan, b.cur.Yuan), cmp.Compare(fs[b.i].VM, fs[a.i].VM))
	})
	why := fmt.Sprintf("同一系统 %d 台低效云服务器，CPU与内存最高值加 %s 余量合计 %.1f vCPU、%.1f GB，可整合到 %s 并调整为 %s（%d 元/月），其余关停，合计节省 %d 元/月；",
		len(ms), pct(t.Headroom), sumC, sumM, fs[keeper.i].VM, into, into.Yuan, sumPrice-into.Yuan)
	for _, m := range ms {
		f := &fs[m.i]
		if m.i == keeper.i {
			f.Price = Pricing{Spec: m.cur.String(), Target: into.String(), Known: true, Yuan: m.cur.Yuan - into.Yuan}
			f.Reason = why + fmt.Sprintf("本机由 %s 调整为 %s，承接其余各台。", m.cur, into)
			continue
		}
		f.Price = Pricing{Spec: m.cur.String(), Target: into.String(), Keeper: fs[keeper.i].VM, Known: true, Yuan: m.cur.Yuan}
		f.Reason = why + fmt.Sprintf("本机业务迁至 %s 后关停（%s，%d 元/月）。", fs[keeper.i].VM, m.cur, m.cur.Yuan)
	}
}

// pctShort is a measured ratio for a reason text: 0.1234 → "12.3%".
func pctShort(v float64) string { return fmt.Sprintf("%.1f%%", v*100) }
