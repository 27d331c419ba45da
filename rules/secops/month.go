package secops

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// AgeBuckets count open findings by how long they have been open.
type AgeBuckets struct {
	Under7 int `json:"under_7d"` // < 7 days
	To30   int `json:"d7_30"`    // 7–30 days
	To90   int `json:"d30_90"`   // 30–90 days
	Over90 int `json:"over_90d"` // ≥ 90 days
}

func (a *AgeBuckets) add(age time.Duration) {
	switch d := 24 * time.Hour; {
	case age < 7*d:
		a.Under7++
	case age < 30*d:
		a.To30++
	case age < 90*d:
		a.To90++
	default:
		a.Over90++
	}
}

// SeverityFigures are one severity's findings for the month.
type SeverityFigures struct {
	Severity Severity   `json:"severity"`
	Word     string     `json:"word"`     // 紧急 …
	Open     int        `json:"open"`     // open at the month's end
	Ages     AgeBuckets `json:"ages"`     // of the open ones
	Overdue  int        `json:"overdue"`  // open and past the deadline
	Fixed    int        `json:"fixed"`    // fixed during the month
	Accepted int        `json:"accepted"` // accepted (not open) at the month's end
}

// QuarterStatus is the scan status of the month's quarter (R-A12: a scan
// every quarter).
type QuarterStatus struct {
	Quarter string `json:"quarter"` // 2026-Q4
	Word    string `json:"word"`    // 2026年第四季度
	Scans   int    `json:"scans"`   // scans run in the quarter, imported by the month's end
	Ended   bool   `json:"ended"`   // the quarter ends with this month, and the month is over
	Missing bool   `json:"missing"` // ended without a scan: a finding of the report
}

// NoticeLine is one notice received in the month.
type NoticeLine struct {
	ID              int64     `json:"id"`
	Title           string    `json:"title"`
	Issuer          string    `json:"issuer"`
	ReceivedAt      time.Time `json:"received_at"`
	Answered        bool      `json:"answered"`
	RespondedAt     time.Time `json:"responded_at,omitzero"`
	ResponseSeconds int64     `json:"response_seconds"` // or its age while unanswered
	Late            bool      `json:"late"`             // over 24 hours
}

// NoticeFigures are the notices received in the month, as they stand now.
type NoticeFigures struct {
	Received           int          `json:"received"`
	Answered           int          `json:"answered"`
	Unanswered         int          `json:"unanswered"`
	Late               int          `json:"late"`                 // answered after 24 h, or unanswered past it
	AvgResponseSeconds int64        `json:"avg_response_seconds"` // of the answered ones
	MaxResponseSeconds int64        `json:"max_response_seconds"`
	Notices            []NoticeLine `json:"notices"`
}

// MonthFigures are the vulnerability and notice figures of the monthly
// report's 安全运营 section.
type MonthFigures struct {
	Month      string            `json:"month"`
	AsOf       time.Time         `json:"as_of"`      // the month's end, or now for the month in progress
	Severities []SeverityFigures `json:"severities"` // 紧急, 高危, 中危, 低危
	Open       int               `json:"open"`
	Ages       AgeBuckets        `json:"ages"`
	Overdue    int               `json:"overdue"`
	Fixed      int               `json:"fixed"`
	Accepted   int               `json:"accepted"`
	Scans      int               `json:"scans"` // imported this month
	Quarter    QuarterStatus     `json:"quarter"`
	Notices    NoticeFigures     `json:"notices"`
}

// Month returns the figures of month (YYYY-MM, CST). A finding counts as
// open at the month's end when it was first seen before, and neither fixed
// nor accepted before; the states are the store's (a finding fixed and
// found again counts from its new first sighting). Notices are those
// received in the month, with their responses as they stand now.
func (s *Service) Month(ctx context.Context, month string) (MonthFigures, error) {
	start, err := time.ParseInLocation("2006-01", month, cst.Location)
	if err != nil || start.Format("2006-01") != month {
		return MonthFigures{}, badInput("月份 %q 须为 YYYY-MM", month)
	}
	now := s.now()
	end := start.AddDate(0, 1, 0)
	asOf := end
	if now.Before(end) {
		asOf = now
	}
	m := MonthFigures{Month: month, AsOf: asOf}
	if err := s.monthVulns(ctx, &m, start, asOf); err != nil {
		return m, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM secops_scans WHERE imported_at >= ? AND imported_at < ?`,
		start.UnixMilli(), asOf.UnixMilli()).Scan(&m.Scans); err != nil {
		return m, fmt.Errorf("count the month's scans: %w", err)
	}
	q := quarterOf(start)
	m.Quarter = QuarterStatus{Quarter: q.name, Word: q.word(), Ended: !q.end.After(asOf)}
	if m.Quarter.Scans, err = scansIn(ctx, s.db, q.start, q.end, asOf); err != nil {
		return m, fmt.Errorf("count the quarter's scans: %w", err)
	}
	m.Quarter.Missing = m.Quarter.Ended && m.Quarter.Scans == 0
	ns, err := s.queryNotices(ctx, now, `SELECT `+noticeColumns+` FROM secops_notices WHERE received_at >= ? AND received_at < ?
		ORDER BY received_at, id`, start.UnixMilli(), end.UnixMilli())
	if err != nil {
		return m, err
	}
	m.Notices = noticeFigures(ns)
	return m, nil
}

// monthVulns counts the findings as they stood at asOf.
func (s *Service) monthVulns(ctx context.Context, m *MonthFigures, start, asOf time.Time) error {
	vs, err := s.queryVulns(ctx, asOf, `SELECT `+vulnColumns+` FROM secops_vulns WHERE first_seen < ?`, asOf.UnixMilli())
	if err != nil {
		return err
	}
	by := map[Severity]*SeverityFigures{}
	for _, sev := range Severities {
		m.Severities = append(m.Severities, SeverityFigures{Severity: sev, Word: sev.Word()})
	}
	for i := range m.Severities {
		by[m.Severities[i].Severity] = &m.Severities[i]
	}
	for _, v := range vs {
		f := by[v.Severity]
		switch {
		case !v.FixedAt.IsZero() && v.FixedAt.Before(asOf):
			if !v.FixedAt.Before(start) {
				f.Fixed++
			}
		case v.State == Accepted && v.AcceptedAt.Before(asOf):
			f.Accepted++
		default:
			f.Open++
			f.Ages.add(asOf.Sub(v.FirstSeen))
			if v.Deadline.Before(asOf) {
				f.Overdue++
			}
		}
	}
	for _, f := range m.Severities {
		m.Open, m.Overdue, m.Fixed, m.Accepted = m.Open+f.Open, m.Overdue+f.Overdue, m.Fixed+f.Fixed, m.Accepted+f.Accepted
		m.Ages.Under7, m.Ages.To30 = m.Ages.Under7+f.Ages.Under7, m.Ages.To30+f.Ages.To30
		m.Ages.To90, m.Ages.Over90 = m.Ages.To90+f.Ages.To90, m.Ages.Over90+f.Ages.Over90
	}
	return nil
}

func noticeFigures(ns []Notice) NoticeFigures {
	nf := NoticeFigures{Received: len(ns), Notices: []NoticeLine{}}
	var total int64
	for _, n := range ns {
		nf.Notices = append(nf.Notices, NoticeLine{ID: n.ID, Title: n.Title, Issuer: n.Issuer, ReceivedAt: n.ReceivedAt,
			Answered: n.Answered, RespondedAt: n.RespondedAt, ResponseSeconds: n.ResponseSeconds, Late: n.Late})
		if n.Late {
			nf.Late++
		}
		if !n.Answered {
			nf.Unanswered++
			continue
		}
		nf.Answered++
		total += n.ResponseSeconds
		nf.MaxResponseSeconds = max(nf.MaxResponseSeconds, n.ResponseSeconds)
	}
	if nf.Answered > 0 {
		nf.AvgResponseSeconds = total / int64(nf.Answered)
	}
	return nf
}

// Lines are the figures as the report's sentences, in Chinese.
func (m MonthFigures) Lines() []string {
	lines := []string{fmt.Sprintf("截至 %s，未修复漏洞 %d 项（紧急 %d、高危 %d、中危 %d、低危 %d），其中逾期未修复 %d 项；本月修复 %d 项，接受风险 %d 项。",
		cst.FormatTime(m.AsOf), m.Open, m.Severities[0].Open, m.Severities[1].Open, m.Severities[2].Open, m.Severities[3].Open,
		m.Overdue, m.Fixed, m.Accepted),
		fmt.Sprintf("未修复漏洞存在时长：7天以内 %d 项，7–30天 %d 项，30–90天 %d 项，90天以上 %d 项。",
			m.Ages.Under7, m.Ages.To30, m.Ages.To90, m.Ages.Over90)}
	q := m.Quarter
	switch {
	case q.Missing:
		lines = append(lines, fmt.Sprintf("本月导入漏洞扫描 %d 次。%s未开展漏洞扫描，不符合每季度扫描一次的要求。", m.Scans, q.Word))
	case q.Scans == 0:
		lines = append(lines, fmt.Sprintf("本月导入漏洞扫描 %d 次。%s尚未开展漏洞扫描，须于季度末前完成。", m.Scans, q.Word))
	default:
		lines = append(lines, fmt.Sprintf("本月导入漏洞扫描 %d 次。%s已开展漏洞扫描 %d 次。", m.Scans, q.Word, q.Scans))
	}
	n := m.Notices
	if n.Received == 0 {
		return append(lines, "本月未收到监管通报。")
	}
	line := fmt.Sprintf("本月收到监管通报 %d 件，已答复 %d 件", n.Received, n.Answered)
	if n.Answered > 0 {
		line += fmt.Sprintf("，平均用时 %s，最长 %s", cst.FormatDuration(time.Duration(n.AvgResponseSeconds)*time.Second),
			cst.FormatDuration(time.Duration(n.MaxResponseSeconds)*time.Second))
	}
	if n.Unanswered > 0 {
		line += fmt.Sprintf("，未答复 %d 件", n.Unanswered)
	}
	if n.Late > 0 {
		line += fmt.Sprintf("；超过 24 小时 %d 件", n.Late)
	}
	return append(lines, line+"。")
}
