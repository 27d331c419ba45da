package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

type fixedIncidents []alerting.Incident

func (f fixedIncidents) List(context.Context, alerting.IncidentFilter) ([]alerting.Incident, error) {
	return f, nil
}

func TestIncidentPageShowsAckStateInChinese(t *testing.T) {
	incs := fixedIncidents{
		{ID: 7, Alertname: "LinkDown", Severity: alerting.Critical, FirstFired: t0.Add(-75 * time.Minute),
			Labels: map[string]string{"district": "灵宝市", "link": "lb-agg-01~lb-t003-rt"}, Annotations: map[string]string{"summary": "链路中断"}},
		{ID: 8, Alertname: "AgentOffline", Severity: alerting.Major, FirstFired: t0.Add(-10 * time.Minute), AckedBy: "zhangsan",
			AckedAt: t0.Add(-5 * time.Minute), Labels: map[string]string{"district": "卢氏县", "instance": "zwy-ls-01"}},
	}
	mux := http.NewServeMux()
	New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithIncidents(incs).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/incidents")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.Contains(t, page, "未确认 <b class=\"bad\">1</b>")
	assert.Contains(t, page, `data-ack="7"`)
	assert.Contains(t, page, "紧急")
	assert.Contains(t, page, "1小时15分")
	assert.Contains(t, page, "已确认</span> zhangsan 2026-11-27 13:55:00")
	assert.NotContains(t, page, `data-ack="8"`)

	js, err := http.Get(srv.URL + "/static/ack.js")
	require.NoError(t, err)
	defer js.Body.Close()
	assert.Equal(t, http.StatusOK, js.StatusCode)
	b, _ := io.ReadAll(js.Body)
	assert.Contains(t, string(b), "X-SwanWatch-CSRF")
}
