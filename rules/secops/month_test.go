package secops

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// November 2026, worked by hand (see the comments): the CSV of August, an
// accepted finding, the GVM report of November 20, a rescan that fixes
// one, and three notices of the month.
func TestMonthFigures(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cstTime(2026, 8, 20, 12, 0))
	// a CVE-2023-38408 紧急, b CVE-2024-6387 高危 (10.8.2.11), c CVE-2016-2183 高危,
	// d 目录浏览 中危 (10.8.2.12), e CVE-1999-0524 低危 (10.8.2.13), first seen Aug 20 10:00.
	f.importFile(t, "scan-2026q4.csv", ImportOptions{ScannedAt: cstTime(2026, 8, 20, 10, 0)})
	f.clock.set(cstTime(2026, 10, 10, 9, 0))
	_, err := f.svc.SetState(ctx, 3, Accepted, "防火墙已限制访问源", "wang") // c
	require.NoError(t, err)
	notice := func(received, answered time.Time) {
		f.clock.set(answered)
		n, err := f.svc.CreateNotice(ctx, newNotice(received), "zhao")
		require.NoError(t, err)
		_, err = f.svc.Respond(ctx, n.ID, "已处置", "zhao")
		require.NoError(t, err)
	}
	notice(cstTime(2026, 10, 31, 9, 0), cstTime(2026, 10, 31, 10, 0)) // October's
	notice(cstTime(2026, 11, 3, 9, 0), cstTime(2026, 11, 3, 15, 0))   // 6 h
	notice(cstTime(2026, 11, 10, 20, 0), cstTime(2026, 11, 12, 8, 0)) // 36 h: late
	// f CVE-2023-38408 紧急, g CVE-2024-6387 高危 (10.8.1.21), h CVE-2021-41773 紧急,
	// i TLS 中危, j ICMP 低危 (10.8.1.22), first seen Nov 20 10:00:11.
	f.clock.set(cstTime(2026, 11, 20, 12, 0))
	f.importFile(t, "gvm-2026q4.xml", ImportOptions{})
	// Nov 25: 10.8.2.11 rescanned, a gone (fixed this month), b still there.
	f.clock.set(cstTime(2026, 11, 25, 12, 0))
	_, err = f.svc.Import(ctx, mustCSV(t, "cve,host,severity,name,port\nCVE-2024-6387,10.8.2.11,高危,x,22/tcp\n"),
		ImportOptions{ScannedAt: cstTime(2026, 11, 25, 10, 0)})
	require.NoError(t, err)
	f.clock.set(cstTime(2026, 11, 30, 19, 0))
	_, err = f.svc.CreateNotice(ctx, newNotice(cstTime(2026, 11, 30, 18, 0)), "zhao") // unanswered
	require.NoError(t, err)

	f.clock.set(cstTime(2026, 12, 2, 12, 0))
	m, err := f.svc.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.True(t, m.AsOf.Equal(cstTime(2026, 12, 1, 0, 0)))
	// At Dec 1: b, d, e open for 102 days (≥ 90), all past their deadline
	// (Aug 27, Sep 19, Nov 18); f, g, h, i, j open 10.6 days (7–30), the
	// 紧急/高危 ones past Nov 27, i (Dec 20) and j (Feb 18) not yet.
	assert.Equal(t, []SeverityFigures{
		{Severity: Critical, Word: "紧急", Open: 2, Ages: AgeBuckets{To30: 2}, Overdue: 2, Fixed: 1},           // f h; a
		{Severity: High, Word: "高危", Open: 2, Ages: AgeBuckets{To30: 1, Over90: 1}, Overdue: 2, Accepted: 1}, // b g; c
		{Severity: Medium, Word: "中危", Open: 2, Ages: AgeBuckets{To30: 1, Over90: 1}, Overdue: 1},            // d i
		{Severity: Low, Word: "低危", Open: 2, Ages: AgeBuckets{To30: 1, Over90: 1}, Overdue: 1},               // e j
	}, m.Severities)
	assert.Equal(t, 8, m.Open)
	assert.Equal(t, AgeBuckets{To30: 5, Over90: 3}, m.Ages)
	assert.Equal(t, 6, m.Overdue)
	assert.Equal(t, 1, m.Fixed)
	assert.Equal(t, 1, m.Accepted)
	assert.Equal(t, 2, m.Scans, "Nov 20 and Nov 25")
	assert.Equal(t, QuarterStatus{Quarter: "2026-Q4", Word: "2026年第四季度", Scans: 2}, m.Quarter)
	// 6 h and 36 h answered (mean 21 h), one unanswered for 42 h by now: two late.
	n := m.Notices
	assert.Equal(t, []int{3, 2, 1, 2}, []int{n.Received, n.Answered, n.Unanswered, n.Late})
	assert.Equal(t, int64(21*3600), n.AvgResponseSeconds)
	assert.Equal(t, int64(36*3600), n.MaxResponseSeconds)
	require.Len(t, n.Notices, 3)
	assert.Equal(t, int64(42*3600), n.Notices[2].ResponseSeconds)
	assert.Equal(t, []string{
		"截至 2026-12-01 00:00:00，未修复漏洞 8 项（紧急 2、高危 2、中危 2、低危 2），其中逾期未修复 6 项；本月修复 1 项，接受风险 1 项。",
		"未修复漏洞存在时长：7天以内 0 项，7–30天 5 项，30–90天 0 项，90天以上 3 项。",
		"本月导入漏洞扫描 2 次。2026年第四季度已开展漏洞扫描 2 次。",
		"本月收到监管通报 3 件，已答复 2 件，平均用时 21小时0分，最长 1天12小时，未答复 1 件；超过 24 小时 2 件。",
	}, m.Lines())

	// September closes Q3, which had the August scan; June closes a Q2 without one.
	sep, err := f.svc.Month(ctx, "2026-09")
	require.NoError(t, err)
	assert.Equal(t, QuarterStatus{Quarter: "2026-Q3", Word: "2026年第三季度", Scans: 1, Ended: true}, sep.Quarter)
	assert.Equal(t, 5, sep.Open, "c was accepted in October")
	jun, err := f.svc.Month(ctx, "2026-06")
	require.NoError(t, err)
	assert.True(t, jun.Quarter.Missing)
	assert.Contains(t, jun.Lines(), "本月导入漏洞扫描 0 次。2026年第二季度未开展漏洞扫描，不符合每季度扫描一次的要求。")
	assert.Contains(t, jun.Lines(), "本月未收到监管通报。")

	_, err = f.svc.Month(ctx, "2026-13")
	require.ErrorIs(t, err, ErrBadInput)
}
