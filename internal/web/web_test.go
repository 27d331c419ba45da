package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

type fixedLister []collectors.TargetStatus

func (f fixedLister) Targets() []collectors.TargetStatus { return f }

var t0 = time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)

func agent(name, district string, st collectors.State, since time.Time) collectors.TargetStatus {
	return collectors.TargetStatus{
		Target: collectors.Target{Kind: "agent", Name: name, Address: "http://x/" + name,
			Labels: map[string]string{"district": district, "system": "不动产登记系统", "level": "city"}},
		State: st, Since: since, LastError: map[bool]string{true: "connection refused"}[st == collectors.StateDown],
	}
}

func fixture() fixedLister {
	return fixedLister{
		agent("vm-a", "义马市", collectors.StateUp, t0),
		agent("vm-b", "义马市", collectors.StateDown, t0.Add(-2*time.Hour)),
		agent("vm-c", "义马市", collectors.StateDown, t0.Add(-10*time.Minute)),
		agent("vm-d", "市本级", collectors.StateUp, t0),
		agent("vm-e", "市本级", collectors.StateUnknown, time.Time{}),
		{Target: collectors.Target{Kind: "snmp", Name: "sw1", Labels: map[string]string{"district": "市本级"}}, State: collectors.StateDown},
	}
}

func TestAgentRates(t *testing.T) {
	per, city := AgentRates(fixture())
	require.Len(t, per, 2)
	assert.Equal(t, "市本级", per[0].District, "districts follow the bureau's order")
	assert.Equal(t, DistrictRate{District: "市本级", Total: 2, Online: 1, Unknown: 1, Ratio: 1}, per[0])
	assert.InDelta(t, 1.0/3, per[1].Ratio, 1e-12)
	assert.Equal(t, 5, city.Total, "non-agent kinds are not agents")
	assert.InDelta(t, 2.0/4, city.Ratio, 1e-12)
}

func TestOfflineAgentsLongestFirst(t *testing.T) {
	off := OfflineAgents(fixture())
	require.Len(t, off, 2)
	assert.Equal(t, "vm-b", off[0].Name)
	assert.Equal(t, "connection refused", off[0].LastError)
}

func TestFormatPercentNeverRoundsUp(t *testing.T) {
	for in, want := range map[float64]string{1: "100.00%", 0.99996: "99.99%", 0.29: "29.00%", 0: "0.00%", 0.123456: "12.34%"} {
		assert.Equal(t, want, FormatPercent(in), "%v", in)
	}
}

func serve(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	mux := http.NewServeMux()
	mount(New(fixture(), slog.New(slog.DiscardHandler), func() time.Time { return t0 }), mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestStatusPageInChinese(t *testing.T) {
	resp, body := serve(t, "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "全市插件在线率")
	assert.Contains(t, body, "50.00%")
	assert.Contains(t, body, "2026-11-27 12:00:00", "since shown in Asia/Shanghai")
	assert.Contains(t, body, "2小时0分")
}

func TestTargetsAPIFilters(t *testing.T) {
	_, body := serve(t, "/api/v1/targets?kind=agent&state=down&district=%E4%B9%89%E9%A9%AC%E5%B8%82")
	var out struct {
		Status string
		Data   struct {
			Total   int
			Targets []targetView
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	assert.Equal(t, "success", out.Status)
	assert.Equal(t, 2, out.Data.Total)
	assert.Equal(t, "down", out.Data.Targets[0].State)
}

func TestTargetsPageLists(t *testing.T) {
	_, body := serve(t, "/targets?state=down")
	assert.Contains(t, body, "sw1")
	assert.Contains(t, body, "离线")
	assert.NotContains(t, body, "vm-a")
}

// mount mounts the pages as the route table in internal/app does.
func mount(w *Web, mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", w.StatusPage)
	mux.HandleFunc("GET /targets", w.TargetsPage)
	mux.HandleFunc("GET /api/v1/targets", w.TargetsAPI)
	mux.HandleFunc("GET /api/v1/agents/offline", w.OfflineAPI)
	mux.HandleFunc("GET /api/v1/agents/online_rate", w.RateAPI)
	mux.Handle("GET /static/", w.Static())
	mux.HandleFunc("GET /incidents", w.IncidentsPage)
	mux.HandleFunc("GET /silences", w.SilencesPage)
}
