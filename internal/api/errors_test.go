package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/prometheus/promql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorBody is Prometheus's error envelope.
type errorBody struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
}

func getError(t *testing.T, f *fixture, method, path string, form url.Values) (int, errorBody) {
	t.Helper()
	var body io.Reader
	target := f.srv.URL + path
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else if form != nil {
		target += "?" + form.Encode()
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(t, err)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var eb errorBody
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.Header.Get("Content-Type") == "application/json" {
		require.NoError(t, json.Unmarshal(b, &eb), string(b))
	}
	return resp.StatusCode, eb
}

func TestErrorShapes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, method, path string
		form               url.Values
		code               int
		typ, msg           string
	}{
		{"bad promql", "GET", "/api/v1/query", url.Values{"query": {"avg("}}, 400, "bad_data", "unclosed left parenthesis"},
		{"empty query", "POST", "/api/v1/query", url.Values{}, 400, "bad_data", "no expression found"},
		{"bad time", "GET", "/api/v1/query", url.Values{"query": {"up"}, "time": {"昨天"}}, 400, "bad_data", `invalid parameter "time"`},
		{"nan time", "GET", "/api/v1/query", url.Values{"query": {"up"}, "time": {"NaN"}}, 400, "bad_data", "out of range"},
		{"bad limit", "GET", "/api/v1/query", url.Values{"query": {"up"}, "limit": {"-1"}}, 400, "bad_data", "non-negative"},
		{"bad timeout", "POST", "/api/v1/query", url.Values{"query": {"up"}, "timeout": {"-5"}}, 400, "bad_data", "timeout must be positive"},
		{"too many points", "GET", "/api/v1/query_range", url.Values{"query": {"up"}, "start": {"0"}, "end": {"100000"}, "step": {"1"}}, 400, "bad_data", "11,000 points"},
		{"end before start", "POST", "/api/v1/query_range", url.Values{"query": {"up"}, "start": {"100"}, "end": {"10"}, "step": {"1"}}, 400, "bad_data", "before start"},
		{"zero step", "GET", "/api/v1/query_range", url.Values{"query": {"up"}, "start": {"0"}, "end": {"10"}, "step": {"0"}}, 400, "bad_data", "step"},
		{"missing start", "GET", "/api/v1/query_range", url.Values{"query": {"up"}, "end": {"10"}, "step": {"1"}}, 400, "bad_data", `invalid parameter "start"`},
		{"execution error", "GET", "/api/v1/query", url.Values{"query": {`sum by (district) (up) + ignoring(district) sum by (district) (up)`}, "time": {fmt.Sprint(f.end().Unix())}}, 422, "execution", "many-to-many"},
		{"timed out", "GET", "/api/v1/query", url.Values{"query": {"up"}, "timeout": {"0.000000001"}}, 503, "timeout", "timed out"},
		{"series without match", "GET", "/api/v1/series", nil, 400, "bad_data", "no match[]"},
		{"series matches all", "GET", "/api/v1/series", url.Values{"match[]": {`{__name__=~".*"}`}}, 400, "bad_data", "non-empty matcher"},
		{"series bad selector", "POST", "/api/v1/series", url.Values{"match[]": {`up{`}}, 400, "bad_data", "match[]"},
		{"labels bad end", "GET", "/api/v1/labels", url.Values{"end": {"x"}}, 400, "bad_data", `invalid parameter "end"`},
		{"label values bad name", "GET", "/api/v1/label/%FF/values", nil, 400, "bad_data", "invalid label name"},
		{"metadata bad limit", "GET", "/api/v1/metadata", url.Values{"limit": {"many"}}, 400, "bad_data", "limit must be a number"},
		{"body too large", "POST", "/api/v1/query", url.Values{"query": {strings.Repeat("a", maxBodyBytes)}}, 400, "bad_data", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, eb := getError(t, f, tt.method, tt.path, tt.form)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, "error", eb.Status)
			assert.Equal(t, tt.typ, eb.ErrorType)
			assert.Contains(t, eb.Error, tt.msg)
		})
	}
}

func TestWrongMethod(t *testing.T) {
	f := newFixture(t)
	code, _ := getError(t, f, http.MethodPut, "/api/v1/query", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	code, _ = getError(t, f, http.MethodPost, "/api/v1/metadata", url.Values{})
	assert.Equal(t, http.StatusMethodNotAllowed, code)
}

// The real client must see Prometheus's error types, so that Grafana and
// client_golang users can tell their mistakes from our faults.
func TestClientSeesErrorTypes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, _, _, err := f.api.Query(ctx, "sum(rate(up[5m]", f.end())
	assertAPIError(t, err, v1.ErrBadData)

	_, _, _, err = f.api.QueryRange(ctx, "up", v1.Range{Start: f.start, End: f.start.Add(24 * time.Hour), Step: time.Second})
	assertAPIError(t, err, v1.ErrBadData)

	_, _, _, err = f.api.Query(ctx, "sum by (district) (up) + ignoring(district) sum by (district) (up)", f.end())
	assertAPIError(t, err, v1.ErrExec)
}

// An engine timeout (QueryOptions.Timeout) is a 503 with errorType "timeout";
// client_golang reads the type only from 400/422 bodies, so it reports a
// server error and keeps the body as the detail.
func TestEngineTimeout(t *testing.T) {
	f := &fixture{agents: 10, start: time.Unix(1_800_000_000, 0), step: time.Minute, points: 5, offline: func(int) bool { return false }}
	f.openDB(t)
	f.queryOpt.Timeout = time.Nanosecond
	f.serve(t)
	_, _, _, err := f.api.Query(context.Background(), "up", f.end())
	assertAPIError(t, err, v1.ErrServer)
	var apiErr *v1.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Detail, `"errorType":"timeout"`)
}

func TestMaxSamplesIsExecutionError(t *testing.T) {
	f := &fixture{agents: 50, start: time.Unix(1_800_000_000, 0), step: time.Minute, points: 5, offline: func(int) bool { return false }}
	f.openDB(t)
	f.queryOpt.MaxSamples = 10
	f.serve(t)
	_, _, _, err := f.api.Query(context.Background(), "up", f.end())
	assertAPIError(t, err, v1.ErrExec)
	assert.Contains(t, err.Error(), "too many samples")
}

func assertAPIError(t *testing.T, err error, typ v1.ErrorType) {
	t.Helper()
	var apiErr *v1.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, typ, apiErr.Type, apiErr.Msg)
}

func TestEngineErrorMapping(t *testing.T) {
	tests := []struct {
		err  error
		typ  errorType
		code int
	}{
		{promql.ErrQueryCanceled("x"), errCanceled, 503},
		{fmt.Errorf("wrapped: %w", context.Canceled), errCanceled, 503},
		{promql.ErrQueryTimeout("x"), errTimeout, 503},
		{promql.ErrStorage{Err: errors.New("disk gone")}, errInternal, 500},
		{errors.New("many-to-many"), errExec, 422},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			ae := engineError(tt.err)
			assert.Equal(t, tt.typ, ae.typ)
			assert.Equal(t, tt.code, ae.typ.status())
			assert.ErrorIs(t, ae, tt.err)
		})
	}
}

// Bad input is counted by endpoint and error type, never by query text.
func TestBadInputCounted(t *testing.T) {
	f := newFixture(t)
	c := metrics.GetOrCreateCounter(`swanwatch_api_requests_total{endpoint="query_range",outcome="bad_data"}`)
	before := c.Get()
	code, _ := getError(t, f, "GET", "/api/v1/query_range", url.Values{"query": {"up"}, "start": {"x"}})
	require.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, before+1, c.Get())
}
