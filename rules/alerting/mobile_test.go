package alerting

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type vouched struct{ actor, object, detail string }

// mobileEnv serves the message links of a notifier environment, the way the
// app mounts them.
func mobileEnv(t *testing.T, e *ntEnv, resolvable bool) (*httptest.Server, *[]vouched) {
	t.Helper()
	var audit []vouched
	api := NewMobileAPI(e.n.opts.AckLinks, e.store, MobileOptions{Notifier: e.n, Silences: NewSilences(e.db, e.c.now),
		Resolvable: func(Alert) bool { return resolvable },
		Release:    func(context.Context, Alert) bool { return true },
		Vouch: func(_ *http.Request, actor, object, detail string) {
			audit = append(audit, vouched{actor, object, detail})
		},
		Now: e.c.now})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ack/{token}", api.Page)
	mux.HandleFunc("POST /ack/{token}", api.Act)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &audit
}

// noRedirect keeps the 303 after an action visible to the test.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func post(t *testing.T, link string, form url.Values) *http.Response {
	t.Helper()
	resp, err := noRedirect.PostForm(link, form)
	require.NoError(t, err)
	return resp
}

// The page a person's link opens: what, where, the state, the children held
// back, the timeline; the actions recorded under the person's name and
// vouched for the audit trail; a GET changes nothing.
func TestMobilePageAndActions(t *testing.T) {
	ctx := context.Background()
	e := newNotifyEnv(t)
	root := e.fire("WanLinkDown", "lsx-t001-up", "critical")
	for _, n := range []string{"lsx-t001-rt", "lsx-t001-v01"} {
		e.fire("SnmpTargetUnreachable", n, "major")
	}
	e.tick()
	srv, audit := mobileEnv(t, e, false)
	link := e.n.opts.AckLinks.PersonURL(srv.URL, root.ID, "张三")

	resp, err := http.Get(link)
	require.NoError(t, err)
	body := readBody(t, resp)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{"紧急 · 事件 #", "WanLinkDown lsx-t001-up", "卢氏县", "告警中",
		"因上级故障抑制 2 条下级告警", "lsx-t001-v01", "时间线", "升级", "张三，您好", "转派并通知对方", "静默此告警"} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "标记已恢复", "not an event-only incident")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'nonce-")
	got, _ := e.store.Get(ctx, root.ID)
	assert.Empty(t, got.AckedBy, "a GET must not acknowledge")

	resp = post(t, link, url.Values{"do": {"note"}, "note": {"已联系县局机房，光缆被挖断"}})
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Location"), "?done=note")
	resp = post(t, link, url.Values{"do": {"ack"}, "name": {"冒名者"}})
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	got, _ = e.store.Get(ctx, root.ID)
	assert.Equal(t, "张三（消息链接）", got.AckedBy, "the link's person, never a typed name")
	resp = post(t, link, url.Values{"do": {"ack"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, readBody(t, resp), "事件已被确认")

	resp = post(t, link, url.Values{"do": {"silence"}, "for": {"4h"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, readBody(t, resp), "静默原因必填")
	resp = post(t, link, url.Values{"do": {"silence"}, "for": {"4h"}, "reason": {"割接抢修中"}})
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	sil, err := NewSilences(e.db, e.c.now).Active(ctx, e.c.now())
	require.NoError(t, err)
	require.Len(t, sil, 1)
	assert.Equal(t, "张三（消息链接）", sil[0].CreatedBy)
	assert.True(t, sil[0].Silenced(root.toAlert(), e.c.now()))

	resp = post(t, link, url.Values{"do": {"handover"}, "to": {"王五"}, "reason": {"交接班"}})
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp = post(t, link, url.Values{"do": {"resolve"}, "reason": {"已恢复"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, readBody(t, resp), "不能人工标记")

	resp, err = http.Get(link + "?done=ack")
	require.NoError(t, err)
	body = readBody(t, resp)
	for _, want := range []string{"已确认，升级通知已停止。", "张三（消息链接） 于", "已联系县局机房，光缆被挖断",
		"已转派给 王五", "转派给 王五：交接班", "静默4h：割接抢修中"} {
		assert.Contains(t, body, want)
	}
	var actions []string
	for _, v := range *audit {
		assert.Equal(t, "张三（消息链接）", v.actor)
		assert.Equal(t, "incident "+itoa(root.ID), v.object)
		actions = append(actions, strings.Fields(v.detail)[0])
	}
	assert.Equal(t, []string{"处置记录", "确认", "确认", "静默", "静默", "转派", "标记已恢复"}, actions,
		"every action is vouched for the audit trail, refused ones too")
}

// A link opens its own incident and nothing else; a forged or expired one
// opens nothing; an event-only incident can be marked resolved.
func TestMobileLinkIsACapability(t *testing.T) {
	ctx := context.Background()
	e := newNotifyEnv(t)
	trap := e.fire("LinkDownTrap", "lsx-t009-rt", "major")
	srv, _ := mobileEnv(t, e, true)
	link := e.n.opts.AckLinks.URL(srv.URL, trap.ID) // a group link: anyone, with a typed name

	for _, bad := range []string{"/ack/1.1.forged", "/ack/" + e.n.opts.AckLinks.CallRef(trap.ID, 1, "张三"), "/ack/" + strings.Repeat("9", 300)} {
		resp, err := http.Get(srv.URL + bad)
		require.NoError(t, err)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, bad)
		assert.Contains(t, readBody(t, resp), "链接无效或已过期")
		resp = post(t, srv.URL+bad, url.Values{"do": {"ack"}})
		resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	}
	resp, err := http.Get(link)
	require.NoError(t, err)
	body := readBody(t, resp)
	assert.Contains(t, body, "标记已恢复")
	assert.Contains(t, body, `placeholder="确认人姓名（选填）"`)

	resp = post(t, link, url.Values{"do": {"resolve"}, "reason": {"现场确认设备已重启"}, "name": {"李四\x00<b>"}})
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	got, err := e.store.Get(ctx, trap.ID)
	require.NoError(t, err)
	assert.False(t, got.Open())
	tl, err := e.store.Timeline(ctx, trap.ID)
	require.NoError(t, err)
	last := tl[len(tl)-1]
	assert.Equal(t, "resolved", last.Kind)
	assert.Equal(t, "李四<b>（消息链接）", last.Actor)
	assert.Equal(t, "人工标记已恢复：现场确认设备已重启", last.Detail)

	resp, err = http.Get(link)
	require.NoError(t, err)
	body = readBody(t, resp)
	assert.Contains(t, body, "已恢复")
	assert.NotContains(t, body, `id="actions"`, "nothing to do on a resolved incident")
	assert.Contains(t, body, "李四&lt;b&gt;（消息链接）", "escaped")
	resp = post(t, link, url.Values{"do": {"bogus"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp.Body.Close()
}
