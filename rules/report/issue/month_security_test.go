package issue

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/secops"
)

// secopsSource is the real secops service over the fixture's state
// database, fed as the API feeds it: on 10 October a scan finds OpenSSH
// (高危, deadline the 17th) on 10.8.2.11 and a TLS finding (中危, deadline
// 9 November) on 10.8.2.12; a notice received on 20 October at 09:00 is
// answered at 15:00 (6 h). At 1 November both are open 21 days (7–30),
// the 高危 one overdue.
func secopsSource(t *testing.T, f *reportFixture) *secops.Service {
	t.Helper()
	ctx := context.Background()
	back := f.now()
	defer f.setClock(back)
	f.setClock(oct(5, 0, 0, 0))
	svc, err := secops.New(f.db, secops.WithClock(f.now))
	require.NoError(t, err)
	f.setClock(oct(10, 10, 0, 0))
	scan, err := secops.ParseCSV(strings.NewReader("cve,host,severity,name,port\n" +
		"CVE-2024-6387,10.8.2.11,高危,OpenSSH regreSSHion,22/tcp\nCVE-2016-2183,10.8.2.12,中危,SWEET32,443/tcp\n"))
	require.NoError(t, err)
	_, err = svc.Import(ctx, scan, secops.ImportOptions{ScannedAt: oct(10, 9, 0, 0)})
	require.NoError(t, err)
	f.setClock(oct(20, 9, 30, 0))
	n, err := svc.CreateNotice(ctx, secops.NewNotice{Title: "关于OpenSSH漏洞的通报", Issuer: "市网信办",
		ReceivedAt: oct(20, 9, 0, 0), Text: "请于24小时内完成整改并反馈。"}, "zhao")
	require.NoError(t, err)
	f.setClock(oct(20, 15, 0, 0))
	_, err = svc.Respond(ctx, n.ID, "已升级修复", "zhao")
	require.NoError(t, err)
	return svc
}

// storedEvents stands for the event store's scan: it hands over the
// events of [from, to) and records the window it was asked for.
type storedEvents struct {
	events   []collectors.Event
	from, to time.Time
	err      error
}

func (s *storedEvents) scan(_ context.Context, from, to time.Time, add func(map[string]string)) error {
	s.from, s.to = from, to
	for _, e := range s.events {
		if !e.Time.Before(from) && e.Time.Before(to) {
			add(e.Labels)
		}
	}
	return s.err
}

func secEvent(at time.Time, class, district, ip string) collectors.Event {
	return collectors.Event{Time: at, Text: class, Labels: map[string]string{"source": "syslog", "class": class,
		"district": district, "src_ip": ip}}
}

// The monthly report reads the month's events and the secops figures at
// generation: the events of October only, the figures as worked out above.
func TestMonthReportSecuritySources(t *testing.T) {
	f := newReportFixture(t)
	store := &storedEvents{events: []collectors.Event{
		secEvent(time.Date(2026, 9, 30, 23, 59, 0, 0, oct(1, 0, 0, 0).Location()), "fw_deny", "湖滨区", "203.0.113.5"), // September
		secEvent(oct(3, 8, 0, 0), "fw_deny", "湖滨区", "203.0.113.5"),
		secEvent(oct(3, 8, 0, 1), "fw_deny", "湖滨区", "203.0.113.5"),
		secEvent(oct(31, 23, 59, 0), "login_fail", "市本级", "10.1.1.9"),
		secEvent(oct(31, 23, 59, 1), "fw_session", "市本级", "10.1.1.9"),                                  // traffic, not counted
		secEvent(oct(1, 0, 0, 0).AddDate(0, 1, 0).Add(5*time.Minute), "fw_deny", "湖滨区", "203.0.113.5"), // November
	}}
	f.s.o.SecurityEvents, f.s.o.Secops = store.scan, secopsSource(t, f)
	ctx := context.Background()
	r, err := f.s.build(ctx, "2026-10")
	require.NoError(t, err)
	assert.True(t, store.from.Equal(oct(1, 0, 0, 0)) && store.to.Equal(oct(1, 0, 0, 0).AddDate(0, 1, 0)),
		"the CST month: %s – %s", store.from, store.to)

	s := r.Security
	require.True(t, s.EventsOn)
	assert.Equal(t, 3, s.Events.Total)
	assert.Equal(t, []report.SecurityDistrict{
		{Name: "市本级", ByClass: []int{0, 0, 0, 0, 1, 0, 0, 0}, Total: 1},
		{Name: "湖滨区", ByClass: []int{2, 0, 0, 0, 0, 0, 0, 0}, Total: 2},
	}, s.Events.Districts)
	require.True(t, s.VulnsOn)
	assert.Equal(t, report.VulnRow{Word: "合计", Open: 2, Overdue: 1, Days7To30: 2}, s.Vulns.Total)
	assert.Equal(t, report.ScanStatus{Month: 1, Quarter: "2026年第四季度", QuarterScans: 1}, s.Scans)
	assert.Equal(t, [3]int{1, 1, 0}, [3]int{s.Notices.Received, s.Notices.Answered, s.Notices.Late})
	assert.Equal(t, "6小时0分", s.Notices.Max.String())

	var html bytes.Buffer
	require.NoError(t, f.s.Render(ctx, "2026-10", "html", &html))
	for _, w := range []string{"八、安全运营（R-A12）", "本月安全事件 3 起（防火墙拒绝 2 起、登录失败 1 起）", "逾期未修复漏洞 1 项",
		"关于OpenSSH漏洞的通报"} {
		assert.Contains(t, html.String(), w)
	}
	text := summaryText(r)
	assert.Contains(t, text, "R-A12 安全运营：安全事件 3 起；未修复漏洞 2 项（逾期 1 项）；监管通报 1 件，超过24小时 0 件。")
}

// Without the sources both parts say 未接入; a failing event store fails
// the report rather than print 未接入.
func TestMonthReportSecurityNotConnected(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	r, err := f.s.build(ctx, "2026-10")
	require.NoError(t, err)
	assert.False(t, r.Security.EventsOn || r.Security.VulnsOn)
	assert.Contains(t, summaryText(r), "R-A12 安全运营：安全事件未接入；漏洞与监管通报未接入。")

	store := &storedEvents{err: errors.New("day file 2026-10-07 unreadable")}
	f.s.o.SecurityEvents = store.scan
	_, err = f.s.build(ctx, "2026-10")
	require.ErrorContains(t, err, "security events of 2026-10: day file 2026-10-07 unreadable")
}
