package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

const reportsConfig = `
server: {listen: "127.0.0.1:{{port}}", external_url: "http://sw.example"}
storage: {path: "{{dir}}/data"}
alerting:
  receivers:
    - {name: duty, webhook: {url: "{{hook}}"}}
  route: {receiver: duty}
reports: {receiver: duty}
`

var reportContentTypes = map[string]string{
	"pdf":  "application/pdf",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"html": "text/html; charset=utf-8",
}

// The reports API: the current month's provisional report in every format
// and today's inspection report, for a logged-in viewer only; bad requests
// are told what is wrong.
func TestReportsAPI(t *testing.T) {
	s := startServer(t, reportsConfig, map[string]string{"{{hook}}": "http://127.0.0.1:1/hook"})
	month, today := sla.MonthOf(time.Now()), sla.DateOf(time.Now())
	get := func(path string, auth bool) *http.Response {
		req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
		require.NoError(t, err)
		if auth {
			req.SetBasicAuth("ops", testPassword)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for format, ctype := range reportContentTypes {
		resp := get("/api/v1/reports/sla/"+month+"?format="+format, true)
		require.Equal(t, http.StatusOK, resp.StatusCode, format)
		assert.Equal(t, ctype, resp.Header.Get("Content-Type"))
		assert.Contains(t, resp.Header.Get("Content-Disposition"), "filename*=UTF-8''SLA%E6%9C%88%E6%8A%A5-"+month+"."+format)
		b, _ := io.ReadAll(resp.Body)
		assert.NotEmpty(t, b)
		if format == "html" {
			assert.Contains(t, string(b), "临时报告")
		}
	}
	resp := get("/api/v1/reports/inspection/"+today, true)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, _ := io.ReadAll(resp.Body)
	assert.Contains(t, string(b), "日常巡检报告")

	list, _ := io.ReadAll(get("/api/v1/reports/sla", true).Body)
	assert.Contains(t, string(list), `"month":"`+month+`"`)

	for _, c := range []struct {
		path string
		auth bool
		code int
	}{
		{"/api/v1/reports/sla/" + month, false, http.StatusUnauthorized},
		{"/api/v1/reports/inspection/" + today, false, http.StatusUnauthorized},
		{"/api/v1/reports/sla/2026-13?format=pdf", true, http.StatusBadRequest},
		{"/api/v1/reports/sla/" + month + "?format=docx", true, http.StatusBadRequest},
		{"/api/v1/reports/sla/2999-01", true, http.StatusNotFound},
		{"/api/v1/reports/inspection/2020-01-01", true, http.StatusNotFound},
		{"/api/v1/reports/inspection/..%2F..%2Fetc%2Fpasswd", true, http.StatusBadRequest},
		{"/api/v1/reports/inspection/" + today + "?format=xlsx", true, http.StatusBadRequest},
	} {
		assert.Equal(t, c.code, get(c.path, c.auth).StatusCode, c.path)
	}
}

// The reports are wired to the configuration and the outbox: an issued
// report is kept under storage.path and announced to reports.receiver with
// a link on server.external_url, once, however often it is issued.
func TestIssuedReportsAreAnnouncedThroughTheOutbox(t *testing.T) {
	sink := &hookSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	dir := t.TempDir()
	cfgYAML := strings.NewReplacer("{{port}}", "9", "{{dir}}", dir, "{{hook}}", hook.URL+"/hook").Replace(reportsConfig)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sw.yaml"), []byte(cfgYAML), 0o600))
	cfg, err := config.Load(filepath.Join(dir, "sw.yaml"))
	require.NoError(t, err)
	s := &system{logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.cfg.Store(cfg)
	require.NoError(t, s.open())
	defer s.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.notify.outbox.Run(ctx) }()

	s.reports.MonthFrozen(ctx, "2026-10")
	require.Eventually(t, func() bool { return len(sink.messages()) == 1 }, 10*time.Second, 20*time.Millisecond)
	m := sink.messages()[0]
	assert.Equal(t, "【月度报告】2026年10月 SLA服务报告已生成", m.SwanWatch.Title)
	assert.Equal(t, "http://sw.example/api/v1/reports/sla/2026-10?format=pdf", m.SwanWatch.URL)
	_, err = os.Stat(filepath.Join(dir, "data", "reports", "SLA月报-2026-10.pdf"))
	require.NoError(t, err)

	s.reports.MonthFrozen(ctx, "2026-10") // issued again (a restart mid-way): the notice is not repeated
	s.reports.IssueInspection(ctx, time.Date(2026, 10, 31, 8, 0, 0, 0, cst.Location))
	require.Eventually(t, func() bool { return len(sink.messages()) >= 2 }, 10*time.Second, 20*time.Millisecond)
	_, err = os.Stat(filepath.Join(dir, "data", "reports", "巡检报告-2026-10-31.html"))
	require.NoError(t, err)
	msgs := sink.messages()
	require.Len(t, msgs, 2, "the monthly notice once, then the inspection's")
	assert.Equal(t, "【巡检报告】2026-10-31 日常巡检报告", msgs[1].SwanWatch.Title)
}
