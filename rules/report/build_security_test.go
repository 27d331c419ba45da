package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/secops"
)

// fixtureSecurityEvents are November's events as the event store holds
// them (labels of docs/logs.md), folded as the caller folds them:
//
//	fw_deny      湖滨区 203.0.113.5 ×3, 灵宝市 203.0.113.5, 湖滨区 198.51.100.7   5
//	ids          灵宝市 198.51.100.7                                            1
//	login_fail   市本级 10.1.1.9 ×2, no district (no device) 203.0.113.5       3
//	config_change 市本级, no source address                                    1
//	not counted: two fw_session, a login_ok, a line without class
//
// Total 10; districts in the bureau's order 市本级 3, 湖滨区 4, 灵宝市 2,
// then 未知区县 1; sources 203.0.113.5 5 (fw_deny, login_fail), then the
// tie of 2 by address: 10.1.1.9, 198.51.100.7.
func fixtureSecurityEvents() *secops.EventSection {
	ev := func(class, district, ip string) map[string]string {
		l := map[string]string{"source": "syslog", "class": class}
		if district != "" {
			l["district"] = district
		}
		if ip != "" {
			l["src_ip"] = ip
		}
		return l
	}
	t := secops.NewEventTally()
	for _, l := range []map[string]string{
		ev("fw_deny", "湖滨区", "203.0.113.5"), ev("fw_deny", "湖滨区", "203.0.113.5"), ev("fw_deny", "湖滨区", "203.0.113.5"),
		ev("fw_deny", "灵宝市", "203.0.113.5"), ev("fw_deny", "湖滨区", "198.51.100.7"),
		ev("ids", "灵宝市", "198.51.100.7"),
		ev("login_fail", "市本级", "10.1.1.9"), ev("login_fail", "市本级", "10.1.1.9"), ev("login_fail", "", "203.0.113.5"),
		ev("config_change", "市本级", ""),
		ev("fw_session", "湖滨区", "203.0.113.9"), ev("fw_session", "湖滨区", "203.0.113.9"), ev("login_ok", "市本级", "10.1.1.9"),
		ev("", "市本级", "10.1.1.10"),
	} {
		t.Add(l)
	}
	s := t.Section(10)
	return &s
}

// fixtureSecurityVulns is rules/secops' month (its own tests prove the
// figures): eight open findings, six past their deadline, one fixed, one
// accepted; two scans this quarter; notices answered in 6 h and in 36 h,
// and one unanswered for 30 h at generation.
func fixtureSecurityVulns() *secops.MonthFigures {
	return &secops.MonthFigures{Month: "2026-11", AsOf: mNov(30, 0, 0, 0).AddDate(0, 0, 1), Scans: 2,
		Severities: []secops.SeverityFigures{
			{Severity: secops.Critical, Word: "紧急", Open: 2, Ages: secops.AgeBuckets{To30: 2}, Overdue: 2, Fixed: 1},
			{Severity: secops.High, Word: "高危", Open: 2, Ages: secops.AgeBuckets{To30: 1, Over90: 1}, Overdue: 2, Accepted: 1},
			{Severity: secops.Medium, Word: "中危", Open: 2, Ages: secops.AgeBuckets{To30: 1, Over90: 1}, Overdue: 1},
			{Severity: secops.Low, Word: "低危", Open: 2, Ages: secops.AgeBuckets{Under7: 1, Over90: 1}, Overdue: 1},
		},
		Open: 8, Overdue: 6, Fixed: 1, Accepted: 1,
		Quarter: secops.QuarterStatus{Quarter: "2026-Q4", Word: "2026年第四季度", Scans: 2},
		Notices: secops.NoticeFigures{Received: 3, Answered: 2, Unanswered: 1, Late: 2, AvgResponseSeconds: 75600,
			MaxResponseSeconds: 129600, Notices: []secops.NoticeLine{
				{ID: 1, Title: "关于OpenSSH漏洞的通报", Issuer: "市网信办", ReceivedAt: mNov(3, 9, 0, 0), Answered: true,
					RespondedAt: mNov(3, 15, 0, 0), ResponseSeconds: 21600},
				{ID: 2, Title: "关于弱口令的通报", Issuer: "市公安局网安支队", ReceivedAt: mNov(10, 20, 0, 0), Answered: true,
					RespondedAt: mNov(12, 8, 0, 0), ResponseSeconds: 129600, Late: true},
				{ID: 3, Title: "关于网站篡改风险的通报", Issuer: "市网信办", ReceivedAt: mNov(30, 18, 0, 0), ResponseSeconds: 108000, Late: true},
			}}}
}

func buildSecurityFixture(t *testing.T) *Report {
	t.Helper()
	in := fixtureInput(fixtureDays())
	in.Security = SecurityInput{Events: fixtureSecurityEvents(), Vulns: fixtureSecurityVulns()}
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	return r
}

func TestBuildSecurityEvents(t *testing.T) {
	s := buildSecurityFixture(t).Security
	require.True(t, s.EventsOn)
	e := s.Events
	assert.Equal(t, 10, e.Total)
	got := map[string][2]any{}
	for _, c := range e.Classes {
		got[c.Word] = [2]any{c.Events, c.Share.text()}
	}
	assert.Equal(t, map[string][2]any{"防火墙拒绝": {5, "50.0000%"}, "入侵检测/防御": {1, "10.0000%"}, "Web应用防火墙": {0, "0.0000%"},
		"病毒防护": {0, "0.0000%"}, "登录失败": {3, "30.0000%"}, "提权操作": {0, "0.0000%"}, "配置变更": {1, "10.0000%"},
		"新增管理员": {0, "0.0000%"}}, got)
	assert.Equal(t, "防火墙拒绝", e.Classes[0].Word, "classes in secops.ClassWords' order")
	// columns: fw_deny ids waf av login_fail sudo config_change admin_add
	assert.Equal(t, []SecurityDistrict{
		{Name: "市本级", ByClass: []int{0, 0, 0, 0, 2, 0, 1, 0}, Total: 3},
		{Name: "湖滨区", ByClass: []int{4, 0, 0, 0, 0, 0, 0, 0}, Total: 4},
		{Name: "灵宝市", ByClass: []int{1, 1, 0, 0, 0, 0, 0, 0}, Total: 2},
		{Name: "未知区县", ByClass: []int{0, 0, 0, 0, 1, 0, 0, 0}, Total: 1},
	}, e.Districts)
	assert.Equal(t, []SecuritySource{
		{IP: "203.0.113.5", Events: 5, Classes: []string{"防火墙拒绝", "登录失败"}},
		{IP: "10.1.1.9", Events: 2, Classes: []string{"登录失败"}},
		{IP: "198.51.100.7", Events: 2, Classes: []string{"防火墙拒绝", "入侵检测/防御"}},
	}, e.TopSources)
}

func TestBuildSecurityVulnsAndNotices(t *testing.T) {
	s := buildSecurityFixture(t).Security
	require.True(t, s.VulnsOn)
	assert.Equal(t, VulnRow{Word: "合计", Open: 8, Overdue: 6, Fixed: 1, Accepted: 1, Under7: 1, Days7To30: 4, Over90: 3},
		s.Vulns.Total)
	assert.Equal(t, VulnRow{Word: "低危", Open: 2, Overdue: 1, Under7: 1, Over90: 1}, s.Vulns.Severities[3])
	assert.Equal(t, ScanStatus{Month: 2, Quarter: "2026年第四季度", QuarterScans: 2}, s.Scans)
	n := s.Notices
	assert.Equal(t, [4]int{3, 2, 1, 2}, [4]int{n.Received, n.Answered, n.Unanswered, n.Late})
	assert.Equal(t, seconds(75600), n.Avg) // (6 h + 36 h) ÷ 2 = 21 h
	assert.Equal(t, seconds(129600), n.Max)
	require.Len(t, n.Notices, 3)
	assert.Equal(t, NoticeRow{Title: "关于网站篡改风险的通报", Issuer: "市网信办", ReceivedAt: mNov(30, 18, 0, 0), Late: true,
		Took: seconds(108000)}, n.Notices[2])
	assert.Equal(t, []string{"逾期未修复漏洞 6 项（紧急、高危 7 天，中危 30 天，低危 90 天内应修复）。",
		"监管通报超过 24 小时答复 1 件。", "监管通报超过 24 小时仍未答复 1 件。"}, s.Findings)
}

// A quarter ended without a scan is the first finding, and the scan line says so.
func TestBuildSecurityQuarterMissing(t *testing.T) {
	in := fixtureInput(fixtureDays())
	m := secops.MonthFigures{Severities: fixtureSecurityVulns().Severities[:0],
		Quarter: secops.QuarterStatus{Quarter: "2026-Q4", Word: "2026年第四季度", Ended: true, Missing: true}}
	in.Security = SecurityInput{Vulns: &m}
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	s := r.Security
	assert.Equal(t, []string{"2026年第四季度未开展漏洞扫描，不符合每季度扫描一次的要求。"}, s.Findings)
	assert.Equal(t, "漏洞扫描：本月导入漏洞扫描 0 次。2026年第四季度未开展漏洞扫描，不符合每季度扫描一次的要求。", s.scanParagraph())
	assert.Equal(t, "监管通报：本月未收到监管通报。", s.noticeParagraph())
	assert.False(t, s.EventsOn)
	assert.False(t, s.Notices.Avg.Known, "no notice answered: no average, not 0")
}

// The section renders in every format with its figures, numbers as numbers
// in the spreadsheet; -args -png=DIR keeps the PDF's pages to look at.
func TestRenderSecurityFixture(t *testing.T) {
	r := buildSecurityFixture(t)
	var pdf, xlsx, html bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, RenderXLSX(&xlsx, *r))
	require.NoError(t, RenderHTML(&html, *r))
	dir := *pngDir
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "security.pdf")
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	if *pngDir != "" {
		poppler(t, "pdftoppm", "-png", "-r", "70", file, filepath.Join(dir, "security"))
	}
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	for _, w := range []string{"八、安全运营（R-A12）", "本月安全事件 10 起（防火墙拒绝 5 起", "203.0.113.5 5 防火墙拒绝、登录失败",
		"湖滨区 4 0 0 0 0 0 0 0 4", "合计 8 1 4 0 3 6 1 1", "逾期未修复漏洞 6 项", "2026年第四季度已开展漏洞扫描 2 次",
		"关于弱口令的通报 市公安局网安支队 2026-11-10 20:00:00 2026-11-12 08:00:00", "九、方法说明"} {
		assert.Contains(t, flat, w)
	}
	assert.Less(t, strings.Index(flat, "七、政务云平台"), strings.Index(flat, "八、安全运营"))
	dump := dumpXLSX(t, xlsx.Bytes())
	sheet := dump[strings.Index(dump, "== 安全运营"):]
	sheet = sheet[:strings.Index(sheet, "== 方法说明")]
	assert.Contains(t, sheet, "A1 s - 八、安全运营（R-A12）")
	assert.Regexp(t, regexp.MustCompile(`(?m)^B\d+ n \S+ 5$`), sheet, "the class's events is a number")
	assert.Regexp(t, regexp.MustCompile(`(?m)^C\d+ n 0\.0000% 0\.5$`), sheet, "the share is a ratio")
	h := html.String()
	for _, w := range []string{"八、安全运营（R-A12）", "各区县安全事件数", "关于网站篡改风险的通报", "未答复"} {
		assert.Contains(t, h, w)
	}
}

// Without the sources every part says 未接入, in every format, and no
// figure of the section is shown as 0.
func TestRenderSecurityNotConnected(t *testing.T) {
	r := buildFixture(t)
	assert.False(t, r.Security.EventsOn || r.Security.VulnsOn)
	var pdf, xlsx, html bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, RenderXLSX(&xlsx, *r))
	require.NoError(t, RenderHTML(&html, *r))
	file := filepath.Join(t.TempDir(), "nosec.pdf")
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	for format, text := range map[string]string{"pdf": flat, "xlsx": dumpXLSX(t, xlsx.Bytes()), "html": html.String()} {
		for _, w := range []string{"八、安全运营（R-A12）", "安全事件：未接入", "漏洞管理：未接入", "漏洞扫描：未接入", "监管通报：未接入"} {
			assert.Contains(t, text, w, format)
		}
		assert.NotContains(t, text, "未修复漏洞 0", format)
		assert.NotContains(t, text, "各区县安全事件数", format)
	}
}
