package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/rules/secops"
)

// Security operations (八、安全运营, R-A12), the security-risk report: the
// month's security events by class and district and their top sources
// (folded by rules/secops from the event store), the open vulnerabilities
// by severity and age, the quarter's scan and the regulator's notices
// (rules/secops Service.Month). Both are read by the caller at generation,
// like the cloud's HA proof; a source not connected is said so (未接入),
// never shown as zeros.

// SecurityInput is what the security section reads besides the ledger.
type SecurityInput struct {
	// Events is the month's security events (secops EventTally.Section);
	// nil: the event store is not connected (未接入).
	Events *secops.EventSection
	// Vulns is the month's vulnerabilities, scans and notices (secops
	// Service.Month); nil: security operations are not connected (未接入).
	Vulns *secops.MonthFigures
}

// SecuritySection is 八、安全运营.
type SecuritySection struct {
	EventsOn bool
	Events   SecurityEvents
	VulnsOn  bool // Vulns, Scans and Notices come from one source
	Vulns    VulnFigures
	Scans    ScanStatus
	Notices  NoticeSummary
	// Findings are the section's problems in words: a quarter ended
	// without a scan, vulnerabilities past their deadline, notices answered
	// after 24 hours or not at all.
	Findings []string
}

// SecurityEvents are the month's security events.
type SecurityEvents struct {
	Total      int
	Classes    []SecurityClass    // every security class, in secops.ClassWords' order
	Districts  []SecurityDistrict // districts with events, in the bureau's order, 未知区县 after
	TopSources []SecuritySource   // the 10 busiest source addresses
}

// SecurityClass is one class's events over all districts.
type SecurityClass struct {
	Class, Word string
	Events      int
	Share       Value // Ratio of all the month's security events; unknown without any
}

// SecurityDistrict is one district's events per class (SecurityEvents.Classes).
type SecurityDistrict struct {
	Name    string
	ByClass []int
	Total   int
}

// SecuritySource is one source address and the classes it appears in.
type SecuritySource struct {
	IP      string
	Events  int
	Classes []string // in words, in the classes' order
}

// VulnFigures are the vulnerabilities as they stood at AsOf.
type VulnFigures struct {
	AsOf       time.Time // the month's end, or the generation in the month itself
	Severities []VulnRow // 紧急, 高危, 中危, 低危
	Total      VulnRow   // 合计
}

// VulnRow is one severity's findings; Ages of the open ones: < 7 days,
// 7–30, 30–90, ≥ 90 days since first seen.
type VulnRow struct {
	Word                                  string
	Open, Overdue, Fixed, Accepted        int
	Under7, Days7To30, Days30To90, Over90 int
}

// ScanStatus is the scans of the month and of its quarter.
type ScanStatus struct {
	Month        int    // scans imported in the month
	Quarter      string // 2026年第四季度
	QuarterScans int
	Ended        bool // the quarter ends with this month, and the month is over
	Missing      bool // ended without a scan: a finding
}

// NoticeSummary is the notices (通报) received in the month, as they stand
// at generation.
type NoticeSummary struct {
	Received, Answered, Unanswered, Late int
	Avg, Max                             Value // Seconds, over the answered ones; unknown without any
	Notices                              []NoticeRow
}

// NoticeRow is one notice; Took is received → answered, or its age at
// generation while unanswered.
type NoticeRow struct {
	Title, Issuer           string
	ReceivedAt, RespondedAt time.Time // RespondedAt zero while unanswered
	Answered, Late          bool      // Late: over 24 hours
	Took                    Value     // Seconds
}

// security is the section from the input.
func (b *builder) security() SecuritySection {
	var s SecuritySection
	if e := b.in.Security.Events; e != nil {
		s.EventsOn, s.Events = true, securityEvents(*e)
	}
	if m := b.in.Security.Vulns; m != nil {
		s.VulnsOn, s.Vulns, s.Notices = true, vulnFigures(*m), noticeSummary(m.Notices)
		q := m.Quarter
		s.Scans = ScanStatus{Month: m.Scans, Quarter: q.Word, QuarterScans: q.Scans, Ended: q.Ended, Missing: q.Missing}
		s.Findings = securityFindings(s)
	}
	return s
}

func securityEvents(e secops.EventSection) SecurityEvents {
	out := SecurityEvents{Total: e.Total}
	for _, c := range e.Classes {
		sc := SecurityClass{Class: c.Class, Word: c.Word, Events: c.Total, Share: Value{Kind: Ratio}}
		if e.Total > 0 {
			sc.Share = Value{V: float64(c.Total) / float64(e.Total), Kind: Ratio, Known: true}
		}
		out.Classes = append(out.Classes, sc)
	}
	names := slices.Clone(e.Districts)
	by := rank(districtOrder())
	slices.SortFunc(names, func(x, y string) int {
		// an event from no device of the inventory goes last
		return cmp.Or(cmp.Compare(b2i(x == secops.UnknownDistrict), b2i(y == secops.UnknownDistrict)), by(x, y))
	})
	for _, d := range names {
		row := SecurityDistrict{Name: d}
		for _, c := range e.Classes {
			n := c.ByDistrict[d]
			row.ByClass, row.Total = append(row.ByClass, n), row.Total+n
		}
		out.Districts = append(out.Districts, row)
	}
	words := map[string]string{}
	for _, c := range secops.ClassWords {
		words[c.Class] = c.Word
	}
	for _, src := range e.TopSources {
		s := SecuritySource{IP: src.IP, Events: src.Events}
		for _, c := range src.Classes {
			s.Classes = append(s.Classes, cmp.Or(words[c], c))
		}
		out.TopSources = append(out.TopSources, s)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func vulnFigures(m secops.MonthFigures) VulnFigures {
	v := VulnFigures{AsOf: m.AsOf, Total: VulnRow{Word: "合计"}}
	for _, f := range m.Severities {
		r := VulnRow{Word: f.Word, Open: f.Open, Overdue: f.Overdue, Fixed: f.Fixed, Accepted: f.Accepted,
			Under7: f.Ages.Under7, Days7To30: f.Ages.To30, Days30To90: f.Ages.To90, Over90: f.Ages.Over90}
		v.Severities = append(v.Severities, r)
		t := &v.Total
		t.Open, t.Overdue, t.Fixed, t.Accepted = t.Open+r.Open, t.Overdue+r.Overdue, t.Fixed+r.Fixed, t.Accepted+r.Accepted
		t.Under7, t.Days7To30 = t.Under7+r.Under7, t.Days7To30+r.Days7To30
		t.Days30To90, t.Over90 = t.Days30To90+r.Days30To90, t.Over90+r.Over90
	}
	return v
}

func noticeSummary(n secops.NoticeFigures) NoticeSummary {
	s := NoticeSummary{Received: n.Received, Answered: n.Answered, Unanswered: n.Unanswered, Late: n.Late,
		Avg: Value{Kind: Seconds}, Max: Value{Kind: Seconds}}
	if n.Answered > 0 {
		s.Avg = Value{V: float64(n.AvgResponseSeconds), Kind: Seconds, Known: true}
		s.Max = Value{V: float64(n.MaxResponseSeconds), Kind: Seconds, Known: true}
	}
	for _, x := range n.Notices {
		s.Notices = append(s.Notices, NoticeRow{Title: x.Title, Issuer: x.Issuer, ReceivedAt: x.ReceivedAt,
			RespondedAt: x.RespondedAt, Answered: x.Answered, Late: x.Late,
			Took: Value{V: float64(x.ResponseSeconds), Kind: Seconds, Known: true}})
	}
	return s
}

// securityFindings are the problems the bureau must see first.
func securityFindings(s SecuritySection) []string {
	var out []string
	if s.Scans.Missing {
		out = append(out, s.Scans.Quarter+"未开展漏洞扫描，不符合每季度扫描一次的要求。")
	}
	if n := s.Vulns.Total.Overdue; n > 0 {
		out = append(out, "逾期未修复漏洞 "+itoa(n)+" 项（紧急、高危 7 天，中危 30 天，低危 90 天内应修复）。")
	}
	late := 0
	for _, x := range s.Notices.Notices {
		if x.Late && x.Answered {
			late++
		}
	}
	if late > 0 {
		out = append(out, "监管通报超过 24 小时答复 "+itoa(late)+" 件。")
	}
	if n := s.Notices.Late - late; n > 0 {
		out = append(out, "监管通报超过 24 小时仍未答复 "+itoa(n)+" 件。")
	}
	return out
}

// values lists the section's figures, for Validate.
func (s SecuritySection) values() []Value {
	vs := []Value{s.Notices.Avg, s.Notices.Max}
	for _, c := range s.Events.Classes {
		vs = append(vs, c.Share)
	}
	for _, n := range s.Notices.Notices {
		vs = append(vs, n.Took)
	}
	return vs
}
