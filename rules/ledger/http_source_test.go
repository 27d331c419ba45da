package ledger

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const token = "tok-ledger-s3cret"

// exportServer serves body to requests with the bearer token, 401 to others.
func exportServer(t *testing.T, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func tokenFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ledger.token")
	require.NoError(t, os.WriteFile(p, []byte(token+"\n"), 0o600))
	return p
}

func TestHTTPSource(t *testing.T) {
	srv := exportServer(t, `{"generated": "2026-11-15", "entries": [
		{"vm": "vm-a", "spec": "8C16G", "system": "不动产登记系统", "dept": "市自然资源局", "term_start": "2026-01-01", "term_end": "2027-12-31", "id": 17},
		{"vm": 42, "spec": "2C4G"},
		{"vm": "vm-b", "spec": ["4C8G"]},
		"vm-c",
		{"vm": "vm-d", "term_end": "2026-11-30T23:59:59+08:00"},
		{"vm": "vm-e", "term_end": 46371},
		null,
		{"vm": "vm-a", "spec": "2C4G"}
	]}`)
	src := &HTTPSource{URL: srv.URL + "/export", BearerTokenFile: tokenFile(t)}
	b, err := src.Read(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Entries, 2)
	assert.Equal(t, "vm-a", b.Entries[0].VM)
	assert.Equal(t, "8C16G", b.Entries[0].Spec)
	assert.Equal(t, "2027-12-31", b.Entries[0].TermEnd)
	assert.Equal(t, src.URL+" 第1条", b.Entries[0].Where)
	assert.Equal(t, "vm-d", b.Entries[1].VM)
	assert.Equal(t, "2026-11-30", b.Entries[1].TermEnd)

	var got []string
	for _, p := range b.Problems {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		src.URL + " 第2条：字段 vm 须为字符串，实际为 number",
		src.URL + " 第3条：字段 spec 须为字符串，实际为 array",
		src.URL + " 第4条：条目须为对象，实际为 string",
		src.URL + " 第6条：字段 term_end 须为字符串，实际为 number",
		src.URL + " 第7条：云服务器名称为空",
		src.URL + " 第8条：云服务器 vm-a 重复（第1条已登记），本条跳过",
	}, got)
}

// Answers that cannot be a ledger fail the whole read with a reason, and
// never echo the token.
func TestHTTPSourceRefuses(t *testing.T) {
	huge := `{"entries": [` + strings.Repeat(`{"vm": "vm-x"},`, 100_000) + `{"vm": "vm-y"}]}`
	for name, tc := range map[string]struct {
		body, reason string
		max          int64
	}{
		"huge":          {huge, "应答超过 65536 字节上限", 64 << 10},
		"not json":      {"<html>维护中</html>", "不是有效的 JSON 导出（第 1 字节处语法错误）", 0},
		"truncated":     {`{"entries": [{"vm": "a"}`, "不是有效的 JSON 导出", 0},
		"array":         {`[{"vm": "a"}]`, "不是有效的 JSON 导出（须为 JSON 对象，实际为 array）", 0},
		"no entries":    {`{"targets": []}`, `导出中没有 "entries" 列表`, 0},
		"entries null":  {`{"entries": null}`, `导出中没有 "entries" 列表`, 0},
		"entries table": {`{"entries": {"vm": "a"}}`, `"entries" 须为列表，实际为 object`, 0},
	} {
		srv := exportServer(t, tc.body)
		_, err := (&HTTPSource{URL: srv.URL, BearerTokenFile: tokenFile(t), MaxBytes: tc.max}).Read(context.Background())
		assert.ErrorContains(t, err, tc.reason, name)
		assert.NotContains(t, err.Error(), token, name)
	}

	srv := exportServer(t, `{"entries": []}`)
	_, err := (&HTTPSource{URL: srv.URL}).Read(context.Background())
	assert.ErrorContains(t, err, "返回 401 Unauthorized", "no token file: no token")
	_, err = (&HTTPSource{URL: srv.URL, BearerTokenFile: filepath.Join(t.TempDir(), "none")}).Read(context.Background())
	assert.ErrorContains(t, err, "读取令牌文件失败")

	_, err = (&HTTPSource{URL: "http://user:pw@127.0.0.1:1/export"}).Read(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "pw@")
	assert.Contains(t, err.Error(), "http://user:xxxxx@127.0.0.1:1/export")
}

// A server that sends its headers and then stalls the body, or never
// answers, costs the read its timeout and nothing more.
func TestHTTPSourceSlow(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"no answer": func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"stalled body": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"entries": [`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	} {
		srv := httptest.NewServer(h)
		start := time.Now()
		_, err := (&HTTPSource{URL: srv.URL, Timeout: 200 * time.Millisecond}).Read(context.Background())
		assert.ErrorContains(t, err, "context deadline exceeded", name)
		assert.Less(t, time.Since(start), 10*time.Second, name) // the timeout, not the server, ended it
		srv.Close()
	}
}
