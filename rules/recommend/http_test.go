package recommend

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type answer struct {
	Status string           `json:"status"`
	Error  string           `json:"error"`
	Data   json.RawMessage  `json:"data"`
	List   []Recommendation `json:"-"`
}

func serve(t *testing.T, api *API) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/recommendations", api.List)
	mux.HandleFunc("POST /api/v1/recommendations/{id}/state", api.SetState)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, method, url, body string) (int, answer) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var a answer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	if len(a.Data) > 0 && a.Data[0] == '[' {
		require.NoError(t, json.Unmarshal(a.Data, &a.List))
	}
	return resp.StatusCode, a
}

func TestAPI(t *testing.T) {
	f := newFixture(t)
	_, err := f.st.Sync(context.Background(), "2026-10", october())
	require.NoError(t, err)
	srv := serve(t, NewAPI(f.st, func(*http.Request) string { return "wang" }))
	list := srv.URL + "/api/v1/recommendations"

	code, a := call(t, "GET", list+"?state=待处理&system=政务云&dept=大数据局", "")
	require.Equal(t, http.StatusOK, code)
	assert.Len(t, a.List, 7)
	code, a = call(t, "GET", list+"?dept=其他局", "")
	require.Equal(t, http.StatusOK, code)
	assert.Empty(t, a.List)
	assert.Equal(t, "[]", string(a.Data), "an empty list is [], not null")
	code, a = call(t, "GET", list+"?state=closed", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, a.Error, "状态 \"closed\" 无效")

	id := strconv.FormatInt(byVM(t, f.st)["vm-d"].ID, 10)
	state := srv.URL + "/api/v1/recommendations/" + id + "/state"
	for _, tc := range []struct {
		url, body string
		code      int
		want      string
	}{
		{state, `{"state":"不采纳"}`, 400, "不采纳须填写原因"},
		{state, `{"state":"rejected","reason":""}`, 400, "不采纳须填写原因"},
		{state, `{"state":"已处理"}`, 400, "已处理须由监测数据核实"},
		{state, `{"state":"关闭"}`, 400, "状态 \"关闭\" 无效"},
		{state, `not json`, 400, "请求体须为 JSON"},
		{state, `{"state":"已通知","who":"x"}`, 400, "请求体须为 JSON"},
		{state, `{"state":"已通知","reason":"` + strings.Repeat("x", 20<<10) + `"}`, 413, "请求体超过"},
		{srv.URL + "/api/v1/recommendations/abc/state", `{"state":"已通知"}`, 400, "建议编号须为正整数"},
		{srv.URL + "/api/v1/recommendations/9999/state", `{"state":"已通知"}`, 404, "没有这条建议"},
	} {
		code, a := call(t, "POST", tc.url, tc.body)
		assert.Equal(t, tc.code, code, tc.body)
		assert.Equal(t, "error", a.Status)
		assert.Contains(t, a.Error, tc.want, tc.body)
	}
	assert.Equal(t, Pending, byVM(t, f.st)["vm-d"].State, "no refused change changed anything")

	code, a = call(t, "POST", state, `{"state":"不采纳","reason":"该系统承担年终结算"}`)
	require.Equal(t, http.StatusOK, code, a.Error)
	var r Recommendation
	require.NoError(t, json.Unmarshal(a.Data, &r))
	assert.Equal(t, Rejected, r.State)
	assert.Equal(t, "不采纳", r.StateWord)
	assert.Equal(t, "wang", r.ChangedBy, "the user is the request's, not the body's")
	assert.Equal(t, "该系统承担年终结算", r.Note)

	code, a = call(t, "GET", list+"?state=rejected", "")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, a.List, 1)
	assert.Equal(t, "vm-d", a.List[0].VM)
}
