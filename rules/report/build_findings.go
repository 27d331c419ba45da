package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Thresholds decide the R-A2 findings (docs/report.md justifies the
// defaults). All ratios are 0…1 and compared strictly ("below"). A zero
// field takes its default: no threshold of 0 could ever be undercut.
type Thresholds struct {
	MinDays     int     `yaml:"min_days"`      // days with CPU data in the month before a VM is judged; default 14
	MinAgeDays  int     `yaml:"min_age_days"`  // and first seen at least this many days before the month's end; 0: 7
	IdleCPUMean float64 `yaml:"idle_cpu_mean"` // idle: month CPU mean below; default 0.03
	IdleCPUPeak float64 `yaml:"idle_cpu_peak"` // and peak (highest daily P95) below; default 0.10
	IdleMemory  float64 `yaml:"idle_memory"`   // and month memory mean below; default 0.20
	LowCPUMean  float64 `yaml:"low_cpu_mean"`  // low use: CPU mean below; default 0.10
	LowCPUPeak  float64 `yaml:"low_cpu_peak"`  // and peak below; default 0.30
	Headroom    float64 `yaml:"headroom"`      // a target spec fits the highest use times 1 + headroom; 0: 0.20
}

// The defaults of the sizing fields, which DefaultThresholds leaves at 0
// ("take the default") so that a configuration written before they existed
// reads the same.
const (
	defaultMinAgeDays = 7
	defaultHeadroom   = 0.20
)

// DefaultThresholds returns the documented defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{MinDays: 14, IdleCPUMean: 0.03, IdleCPUPeak: 0.10, IdleMemory: 0.20, LowCPUMean: 0.10, LowCPUPeak: 0.30}
}

// Validate checks a configured Thresholds: ratios within (0, 1) or 0 for
// the default, min_days within a month, and idle no looser than low use
// (else every low-use VM would be called idle).
func (t Thresholds) Validate() error {
	for name, v := range map[string]float64{"idle_cpu_mean": t.IdleCPUMean, "idle_cpu_peak": t.IdleCPUPeak,
		"idle_memory": t.IdleMemory, "low_cpu_mean": t.LowCPUMean, "low_cpu_peak": t.LowCPUPeak, "headroom": t.Headroom} {
		if !(v >= 0 && v < 1) {
			return fmt.Errorf("%s: %v is not a ratio in (0, 1) (0 takes the default)", name, v)
		}
	}
	if t.MinDays < 0 || t.MinDays > 31 {
		return fmt.Errorf("min_days: %d is not between 1 and 31 (0 takes the default)", t.MinDays)
	}
	if t.MinAgeDays < 0 || t.MinAgeDays > 31 {
		return fmt.Errorf("min_age_days: %d is not between 1 and 31 (0 takes the default)", t.MinAgeDays)
	}
	d := t.withDefaults()
	if d.IdleCPUMean > d.LowCPUMean || d.IdleCPUPeak > d.LowCPUPeak {
		return fmt.Errorf("idle_cpu_mean %v and idle_cpu_peak %v must not exceed low_cpu_mean %v and low_cpu_peak %v",
			d.IdleCPUMean, d.IdleCPUPeak, d.LowCPUMean, d.LowCPUPeak)
	}
	return nil
}

func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds()
	pick := func(v, def float64) float64 {
		if v > 0 {
			return v
		}
		return def
	}
	if t.MinDays <= 0 {
		t.MinDays = d.MinDays
	}
	if t.MinAgeDays <= 0 {
		t.MinAgeDays = defaultMinAgeDays
	}
	t.Headroom = pick(t.Headroom, defaultHeadroom)
	t.IdleCPUMean, t.IdleCPUPeak = pick(t.IdleCPUMean, d.IdleCPUMean), pick(t.IdleCPUPeak, d.IdleCPUPeak)
	t.IdleMemory = pick(t.IdleMemory, d.IdleMemory)
	t.LowCPUMean, t.LowCPUPeak = pick(t.LowCPUMean, d.LowCPUMean), pick(t.LowCPUPeak, d.LowCPUPeak)
	return t
}

// pct renders a threshold for a person: 0.03 → "3%".
func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', -1, 64) + "%" }

func (t Thresholds) describe() string {
	t = t.withDefaults()
	return fmt.Sprintf("本月有CPU数据不少于 %d 天、且首次出现距月末不少于 %d 天的云服务器参与判定。闲置资源：月CPU平均 < %s、CPU峰值（各日P95的最高值）< %s 且月内存平均 < %s，建议关停；"+
		"低效资源：非闲置且月CPU平均 < %s、CPU峰值 < %s，同一系统有两台及以上低效云服务器时建议整合，否则建议降配。"+
		"目标规格为合同价格表中能容纳CPU与内存最高值（各日最大值，不低于P99）再加 %s 余量的最便宜固定规格；"+
		"节省金额按合同价格表计算：关停为现规格月价，降配为现规格与目标规格月价之差，整合为各台月价之和与整合后规格月价之差。",
		t.MinDays, t.MinAgeDays, pct(t.IdleCPUMean), pct(t.IdleCPUPeak), pct(t.IdleMemory), pct(t.LowCPUMean), pct(t.LowCPUPeak), pct(t.Headroom))
}

// judged: enough days of data, and not a VM created in the month's last
// days (a new VM is quiet until its system goes live). monthDays is the
// number of days of the report's month.
func (t Thresholds) judged(v *vmUsage, monthDays int) bool {
	return v.cpuDays >= t.MinDays && v.size.first > 0 && monthDays-v.size.first+1 >= t.MinAgeDays
}

func (t Thresholds) idle(v *vmUsage) bool {
	c, m := v.cpu.total().value(ratioUnit), v.mem.total().value(ratioUnit)
	return m.Known && c.V < t.IdleCPUMean && v.peak < t.IdleCPUPeak && m.V < t.IdleMemory
}

func (t Thresholds) low(v *vmUsage) bool {
	return v.cpu.total().value(ratioUnit).V < t.LowCPUMean && v.peak < t.LowCPUPeak
}

// findings judges every VM: idle ones first, then low-use ones, each by
// CPU mean, lowest first.
func (t Thresholds) findings(vms []*vmUsage, monthDays int) []Finding {
	var idle, low []*vmUsage
	perSystem := map[string]int{}
	for _, v := range vms {
		switch {
		case !t.judged(v, monthDays):
		case t.idle(v):
			idle = append(idle, v)
		case t.low(v):
			low = append(low, v)
			if s := v.labels["system"]; s != "" {
				perSystem[s]++
			}
		}
	}
	var out []Finding
	for _, v := range idle {
		out = append(out, t.finding(v, "idle", "shut_down", fmt.Sprintf("CPU平均、峰值与内存平均均低于闲置标准（%s、%s、%s），无业务负载，建议与使用单位确认后关停回收。",
			pct(t.IdleCPUMean), pct(t.IdleCPUPeak), pct(t.IdleMemory))))
	}
	for _, v := range low {
		f := t.finding(v, "low_use", "downsize", fmt.Sprintf("CPU平均与峰值低于低效标准（%s、%s），配置高于负载，建议降配（vCPU减半后峰值仍低于 %s）。",
			pct(t.LowCPUMean), pct(t.LowCPUPeak), pct(2*t.LowCPUPeak)))
		if n := perSystem[v.labels["system"]]; n >= 2 && v.labels["system"] != "" {
			f.Recommendation = "consolidate"
			f.Reason = fmt.Sprintf("CPU平均与峰值低于低效标准（%s、%s），同一系统共有 %d 台低效云服务器，建议整合。", pct(t.LowCPUMean), pct(t.LowCPUPeak), n)
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(x, y Finding) int {
		return cmp.Or(cmp.Compare(x.Class, y.Class), cmp.Compare(x.CPU.V, y.CPU.V), cmp.Compare(x.VM, y.VM))
	})
	return out
}

func (t Thresholds) finding(v *vmUsage, class, rec, reason string) Finding {
	return Finding{VM: v.name, District: label(v.labels, "district", noDistrict), System: label(v.labels, "system", noSystem),
		Class: class, CPU: v.cpu.total().value(ratioUnit), CPUPeak: Value{V: v.peak, Kind: Ratio, Known: true},
		Memory: v.mem.total().value(ratioUnit), Days: v.cpuDays, Recommendation: rec, Reason: reason, Dept: v.labels["dept"]}
}
