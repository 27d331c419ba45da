package issue

import (
	"fmt"
	"strings"

	"github.com/swanwatch/swanwatch/rules/report"
)

// verdictWords are the summary page's conclusions.
var verdictWords = map[report.Verdict]string{report.Met: "达标", report.Missed: "未达标", report.Undetermined: "无法判定"}

// opWords show how a figure compares to its target.
var opWords = map[string]string{">=": "≥", "<=": "≤"}

// summaryText is the message text of an issued monthly report: every
// contractual line with its figure, target and verdict.
func summaryText(r *report.Report) string {
	var b strings.Builder
	missed := 0
	for _, l := range r.Summary {
		if l.Verdict == report.Missed {
			missed++
		}
		fmt.Fprintf(&b, "%s %s：%s（目标 %s %s）%s\n", l.Requirement, l.Title, l.Figure, opWords[l.Op], l.Target, verdictWords[l.Verdict])
	}
	b.WriteString(securityText(r.Security))
	head := fmt.Sprintf("共 %d 项指标，%d 项未达标。", len(r.Summary), missed)
	return head + "\n" + strings.TrimRight(b.String(), "\n")
}

// securityText is the message's line of 八、安全运营: events, open and
// overdue vulnerabilities, notices over 24 hours, a quarter without a scan;
// a part not connected says 未接入.
func securityText(s report.SecuritySection) string {
	events := "安全事件未接入"
	if s.EventsOn {
		events = fmt.Sprintf("安全事件 %d 起", s.Events.Total)
	}
	if !s.VulnsOn {
		return "R-A12 安全运营：" + events + "；漏洞与监管通报未接入。\n"
	}
	line := fmt.Sprintf("R-A12 安全运营：%s；未修复漏洞 %d 项（逾期 %d 项）；监管通报 %d 件，超过24小时 %d 件", events,
		s.Vulns.Total.Open, s.Vulns.Total.Overdue, s.Notices.Received, s.Notices.Late)
	if s.Scans.Missing {
		line += "；" + s.Scans.Quarter + "未开展漏洞扫描"
	}
	return line + "。\n"
}

// inspectionText is the message text of the daily inspection report.
func inspectionText(in *report.Inspection) string {
	t := in.Total
	rate := "无数据"
	if t.AgentRate.Known {
		rate = t.AgentRate.String()
	}
	text := fmt.Sprintf("监控插件在线 %d/%d（%s）；链路正常 %d/%d，冗余降级 %d、中断 %d；较昨日变化 %d 项；"+
		"%d 天内将达水位 %d 项；未处理事件 %d 起。", t.AgentsOnline, t.Agents, rate, t.LinksUp, t.Links,
		t.RedundancyDegraded, t.RedundancyDown, len(in.Changes), in.HorizonDays, len(in.Trends), len(in.Unresolved))
	if s := in.Scenic; s.HasData {
		text += fmt.Sprintf("天鹅湖景区摄像机在线 %d/%d，设备异常 %d 项，近24小时入园 %s 人次。",
			s.CamerasOnline, s.Cameras, len(s.Problems), s.Flow.VisitorsIn)
	}
	if c := in.Cloud; c.HasHosts || c.HasServers || c.HasRooms || len(c.Backups) > 0 || len(c.Datastores) > 0 {
		text += fmt.Sprintf("政务云宿主机宕机 %d 台，服务器硬件异常 %d 项，备份作业异常 %d 个，UPS电池供电 %d 台，双路供电异常机柜 %d 个，"+
			"%d 天内写满的数据存储 %d 个。", len(c.HostsDown), len(c.HardwareProblems), c.BackupsFailed, c.OnBattery,
			len(c.SingleFeed), in.HorizonDays, c.FillingSoon)
	}
	return text
}
