package report

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// vmUsage is one VM's month from its usage days (sla.UsageCPU, …).
type vmUsage struct {
	name     string
	labels   map[string]string
	latest   string    // the date of labels
	seen     [3]uint32 // days added per usage SLI (cpu, memory, disk)
	cpu, mem dayWeights
	cpuDays  int     // days with CPU data
	peak     float64 // highest daily CPU P95
	diskDate string  // the last day with disk data
	disk     float64 // its Last
	size     sizing  // what a target spec is sized by (build_findings_size.go)
}

var ratioUnit = unit{Ratio, 1}

func (b *builder) addUsage(d sla.Day) error {
	v := b.vms[d.Entity]
	if v == nil {
		v = &vmUsage{name: d.Entity}
		b.vms[d.Entity] = v
	}
	if err := once(&v.seen[usageIndex(d.SLI)], d); err != nil {
		return err
	}
	newer(&v.labels, &v.latest, d)
	s := d.Stats
	if s == nil || s.Intervals == 0 {
		return nil // a day without data: its time is Unknown in the tally, no figure
	}
	v.size.add(d)
	switch d.SLI {
	case sla.UsageCPU:
		v.cpu.add(dayIndex(d.Date), s)
		if v.cpuDays == 0 || s.P95 > v.peak {
			v.peak = s.P95
		}
		v.cpuDays++
	case sla.UsageMemory:
		v.mem.add(dayIndex(d.Date), s)
	case sla.UsageDisk:
		if d.Date > v.diskDate {
			v.diskDate, v.disk = d.Date, s.Last
		}
	}
	return nil
}

func usageIndex(name string) int {
	switch name {
	case sla.UsageCPU:
		return 0
	case sla.UsageMemory:
		return 1
	}
	return 2
}

// resources is R-A2: usage per district and system, and the findings.
func (b *builder) resources() ResourceSection {
	th := b.in.Findings.withDefaults()
	vms := make([]*vmUsage, 0, len(b.vms))
	for _, v := range b.vms {
		vms = append(vms, v)
	}
	slices.SortFunc(vms, func(x, y *vmUsage) int { return cmp.Compare(x.name, y.name) })
	fs := th.priced(th.findings(vms, monthDays(b.in.Info.Month)), vms)
	return ResourceSection{Thresholds: th.describe(), VMs: len(vms), Savings: savingsOf(fs),
		ByDistrict: usageGroups(vms, "district", noDistrict, districtOrder()),
		BySystem:   usageGroups(vms, "system", noSystem, nil),
		Findings:   fs}
}

// usageAcc sums one group's VMs: CPU and memory weighted by their intervals,
// peaks and disks averaged over the VMs that have them.
type usageAcc struct {
	vms              int
	cpu, mem         weighted
	peakSum, diskSum float64
	peakN, diskN     int
}

func (a *usageAcc) add(v *vmUsage) {
	a.vms++
	a.cpu.plus(v.cpu.total())
	a.mem.plus(v.mem.total())
	if v.cpuDays > 0 {
		a.peakSum, a.peakN = a.peakSum+v.peak, a.peakN+1
	}
	if v.diskDate != "" {
		a.diskSum, a.diskN = a.diskSum+v.disk, a.diskN+1
	}
}

func mean(sum float64, n int) Value {
	if n == 0 {
		return Value{Kind: Ratio}
	}
	return Value{V: denoise(sum / float64(n)), Kind: Ratio, Known: true}
}

func usageGroups(vms []*vmUsage, name, missing string, order []string) []Usage {
	groups := map[string]*usageAcc{}
	for _, v := range vms {
		g := label(v.labels, name, missing)
		if groups[g] == nil {
			groups[g] = &usageAcc{}
		}
		groups[g].add(v)
	}
	out := make([]Usage, 0, len(groups))
	for g, a := range groups {
		out = append(out, Usage{Name: g, VMs: a.vms, CPU: a.cpu.value(ratioUnit), CPUPeak: mean(a.peakSum, a.peakN),
			Memory: a.mem.value(ratioUnit), Disk: mean(a.diskSum, a.diskN)})
	}
	by := rank(order)
	slices.SortFunc(out, func(x, y Usage) int { return by(x.Name, y.Name) })
	return out
}
