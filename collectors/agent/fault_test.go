package agent

import (
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

const goodBody = "# TYPE node_load1 gauge\nnode_load1 0.5\n"

// fake serves one handler on 127.0.0.1:0, for faults a real node_exporter cannot produce.
func fake(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/metrics"
}

func scrapeErrors(reason string) uint64 {
	return metrics.GetOrCreateCounter(`swanwatch_agent_scrape_errors_total{reason="` + reason + `"}`).Get()
}

func secretFile(t *testing.T, content string) string {
	p := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(p, []byte(content+"\n"), 0o600))
	return p
}

func TestScrapeFaults(t *testing.T) {
	big := strings.Repeat("node_load1 1\n", 10<<20/13+1) // > 10 MB
	cases := []struct {
		name    string
		h       http.HandlerFunc
		reason  string
		wantErr string
	}{
		{"malformed exposition", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte("# TYPE node_load1 gauge\nnode_load1 0.5\nnode_load5{cpu=\"0\" 1\n"))
		}, reasonParse, `parse exposition: line 3: unexpected end of label value "0": "node_load5{cpu=\"0\" 1"`},
		{"10 MB body", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(big)) },
			reasonTooLarge, "scrape body exceeds 4194304 bytes: raise collectors.agent.max_body_bytes or disable collectors on the agent"},
		{"http 500", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", 500) },
			reasonStatus, "scrape: server returned HTTP status 500 Internal Server Error"},
		{"protobuf answer", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
			w.Write([]byte{1, 2, 3})
		}, reasonContentType, `scrape: unsupported content type "application/vnd.google.protobuf": the agent collector reads the text exposition format`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCollector(t)
			before := scrapeErrors(tc.reason)
			rec, err := scrape(t, c, vmTarget(fake(t, tc.h)))
			require.EqualError(t, err, tc.wantErr)
			assert.Equal(t, before+1, scrapeErrors(tc.reason))
			assert.Empty(t, rec.Problems())
		})
	}
}

func TestScrapeGzipAndHeaders(t *testing.T) {
	url := fake(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Contains(t, r.Header.Get("Accept"), "text/plain;version=0.0.4")
		assert.NotEmpty(t, r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"))
		if !assert.Contains(t, r.Header.Get("Accept-Encoding"), "gzip") {
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(goodBody))
		zw.Close()
	})
	rec, err := scrape(t, newTestCollector(t), vmTarget(url))
	require.NoError(t, err)
	v, ok := rec.Value("node_load1{}")
	require.True(t, ok)
	assert.Equal(t, 0.5, v)
}

func TestScrapeAuth(t *testing.T) {
	const pw, token = "s3cret-pw", "tok-123456"
	url := fake(t, func(w http.ResponseWriter, r *http.Request) {
		u, p, basic := r.BasicAuth()
		if (basic && u == "ops" && p == pw) || r.Header.Get("Authorization") == "Bearer "+token {
			w.Write([]byte(goodBody))
			return
		}
		http.Error(w, "who are you", http.StatusUnauthorized)
	})
	missing := filepath.Join(t.TempDir(), "nope")
	cases := []struct {
		name    string
		params  map[string]string
		wantErr string
	}{
		{"basic", map[string]string{"username": "ops", "password_file": secretFile(t, pw)}, ""},
		{"bearer", map[string]string{"bearer_token_file": secretFile(t, token)}, ""},
		{"wrong password", map[string]string{"username": "ops", "password_file": secretFile(t, "guess")},
			"scrape: server returned HTTP status 401 Unauthorized"},
		{"no credentials", nil, "scrape: server returned HTTP status 401 Unauthorized"},
		{"missing token file", map[string]string{"bearer_token_file": missing},
			"read bearer_token_file: open " + missing + ": no such file or directory"},
		{"both kinds", map[string]string{"username": "ops", "bearer_token_file": secretFile(t, token)},
			"target params: bearer_token_file excludes username/password_file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tgt := vmTarget(url)
			tgt.Params = tc.params
			_, err := scrape(t, newTestCollector(t), tgt)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.wantErr)
			assert.NotContains(t, err.Error(), pw)
			assert.NotContains(t, err.Error(), token)
		})
	}
}

func TestScrapeBadAddress(t *testing.T) {
	cases := []struct{ addr, wantErr string }{
		{"10.0.0.1:9100", `target address "10.0.0.1:9100" is not an http(s) URL`},
		{"ftp://10.0.0.1/metrics", `target address "ftp://10.0.0.1/metrics" is not an http(s) URL`},
		{"http://ops:hunter2@/metrics", `target address "http://ops:xxxxx@/metrics" is not an http(s) URL`},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			_, err := scrape(t, newTestCollector(t), collectors.Target{Kind: Kind, Name: "x", Address: tc.addr})
			require.EqualError(t, err, tc.wantErr)
		})
	}
}

func TestScrapeEmptyBodyIsValid(t *testing.T) {
	url := fake(t, func(http.ResponseWriter, *http.Request) {})
	rec, err := scrape(t, newTestCollector(t), vmTarget(url))
	require.NoError(t, err, "an empty 200 answer is an empty, valid exposition")
	assert.Empty(t, rec.Series())
}

func TestScrapeRefusedHidesPassword(t *testing.T) {
	addr := silentClosed(t)
	before := scrapeErrors(reasonTransport)
	_, err := scrape(t, newTestCollector(t), vmTarget("http://ops:hunter2@"+addr+"/metrics"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), "connection refused")
	assert.Equal(t, before+1, scrapeErrors(reasonTransport))
}
