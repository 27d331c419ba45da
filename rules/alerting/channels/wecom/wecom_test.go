package wecom

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// The request and reply shapes follow WeCom's 群机器人配置说明
// (https://developer.work.weixin.qq.com/document/path/99110, mirrored at
// https://cnblogs.com/tiandi/p/17768525.html): POST JSON to
// /cgi-bin/webhook/send?key=KEY, msgtype markdown (content ≤ 4096 bytes) or
// text (≤ 2048 bytes, mentioned_mobile_list), reply {"errcode":0,"errmsg":"ok"}.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

type robot struct {
	mu    sync.Mutex
	got   []map[string]any
	reply func(w http.ResponseWriter)
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ok := req.Method == http.MethodPost && req.URL.Path == "/cgi-bin/webhook/send" &&
		req.URL.Query().Get("key") == testKey && strings.HasPrefix(req.Header.Get("Content-Type"), "application/json")
	if !ok {
		http.Error(w, "bad request shape", http.StatusBadRequest)
		return
	}
	var m map[string]any
	b, _ := io.ReadAll(req.Body)
	if json.Unmarshal(b, &m) != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.got = append(r.got, m)
	r.mu.Unlock()
	if r.reply != nil {
		r.reply(w)
		return
	}
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func start(t *testing.T, r *robot) *Sender {
	t.Helper()
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	s, err := New(Config{URL: secret.Secret(srv.URL + "/cgi-bin/webhook/send?key=" + testKey)}, srv.Client(), nil)
	require.NoError(t, err)
	return s
}

func sample() notice.Notification {
	return notice.Notification{
		ID: "7-0-wecom", IncidentID: 7, Severity: notice.Major,
		Title:    "【重要】灵宝市 链路中断",
		Text:     "区县：灵宝市\n站点：函谷关镇\n开始时间：2026-11-27 14:05:09",
		URL:      "https://swanwatch.example/incidents/7",
		AckURL:   "https://swanwatch.example/incidents/7/ack",
		Mentions: []string{"13800001111", "zhangwei"},
	}
}

func TestSendMarkdownAndMentions(t *testing.T) {
	r := &robot{}
	require.NoError(t, start(t, r).Send(context.Background(), sample()))
	require.Len(t, r.got, 2)
	assert.Equal(t, "markdown", r.got[0]["msgtype"])
	content := r.got[0]["markdown"].(map[string]any)["content"].(string)
	assert.Contains(t, content, "【重要】灵宝市 链路中断")
	assert.Contains(t, content, "开始时间：2026-11-27 14:05:09")
	assert.Contains(t, content, "[确认](https://swanwatch.example/incidents/7/ack)")
	assert.Equal(t, "text", r.got[1]["msgtype"])
	txt := r.got[1]["text"].(map[string]any)
	assert.Equal(t, []any{"13800001111"}, txt["mentioned_mobile_list"])
	assert.Equal(t, []any{"zhangwei"}, txt["mentioned_list"])
	assert.Contains(t, txt["content"], "请值班人员处理")
}

func TestSendResolvedWithoutMentions(t *testing.T) {
	r := &robot{}
	n := sample()
	n.Resolved, n.Mentions, n.Title = true, nil, "【已恢复】灵宝市 链路中断"
	require.NoError(t, start(t, r).Send(context.Background(), n))
	require.Len(t, r.got, 1)
	content := r.got[0]["markdown"].(map[string]any)["content"].(string)
	assert.Contains(t, content, `<font color="info">【已恢复】`)
	assert.NotContains(t, content, "[确认]", "a resolved incident needs no acknowledgement")
}

func TestLongTextTruncatedOnRuneBoundary(t *testing.T) {
	r := &robot{}
	n := sample()
	n.Text = strings.Repeat("链路中断", 1000) // 12000 bytes
	require.NoError(t, start(t, r).Send(context.Background(), n))
	content := r.got[0]["markdown"].(map[string]any)["content"].(string)
	assert.LessOrEqual(t, len(content), MaxMarkdownBytes)
	assert.Greater(t, len(content), MaxMarkdownBytes-8)
	assert.True(t, utf8.ValidString(content))
	assert.True(t, strings.HasSuffix(content, "…"))
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"rate limit errcode", 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, false},
		{"invalid key", 200, `{"errcode":93000,"errmsg":"invalid webhook url, key ` + testKey + `"}`, true},
		{"content too long", 200, `{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}`, true},
		{"http 500", 500, `oops`, false},
		{"http 429", 429, ``, false},
		{"http 404", 404, `not found`, true},
		{"not json", 200, `<html>proxy</html>`, false},
		{"no errcode", 200, `{"ok":true}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &robot{reply: func(w http.ResponseWriter) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}}
			err := start(t, r).Send(context.Background(), sample())
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), err)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestHangingRobotHonoursDeadline(t *testing.T) {
	release := make(chan struct{})
	r := &robot{reply: func(http.ResponseWriter) { <-release }}
	s := start(t, r)
	defer close(release) // before srv.Close (cleanup), so the handler returns
	// No bound on the time taken: the robot answers only after Send returns
	// and the client has no timeout of its own, so a Send that ignored the
	// deadline would never return and the test would fail by its timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, sample())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), testKey)
}

func TestNetworkErrorRedactsKey(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	s, err := New(Config{URL: secret.Secret(addr + "/cgi-bin/webhook/send?key=" + testKey)}, nil, nil)
	require.NoError(t, err)
	err = s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), testKey)
	assert.Contains(t, err.Error(), "key=%3Csecret%3E")
}

func TestNewValidates(t *testing.T) {
	for name, u := range map[string]string{
		"empty":     "",
		"no key":    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
		"no scheme": "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + testKey,
		"ftp":       "ftp://qyapi.weixin.qq.com/?key=" + testKey,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(Config{URL: secret.Secret(u)}, nil, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}
