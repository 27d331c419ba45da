package report

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// ErrInspectionInput marks input BuildInspection cannot make a report of.
// Single bad entries (a duplicate agent, a NaN point, an unknown severity)
// are not errors: they are left out, counted and listed in Notes.
var ErrInspectionInput = errors.New("invalid inspection input")

// inspectionDistricts is the glossary's order of the ten districts.
var inspectionDistricts = []string{"市本级", "义马市", "渑池县", "湖滨区", "陕州区", "灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}

// unassigned names the group of entities that carry no district.
const unassigned = "未指定"

// inspectionBuild carries the input and the report being built.
type inspectionBuild struct {
	in  InspectionInput
	out *Inspection
}

// BuildInspection computes the daily inspection report from in.
func BuildInspection(in InspectionInput) (*Inspection, error) {
	in, err := in.withDefaults()
	if err != nil {
		inspectionRejected("input")
		return nil, err
	}
	b := &inspectionBuild{in: in, out: &Inspection{
		Date: cst.StartOfDay(in.At).Format("2006-01-02"), GeneratedAt: in.At, Issuer: in.Issuer,
		HorizonDays: in.HorizonDays, Total: StatusGroup{Name: "合计"},
		Thresholds: map[string]float64{MetricDisk: in.DiskThreshold, MetricBandwidth: in.BandwidthThreshold},
	}}
	today := b.snapshot(in.Today, "今日")
	yesterday := b.snapshot(in.Yesterday, "昨日")
	open := b.incidents(in.Open, "未恢复事件")
	b.severities(open)
	b.status(today, open)
	b.changes(today, yesterday, b.incidents(in.Recent, "近24小时事件"), open)
	b.trends()
	b.unresolved(open)
	b.scenic(in.Scenic)
	b.cloud(in.Cloud)
	return b.out, nil
}

func (in InspectionInput) withDefaults() (InspectionInput, error) {
	if in.At.IsZero() {
		return in, fmt.Errorf("%w: no generation time", ErrInspectionInput)
	}
	if in.HorizonDays < 0 || in.HorizonDays > maxForecastDays {
		return in, fmt.Errorf("%w: horizon %d days outside 0…%d", ErrInspectionInput, in.HorizonDays, maxForecastDays)
	}
	in.HorizonDays = cmp.Or(in.HorizonDays, DefaultHorizonDays)
	in.DiskThreshold = cmp.Or(in.DiskThreshold, DefaultDiskThreshold)
	in.BandwidthThreshold = cmp.Or(in.BandwidthThreshold, DefaultBandwidthThreshold)
	for _, th := range []float64{in.DiskThreshold, in.BandwidthThreshold} {
		if math.IsNaN(th) || th <= 0 || th > 1 {
			return in, fmt.Errorf("%w: threshold %v outside (0, 1]", ErrInspectionInput, th)
		}
	}
	return in, nil
}

// inspectionRejected counts input left out, by kind (a bounded set).
func inspectionRejected(kind string) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_report_inspection_rejected_total{kind=%q}`, kind)).Inc()
}

// note records why something was left out and counts it.
func (b *inspectionBuild) note(kind, text string) {
	inspectionRejected(kind)
	b.out.Notes = append(b.out.Notes, text)
}

// snapshot drops unnamed and repeated entities (the first one counts) and
// unknown redundancy states, noting each.
func (b *inspectionBuild) snapshot(s Snapshot, when string) Snapshot {
	var out Snapshot
	seen := map[string]bool{}
	for _, a := range s.Agents {
		if b.keep(a.Instance, "插件", when, seen) {
			out.Agents = append(out.Agents, a)
		}
	}
	seen = map[string]bool{}
	for _, l := range s.Links {
		if !b.keep(l.Name, "链路", when, seen) {
			continue
		}
		if _, ok := redundancyWords[l.Redundancy]; !ok {
			b.note("redundancy", fmt.Sprintf("%s快照中链路 %s 的冗余状态 %q 无法识别，按无冗余处理。", when, l.Name, l.Redundancy))
			l.Redundancy = ""
		}
		out.Links = append(out.Links, l)
	}
	return out
}

func (b *inspectionBuild) keep(name, what, when string, seen map[string]bool) bool {
	switch {
	case name == "":
		b.note("unnamed", when+"快照中有一个未命名的"+what+"，未计入。")
		return false
	case seen[name]:
		b.note("duplicate", fmt.Sprintf("%s快照中%s %s 重复出现，仅计第一条。", when, what, name))
		return false
	}
	seen[name] = true
	return true
}

// incidents drops incidents without ID or opening time and repeated IDs.
func (b *inspectionBuild) incidents(list []IncidentInfo, what string) []IncidentInfo {
	var out []IncidentInfo
	seen := map[string]bool{}
	for _, in := range list {
		switch {
		case in.ID == "" || in.Opened.IsZero():
			b.note("incident", what+"中有一条事件缺少编号或发生时间，未计入。")
			continue
		case seen[in.ID]:
			b.note("duplicate", fmt.Sprintf("%s中事件 %s 重复出现，仅计第一条。", what, in.ID))
			continue
		}
		seen[in.ID] = true
		out = append(out, in)
	}
	return out
}

// severityRank is the index in severityOrder, or len(severityOrder) when unknown.
func severityRank(s string) int {
	if i := slices.Index(severityOrder, s); i >= 0 {
		return i
	}
	return len(severityOrder)
}

// severities notes (but keeps) an open incident of unknown severity, which
// no severity column counts.
func (b *inspectionBuild) severities(open []IncidentInfo) {
	for _, in := range open {
		if severityRank(in.Severity) == len(severityOrder) {
			b.note("severity", fmt.Sprintf("事件 %s 的级别 %q 无法识别，未计入分级统计。", in.ID, in.Severity))
		}
	}
}
