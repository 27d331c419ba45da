package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// silencePage serves the page over a real silence store holding the given silences.
func silencePage(t *testing.T, query string, add ...alerting.Silence) (*http.Response, string) {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	store := alerting.NewSilences(db, func() time.Time { return t0 })
	for _, s := range add {
		_, err := store.Create(context.Background(), s)
		require.NoError(t, err)
	}
	mux := http.NewServeMux()
	mount(New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithSilences(store), mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/silences" + query)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func silence(t *testing.T, sel, by, why string, start, end time.Time) alerting.Silence {
	t.Helper()
	ms, err := alerting.ParseMatchers(sel)
	require.NoError(t, err)
	return alerting.Silence{Matchers: ms, StartsAt: start, EndsAt: end, CreatedBy: by, Comment: why}
}

func TestSilencePageInChinese(t *testing.T) {
	resp, page := silencePage(t, "",
		silence(t, `{district="灵宝市",alertname=~"Wan.*"}`, "zhangsan", "光缆迁改", t0, t0.Add(2*time.Hour)),
		silence(t, `{site="湖滨机房"}`, "lisi", "机房断电检修", t0.Add(time.Hour), t0.Add(3*time.Hour)))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	for _, want := range []string{
		"生效及待生效的静默 <b>2</b> 条",
		`{district=&#34;灵宝市&#34;,alertname=~&#34;Wan.*&#34;}`,
		"2026-11-27 14:00:00", "2026-11-27 16:00:00", // Asia/Shanghai
		"生效中", "未开始", "2小时0分", "zhangsan", "光缆迁改", "机房断电检修",
		`<a href="/silences">静默</a>`, `<script src="/static/silences.js" defer></script>`,
	} {
		assert.Contains(t, page, want)
	}
	assert.Regexp(t, `data-expire="[0-9a-f]{16}"`, page)
}

func TestSilencePageEscapesHostileInput(t *testing.T) {
	hostile := `<script>alert("静默")</script>`
	_, page := silencePage(t, "?matchers="+url.QueryEscape(`"><script>x()</script>`),
		silence(t, `{site="<img src=x onerror=alert(1)>"}`, "<b>mallory</b>", hostile, t0, t0.Add(time.Hour)))
	assert.NotContains(t, page, "<script>alert")
	assert.NotContains(t, page, "<script>x()")
	assert.NotContains(t, page, "<img src=x")
	assert.NotContains(t, page, "<b>mallory</b>")
	assert.Contains(t, page, "&lt;script&gt;alert(&#34;静默&#34;)&lt;/script&gt;")
	assert.Contains(t, page, "&lt;b&gt;mallory&lt;/b&gt;")
}

func TestSilencePageEmptyAndScript(t *testing.T) {
	_, page := silencePage(t, "?matchers="+url.QueryEscape(`{district="卢氏县"}`))
	assert.Contains(t, page, "当前没有静默，所有告警照常通知")
	assert.Contains(t, page, `value="{district=&#34;卢氏县&#34;}"`, "the form is pre-filled from ?matchers=")

	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	mux := http.NewServeMux()
	mount(New(fixedLister{}, slog.New(slog.DiscardHandler), nil).
		WithSilences(alerting.NewSilences(db, nil)).WithIncidents(fixedIncidents{}), mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	js, err := http.Get(srv.URL + "/static/silences.js")
	require.NoError(t, err)
	defer js.Body.Close()
	require.Equal(t, http.StatusOK, js.StatusCode, "one static handler serves both pages' scripts")
	b, _ := io.ReadAll(js.Body)
	assert.Contains(t, string(b), "X-SwanWatch-CSRF")
	assert.Contains(t, string(b), `"/api/v1/silences/"`)
}
