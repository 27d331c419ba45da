package secops

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newNotice(received time.Time) NewNotice {
	return NewNotice{Title: "关于政务服务网站存在SQL注入漏洞的通报", Issuer: "市公安局网安支队", ReceivedAt: received,
		Text: "经监测发现，你单位政务服务网站存在SQL注入漏洞，请于24小时内完成整改并反馈。", Systems: []string{"政务服务网", " "}}
}

// Unanswered, a notice warns at 20 hours and is a critical incident at 24;
// the response resolves it. Each is raised once, restart or not.
func TestNoticeClockFires(t *testing.T) {
	ctx := context.Background()
	received := cstTime(2026, 12, 7, 9, 30)
	f := newFixture(t, received.Add(10*time.Minute))
	n, err := f.svc.CreateNotice(ctx, newNotice(received), "zhao")
	require.NoError(t, err)
	assert.Equal(t, []string{"政务服务网"}, n.Systems)
	assert.Equal(t, "待答复", n.StateWord)
	assert.True(t, n.DueAt.Equal(received.Add(24*time.Hour)))

	f.clock.set(received.Add(20*time.Hour - time.Minute))
	f.check(t)
	assert.Empty(t, f.alerts.firing("notice"))
	f.clock.set(received.Add(20 * time.Hour))
	f.check(t)
	assert.Equal(t, []string{"NoticeResponseDueSoon warning 1"}, f.alerts.firing("notice"))
	f.restart(t)
	f.check(t)
	f.clock.set(received.Add(24 * time.Hour))
	f.check(t)
	got := f.alerts.all()
	require.Len(t, got, 1, "the warning gives way to the incident")
	a := got[0]
	assert.Equal(t, map[string]string{"alertname": "NoticeResponseOverdue", "notice": "1", "severity": "critical",
		"requirement": "R-A12", "kind": "security"}, a.Labels)
	assert.Equal(t, "通报超时未答复:市公安局网安支队", a.Annotations["summary"])
	assert.Contains(t, a.Annotations["description"], "市公安局网安支队《关于政务服务网站存在SQL注入漏洞的通报》（2026-12-07 09:30:00 收到）")
	assert.True(t, a.StartsAt.Equal(received.Add(24*time.Hour)))
	f.check(t)
	assert.Equal(t, []string{"NoticeResponseDueSoon", "NoticeResponseOverdue"}, f.alerts.fired)

	f.clock.set(received.Add(26 * time.Hour))
	n, err = f.svc.Respond(ctx, n.ID, "已修复注入点并完成复测，整改报告已报送。", "zhao")
	require.NoError(t, err)
	assert.Empty(t, f.alerts.firing("notice"))
	assert.Equal(t, "已超时答复", n.StateWord)
	assert.True(t, n.Late)
	assert.Equal(t, int64(26*3600), n.ResponseSeconds)
	_, err = f.svc.Respond(ctx, n.ID, "again", "zhao")
	require.ErrorIs(t, err, ErrBadChange, "answered once")
}

// Answered in time, a notice raises nothing, ever; one recorded after its
// 24 hours is an incident at once, with no warning first.
func TestNoticeClockQuietWhenAnswered(t *testing.T) {
	ctx := context.Background()
	received := cstTime(2026, 12, 7, 9, 30)
	f := newFixture(t, received.Add(time.Hour))
	n, err := f.svc.CreateNotice(ctx, newNotice(received), "zhao")
	require.NoError(t, err)
	f.clock.set(received.Add(19 * time.Hour))
	f.check(t)
	n, err = f.svc.Respond(ctx, n.ID, "已整改", "zhao")
	require.NoError(t, err)
	assert.Equal(t, "已答复", n.StateWord)
	assert.False(t, n.Late)
	for _, h := range []time.Duration{20, 24, 48} {
		f.clock.set(received.Add(h * time.Hour))
		f.check(t)
	}
	assert.Empty(t, f.alerts.fired)

	late := newNotice(received.Add(-30 * time.Hour))
	late.Title = "关于邮件系统弱口令的通报"
	_, err = f.svc.CreateNotice(ctx, late, "zhao")
	require.NoError(t, err)
	f.check(t)
	assert.Equal(t, []string{"NoticeResponseOverdue"}, f.alerts.fired)
	open, err := f.svc.Notices(ctx, true)
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, "超时未答复", open[0].StateWord)
}

func TestNoticeInputChecked(t *testing.T) {
	ctx := context.Background()
	now := cstTime(2026, 12, 7, 9, 30)
	f := newFixture(t, now)
	for _, c := range []struct {
		edit func(*NewNotice)
		want string
	}{
		{func(n *NewNotice) { n.Title = " " }, "通报须有标题"},
		{func(n *NewNotice) { n.ReceivedAt = time.Time{} }, "须填写收到时间"},
		{func(n *NewNotice) { n.ReceivedAt = now.Add(time.Hour) }, "收到时间晚于当前时间"},
		{func(n *NewNotice) { n.Systems = []string{"a\nb"} }, "不能换行"},
		// Year 0 at +01:00 is year -1 in UTC, which JSON cannot write back
		// (found by FuzzNoticeBody: a 201 with no body).
		{func(n *NewNotice) { n.ReceivedAt = time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600)) }, "早于 2000 年"},
	} {
		n := newNotice(now)
		c.edit(&n)
		_, err := f.svc.CreateNotice(ctx, n, "zhao")
		require.ErrorIs(t, err, ErrBadInput)
		assert.Contains(t, err.Error(), c.want)
	}
	_, err := f.svc.Respond(ctx, 42, "x", "zhao")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = f.svc.Import(ctx, Scan{Format: "csv", ScannedAt: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)}, ImportOptions{})
	require.ErrorIs(t, err, ErrBadInput, "a scan dated before 2000 is a typo")
}
