package logstore

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type pageAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		Events  []apiEvent `json:"events"`
		Next    string     `json:"next"`
		Partial string     `json:"partial"`
	} `json:"data"`
}

func getPage(t *testing.T, srv *httptest.Server, params url.Values) (int, pageAnswer) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/api/v1/events?" + params.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	var a pageAnswer
	require.NoError(t, jsonDecode(resp, &a))
	return resp.StatusCode, a
}

func apiTexts(evs []apiEvent) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.Text)
	}
	return out
}

func TestSearchFiltersEach(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	lbl := func(inst, district, sev, source, class string) []string {
		return []string{"instance", inst, "district", district, "severity", sev, "source", source, "class", class}
	}
	require.NoError(t, s.Append(context.Background(),
		ev(now.Add(-5*time.Minute), "e1 Deny TCP 10.0.0.1 policy BLOCK-ALL 拒绝", lbl("fw-a", "义马市", "critical", "syslog", "fw_deny")...),
		ev(now.Add(-4*time.Minute), "e2 deny udp 会话", lbl("fw-b", "义马市", "major", "syslog", "fw_deny")...),
		ev(now.Add(-3*time.Minute), "e3 permit TCP 会话建立", lbl("fw-a", "湖滨区", "info", "syslog", "fw_session")...),
		ev(now.Add(-2*time.Minute), "e4 登录失败 user Admin", lbl("sw-1", "湖滨区", "warning", "trap", "login_fail")...),
		ev(now.Add(-1*time.Minute), "e5 IPS 攻击 SQL注入", lbl("fw-a", "义马市", "critical", "trap", "ids")...),
	))
	srv := httptest.NewServer(http.HandlerFunc(s.ServeEvents))
	defer srv.Close()
	start := now.Add(-time.Hour).Format(time.RFC3339)
	for name, tc := range map[string]struct {
		params url.Values
		want   []string
	}{
		"none (newest first)":      {url.Values{}, []string{"e5", "e4", "e3", "e2", "e1"}},
		"instance":                 {url.Values{"instance": {"fw-a"}}, []string{"e5", "e3", "e1"}},
		"district":                 {url.Values{"district": {"湖滨区"}}, []string{"e4", "e3"}},
		"severity one":             {url.Values{"severity": {"critical"}}, []string{"e5", "e1"}},
		"severity several, comma":  {url.Values{"severity": {"critical,major"}}, []string{"e5", "e2", "e1"}},
		"severity several, repeat": {url.Values{"severity": {"info", "warning"}}, []string{"e4", "e3"}},
		"source":                   {url.Values{"source": {"trap"}}, []string{"e5", "e4"}},
		"class":                    {url.Values{"class": {"fw_deny"}}, []string{"e2", "e1"}},
		"text ASCII any case":      {url.Values{"q": {"DENY"}}, []string{"e2", "e1"}},
		"text lower finds upper":   {url.Values{"q": {"admin"}}, []string{"e4"}},
		"text Chinese":             {url.Values{"q": {"会话"}}, []string{"e3", "e2"}},
		"combined":                 {url.Values{"instance": {"fw-a"}, "district": {"义马市"}, "severity": {"critical"}, "source": {"syslog"}, "class": {"fw_deny"}, "q": {"拒绝"}}, []string{"e1"}},
		"selector too":             {url.Values{"match": {`{class=~"fw_.*"}`}, "instance": {"fw-a"}}, []string{"e3", "e1"}},
		"time range":               {url.Values{"start": {now.Add(-210 * time.Second).Format(time.RFC3339)}, "end": {now.Add(-90 * time.Second).Format(time.RFC3339)}}, []string{"e4", "e3"}},
		"nothing":                  {url.Values{"district": {"卢氏县"}}, []string{}},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.params.Get("start") == "" {
				tc.params.Set("start", start)
			}
			code, a := getPage(t, srv, tc.params)
			require.Equal(t, http.StatusOK, code, a.Error)
			got := []string{}
			for _, txt := range apiTexts(a.Data.Events) {
				got = append(got, strings.Fields(txt)[0])
			}
			assert.Equal(t, tc.want, got)
			assert.Empty(t, a.Data.Next, "a page below the limit is the last")
		})
	}
}

func TestSearchPagesAcrossCompressedAndLiveDays(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	smallBlocks(t)
	threeDays(t, s, 400)
	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background())) // 11-25 and 11-26 compressed, 11-27 live
	srv := httptest.NewServer(http.HandlerFunc(s.ServeEvents))
	defer srv.Close()

	for _, dir := range []string{"backward", "forward"} {
		t.Run(dir, func(t *testing.T) {
			base := url.Values{"start": {"2026-11-24T00:00:00+08:00"}, "end": {clk.Now().Format(time.RFC3339)}, "instance": {"fw-1"}, "direction": {dir}}
			q := Query{Start: at("2026-11-24 00:00:00.000"), End: clk.Now(), Labels: map[string][]string{"instance": {"fw-1"}}, Limit: MaxLimit}
			if dir == "forward" {
				q.Direction = Forward
			}
			whole, err := s.Query(context.Background(), q)
			require.NoError(t, err)
			require.Len(t, whole, 300)

			var paged []string
			params := base
			for pages := 0; ; pages++ {
				require.Less(t, pages, 100, "paging ends")
				params.Set("limit", "7")
				code, a := getPage(t, srv, params)
				require.Equal(t, http.StatusOK, code, a.Error)
				paged = append(paged, apiTexts(a.Data.Events)...)
				if a.Data.Next == "" {
					break
				}
				params.Set("cursor", a.Data.Next)
			}
			assert.Equal(t, texts(whole), paged, "the pages together are the whole answer, once each, in order")
		})
	}
}

func TestSearchBounds(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	threeDays(t, s, 50)
	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background()))
	srv := httptest.NewServer(http.HandlerFunc(s.ServeEvents))
	defer srv.Close()
	everything := url.Values{"start": {"0"}, "end": {"99999999999"}, "limit": {"10000"}}

	// A budget of 60 records: each request finishes one day of 50 and stops in
	// the next, answering what it finished and where to go on.
	s.opts.MaxScanEvents = 60
	var all []string
	params := url.Values{}
	for k, v := range everything {
		params[k] = v
	}
	partials := 0
	for range 10 {
		code, a := getPage(t, srv, params)
		require.Equal(t, http.StatusOK, code, a.Error)
		all = append(all, apiTexts(a.Data.Events)...)
		if a.Data.Partial != "" {
			assert.Equal(t, "scan_budget", a.Data.Partial)
			partials++
		}
		if a.Data.Next == "" {
			break
		}
		params.Set("cursor", a.Data.Next)
	}
	assert.Equal(t, 2, partials)
	assert.Len(t, all, 150, "continuing after each partial page finds every event once")

	for name, tc := range map[string]struct {
		budget  int64
		timeout time.Duration
		want    string
	}{
		"one day beyond the scan budget": {10, time.Minute, "narrow the time range"},
		"time bound":                     {1 << 40, time.Nanosecond, "timeout"},
	} {
		t.Run(name, func(t *testing.T) {
			s.opts.MaxScanEvents, s.opts.QueryTimeout = tc.budget, tc.timeout
			code, a := getPage(t, srv, everything)
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Equal(t, "bad_data", a.ErrorType)
			assert.Contains(t, a.Error, tc.want)
		})
	}
	s.opts.MaxScanEvents, s.opts.QueryTimeout = DefaultMaxScanEvents, DefaultQueryTimeout

	for name, params := range map[string]url.Values{
		"enormous limit":      {"limit": {"100000000"}},
		"negative limit":      {"limit": {"-1"}},
		"bad cursor":          {"cursor": {"abc"}},
		"cursor too long":     {"cursor": {strings.Repeat("1", 40) + "." + strings.Repeat("1", 40)}},
		"too many values":     {"severity": {strings.Repeat("a,", maxLabelValues+1)}},
		"huge value":          {"district": {strings.Repeat("区", maxTextParam)}},
		"regexp bomb":         {"match": {`{instance=~"` + strings.Repeat("(a*)*", 2000) + `"}`}},
		"regexp repeat limit": {"match": {`{instance=~"a{1000}{1000}"}`}},
		"end before start":    {"start": {"2000"}, "end": {"1000"}},
		"time out of range":   {"start": {"1e300"}},
	} {
		t.Run(name, func(t *testing.T) {
			code, a := getPage(t, srv, params)
			assert.Equal(t, http.StatusBadRequest, code)
			assert.Equal(t, "bad_data", a.ErrorType)
			assert.NotEmpty(t, a.Error)
		})
	}
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
