package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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

func (f fixedIncidents) Get(_ context.Context, id int64) (alerting.Incident, error) {
	for _, inc := range f {
		if inc.ID == id {
			return inc, nil
		}
	}
	return alerting.Incident{}, alerting.ErrNoIncident
}

func (f fixedIncidents) Timeline(_ context.Context, id int64) ([]alerting.TimelineEntry, error) {
	return []alerting.TimelineEntry{
		{At: t0.Add(-75 * time.Minute), Kind: "fired", Actor: "system", Detail: "链路中断"},
		{At: t0.Add(-74 * time.Minute), Kind: "notified", Actor: "system", Detail: "已发送至 值班群/wecom"},
		{At: t0.Add(-60 * time.Minute), Kind: "note", Actor: "lisi", Detail: "<script>alert(1)</script>已派人"},
	}, nil
}

func getPage(t *testing.T, url string) (string, *http.Response) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return string(body), resp
}

// Held-back incidents are listed under their root, never dropped; the detail
// page shows the chain, the children and the timeline in Chinese, escaped.
func TestIncidentPagesShowTheSuppressionTree(t *testing.T) {
	incs := fixedIncidents{
		{ID: 1, Alertname: "InterfaceDown", Severity: alerting.Major, FirstFired: t0.Add(-75 * time.Minute),
			Labels: map[string]string{"district": "湖滨区", "link": "hb-agg-02~hb-t201-rt"}, Annotations: map[string]string{"summary": "链路中断"}},
		{ID: 3, Alertname: "SnmpTargetUnreachable", Severity: alerting.Major, FirstFired: t0.Add(-70 * time.Minute), SuppressedBy: 1,
			SuppressReason: alerting.ReasonUpstream, Labels: map[string]string{"district": "湖滨区", "instance": "hb-t201-v01-rt"}},
		{ID: 4, Alertname: "SnmpTargetUnreachable", Severity: alerting.Major, FirstFired: t0.Add(-70 * time.Minute), SuppressedBy: 1,
			SuppressReason: alerting.ReasonUpstream, Labels: map[string]string{"district": "湖滨区", "instance": "hb-t201-v02-rt"}},
		{ID: 9, Alertname: "AgentOffline", Severity: alerting.Minor, FirstFired: t0.Add(-5 * time.Minute),
			Labels: map[string]string{"district": "卢氏县", "instance": "zwy-ls-01"}},
	}
	mux := http.NewServeMux()
	mount(New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithIncidents(incs), mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	page, _ := getPage(t, srv.URL+"/incidents")
	assert.Contains(t, page, "其中 <b class=\"unk\">2</b> 起因上级故障抑制")
	assert.Contains(t, page, "需确认 <b class=\"bad\">2</b> 起", "held-back incidents are not counted as needing acknowledgement")
	assert.Contains(t, page, "（抑制下级告警 2 起）")
	root, child, other := strings.Index(page, `?id=1"`), strings.Index(page, `?id=3"`), strings.Index(page, `?id=9"`)
	assert.True(t, root < child && child < other, "children right under their root: %d %d %d", root, child, other)
	assert.NotContains(t, page, `data-ack="3"`)

	detail, resp := getPage(t, srv.URL+"/incidents?id=1")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, detail, "因本事件抑制的下级告警（2 起）")
	assert.Contains(t, detail, "hb-t201-v02-rt")
	assert.Contains(t, detail, "告警触发")
	assert.Contains(t, detail, "处置记录")
	assert.Contains(t, detail, "&lt;script&gt;")
	assert.NotContains(t, detail, "<script>alert")
	child3, _ := getPage(t, srv.URL+"/incidents?id=3")
	assert.Contains(t, child3, `因上级故障抑制：根源事件 <a href="/incidents?id=1">#1</a>`)

	_, resp = getPage(t, srv.URL+"/incidents?id=77")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	_, resp = getPage(t, srv.URL+"/incidents?id=x")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestIncidentPageShowsAckStateInChinese(t *testing.T) {
	incs := fixedIncidents{
		{ID: 7, Alertname: "LinkDown", Severity: alerting.Critical, FirstFired: t0.Add(-75 * time.Minute),
			Labels: map[string]string{"district": "灵宝市", "link": "lb-agg-01~lb-t003-rt"}, Annotations: map[string]string{"summary": "链路中断"}},
		{ID: 8, Alertname: "AgentOffline", Severity: alerting.Major, FirstFired: t0.Add(-10 * time.Minute), AckedBy: "zhangsan",
			AckedAt: t0.Add(-5 * time.Minute), Labels: map[string]string{"district": "卢氏县", "instance": "zwy-ls-01"}},
	}
	mux := http.NewServeMux()
	mount(New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithIncidents(incs), mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/incidents")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.Contains(t, page, "需确认 <b class=\"bad\">1</b>")
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

// A camera's picture fault shows the frame that raised it (asked for at the
// first firing) and, for a moved camera, the 基准画面; an annotation that
// points off the camera API is not shown.
func TestIncidentPageShowsCameraPictures(t *testing.T) {
	incs := fixedIncidents{
		{ID: 5, Alertname: "CameraPictureFault", Severity: alerting.Major, FirstFired: t0.Add(-5 * time.Minute),
			Labels: map[string]string{"district": "湖滨区", "instance": "cam-hxd-01", "fault": "scene_change"},
			Annotations: map[string]string{"summary": "画面偏移",
				"evidence":  "/api/v1/cameras/evidence?camera=cam-hxd-01&fault=scene_change",
				"reference": "/api/v1/cameras/reference?camera=cam-hxd-01"}},
		{ID: 6, Alertname: "CameraPictureFault", Severity: alerting.Major, FirstFired: t0,
			Labels: map[string]string{"instance": "cam-x"},
			Annotations: map[string]string{"summary": "黑屏", "evidence": "https://evil.example/x.jpg",
				"reference": `/api/v1/cameras/reference?camera="><script>`}},
	}
	mux := http.NewServeMux()
	mount(New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithIncidents(incs), mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	page, _ := getPage(t, srv.URL+"/incidents?id=5")
	at := strconv.FormatInt(t0.Add(-5*time.Minute).Unix(), 10)
	assert.Contains(t, page, `<img src="/api/v1/cameras/evidence?camera=cam-hxd-01&amp;fault=scene_change&amp;at=`+at+`" alt="告警画面"`)
	assert.Contains(t, page, `<img src="/api/v1/cameras/reference?camera=cam-hxd-01" alt="基准画面"`)
	other, _ := getPage(t, srv.URL+"/incidents?id=6")
	assert.NotContains(t, other, "evil.example")
	assert.NotContains(t, other, "<h3>画面</h3>")
}
