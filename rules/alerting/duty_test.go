package alerting

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// 我的值班: the user's roster person, who is on duty now and next, their
// open incidents (each a link to the phone's page under their name).
func TestDutyPage(t *testing.T) {
	e := newNotifyEnv(t)
	root := e.fire("WanLinkDown", "lsx-t001-up", "critical")
	e.tick() // 张三 is paged
	user := "zhang3"
	page := NewDutyPage(e.n, e.store, func(*http.Request) string { return user })
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		page.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/duty", nil))
		return rec.Code, rec.Body.String()
	}
	code, body := get()
	require.Equal(t, http.StatusOK, code)
	for _, want := range []string{"我的值班", "张三", "网络值班", "张三（至 2026-11-29 08:30:00）",
		"李四（2026-11-29 08:30:00 起）", "我的未关闭事件（1）", "#" + itoa(root.ID), "WanLinkDown lsx-t001-up", `href="/ack/`} {
		assert.Contains(t, body, want)
	}
	user = "stranger"
	_, body = get()
	assert.Contains(t, body, "未关联值班表中的人员")
	assert.Contains(t, body, "我的未关闭事件（0）")
}
