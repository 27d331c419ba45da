package secops

import (
	"fmt"
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// The events' labels: source, event, requirement and what each is about.
const (
	Source = "secops" // the source label of every event here

	EventVulnOverdue    = "vuln_overdue"    // a finding past its deadline
	EventVulnClosed     = "vuln_closed"     // an overdue finding fixed or accepted
	EventScanImported   = "scan_imported"   // a scan imported
	EventScanMissing    = "scan_missing"    // a quarter ended without a scan
	EventNoticeDueSoon  = "notice_due_soon" // a notice unanswered at 20 hours
	EventNoticeOverdue  = "notice_overdue"  // a notice unanswered at 24 hours
	EventNoticeAnswered = "notice_answered" // a notice answered

	requirement = "R-A12"
	scanCheck   = "quarterly_scan" // the check label of the quarter's events (one alert at a time)
)

// eventSeverity is a finding's severity in the events' vocabulary.
var eventSeverity = map[Severity]string{Critical: "critical", High: "major", Medium: "warning", Low: "warning"}

func labels(event, severity string, kv ...string) map[string]string {
	l := map[string]string{"source": Source, "event": event, "requirement": requirement, "severity": severity}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return l
}

func (v Vulnerability) labels(event, severity string) map[string]string {
	return labels(event, severity, "finding", strconv.FormatInt(v.ID, 10), "host", v.Host, "vuln", v.label(),
		"port", v.Port, "vuln_severity", string(v.Severity))
}

// vulnOverdueEvent: 漏洞逾期未修复, at its deadline.
func vulnOverdueEvent(v Vulnerability, now time.Time) collectors.Event {
	text := fmt.Sprintf("漏洞逾期未修复：主机 %s 端口 %s 的%s漏洞 %s（%s）于 %s 首次发现，整改期限 %s 已过", v.Host, portWord(v.Port),
		v.Severity.Word(), v.label(), v.Name, cst.FormatTime(v.FirstSeen), cst.FormatTime(v.Deadline))
	return collectors.Event{Time: earlier(v.Deadline, now), Labels: v.labels(EventVulnOverdue, eventSeverity[v.Severity]), Text: text}
}

// vulnClosedEvent: an overdue finding fixed or accepted.
func vulnClosedEvent(v Vulnerability, now time.Time) collectors.Event {
	text := fmt.Sprintf("漏洞已关闭：主机 %s 端口 %s 的%s漏洞 %s %s", v.Host, portWord(v.Port), v.Severity.Word(), v.label(), v.State.Word())
	if v.State == Accepted {
		text += "（" + v.Reason + "）"
	}
	return collectors.Event{Time: now, Labels: v.labels(EventVulnClosed, "info"), Text: text}
}

func portWord(p string) string {
	if p == "" {
		return "—"
	}
	return p
}

// scanImportedEvent: a scan imported (it resolves a missing quarter's alert).
func scanImportedEvent(r ScanRecord) collectors.Event {
	text := fmt.Sprintf("漏洞扫描已导入：%s 于 %s 扫描 %d 台主机，%d 项漏洞，新增 %d 项，已修复 %d 项", formatWord(r.Format),
		cst.FormatTime(r.ScannedAt), r.Hosts, r.Findings, r.Opened, r.Fixed)
	return collectors.Event{Time: r.ImportedAt, Text: text, Labels: labels(EventScanImported, "info", "check", scanCheck,
		"scan", strconv.FormatInt(r.ID, 10), "format", r.Format, "quarter", quarterOf(r.ScannedAt).name)}
}

func formatWord(f string) string {
	if f == FormatOpenVAS {
		return "OpenVAS/GVM 报告"
	}
	return "CSV 报告"
}

// scanMissingEvent: the quarter q ended without a scan.
func scanMissingEvent(q quarter, now time.Time) collectors.Event {
	text := fmt.Sprintf("季度未开展漏洞扫描：%s（%s 至 %s）没有导入任何漏洞扫描结果", q.word(),
		q.start.Format("2006-01-02"), q.end.Add(-time.Nanosecond).Format("2006-01-02"))
	return collectors.Event{Time: earlier(q.end, now), Text: text, Labels: labels(EventScanMissing, "major", "check", scanCheck,
		"quarter", q.name)}
}

// noticeEvent is one of a notice's events.
func noticeEvent(n Notice, event string, now time.Time) collectors.Event {
	sev, at, text := "info", now, ""
	head := fmt.Sprintf("%s《%s》（%s 收到）", n.Issuer, n.Title, cst.FormatTime(n.ReceivedAt))
	switch event {
	case EventNoticeDueSoon:
		sev, at = "warning", n.ReceivedAt.Add(ResponseWarn)
		text = fmt.Sprintf("通报即将超时：%s 已过 %s 仍未答复，须于 %s 前答复", head, cst.FormatDuration(ResponseWarn),
			cst.FormatTime(n.DueAt))
	case EventNoticeOverdue:
		sev, at = "critical", n.DueAt
		text = fmt.Sprintf("通报超时未答复：%s 已超过 %s 答复时限（%s）", head, cst.FormatDuration(ResponseDue), cst.FormatTime(n.DueAt))
	case EventNoticeAnswered:
		text = fmt.Sprintf("通报已答复：%s 由 %s 于 %s 答复，用时 %s", head, n.RespondedBy, cst.FormatTime(n.RespondedAt),
			cst.FormatDuration(n.Took()))
	}
	if at.After(now) {
		at = now
	}
	l := labels(event, sev, "notice", strconv.FormatInt(n.ID, 10), "issuer", n.Issuer)
	return collectors.Event{Time: at, Labels: l, Text: text}
}

// earlier is the earlier of a and b: an event is never dated ahead of now.
func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
