package logstore

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type apiAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		Events []apiEvent `json:"events"`
	} `json:"data"`
}

func getEvents(t *testing.T, srv *httptest.Server, params url.Values) (int, apiAnswer) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/api/v1/events?" + params.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var a apiAnswer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	return resp.StatusCode, a
}

func TestHandlerEvents(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	require.NoError(t, s.Append(context.Background(),
		ev(now.Add(-2*time.Hour), "两小时前", "kind", "agent"),
		ev(now.Add(-30*time.Minute), "监控插件离线", "kind", "agent", "district", "义马市"),
		ev(now.Add(-10*time.Minute), "接口中断", "kind", "snmp"),
	))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	code, a := getEvents(t, srv, url.Values{"match": {`{kind="agent"}`}})
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "success", a.Status)
	require.Len(t, a.Data.Events, 1, "default window is the last hour")
	assert.Equal(t, apiEvent{Time: "2026-11-27T13:35:09+08:00", Labels: map[string]string{"kind": "agent", "district": "义马市"}, Text: "监控插件离线"}, a.Data.Events[0])

	start := strconv.FormatInt(now.Add(-3*time.Hour).Unix(), 10)
	code, a = getEvents(t, srv, url.Values{"start": {start}, "end": {now.Format(time.RFC3339)}, "q": {"中断"}})
	require.Equal(t, http.StatusOK, code)
	require.Len(t, a.Data.Events, 1)
	assert.Equal(t, "接口中断", a.Data.Events[0].Text)

	code, a = getEvents(t, srv, url.Values{"start": {start}, "limit": {"2"}, "direction": {"forward"}})
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, []string{"两小时前", "监控插件离线"}, []string{a.Data.Events[0].Text, a.Data.Events[1].Text})

	code, a = getEvents(t, srv, url.Values{"match": {`{kind="none"}`}})
	require.Equal(t, http.StatusOK, code)
	assert.NotNil(t, a.Data.Events, "no events is an empty list, not null")
}

func TestHandlerBadData(t *testing.T) {
	s := openTest(t, t.TempDir(), nil, nil)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for name, params := range map[string]url.Values{
		"bad start":     {"start": {"yesterday"}},
		"bad end":       {"end": {"NaN"}},
		"end<start":     {"start": {"2000"}, "end": {"1000"}},
		"limit 0":       {"limit": {"0"}},
		"limit too big": {"limit": {"10001"}},
		"bad selector":  {"match": {`{kind=~"("}`}},
		"huge selector": {"match": {`{a="` + strings.Repeat("x", maxSelectorLen) + `"}`}},
		"huge q":        {"q": {strings.Repeat("x", maxTextParam+1)}},
		"direction":     {"direction": {"sideways"}},
	} {
		t.Run(name, func(t *testing.T) {
			before := queryBadData.Get()
			code, a := getEvents(t, srv, params)
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Equal(t, "error", a.Status)
			assert.Equal(t, "bad_data", a.ErrorType)
			assert.NotEmpty(t, a.Error)
			assert.Equal(t, before+1, queryBadData.Get())
		})
	}
	resp, err := http.Post(srv.URL, "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}
