package feishu

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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Formats follow Feishu's 自定义机器人使用指南, 签名校验
// (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, with its
// Python example mirrored at http://www.createh5.com/post/277.html): body
// {"timestamp":"<seconds>","sign":"…","msg_type":"post","content":{"post":{"zh_cn":…}}},
// sign = base64(HMAC-SHA256(key=timestamp+"\n"+secret, message="")); reply
// {"code":0,"msg":"success"}; 19021 = sign match fail.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testToken  = "2d7f-test-hook-token-91ab"
	testSecret = "Ftest-feishu-secret"
	// Computed apart from this code with Python's hmac/base64 (the docs'
	// example) for timestamp 1795846509 (2026-11-28 14:15:09 Asia/Shanghai).
	wantSign = "HERTq1z3AwjdTQTGSspOVB+f2Z9JxO3GEC9PLmAP28o="
)

type robot struct {
	mu     sync.Mutex
	got    []map[string]any
	reply  func(w http.ResponseWriter)
	signed bool
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var m map[string]any
	b, _ := io.ReadAll(req.Body)
	ok := req.Method == http.MethodPost && req.URL.Path == "/open-apis/bot/v2/hook/"+testToken &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") && json.Unmarshal(b, &m) == nil
	if !ok {
		http.Error(w, `{"code":19001,"msg":"param invalid"}`, http.StatusBadRequest)
		return
	}
	if r.signed && (m["timestamp"] != "1795846509" || m["sign"] != wantSign) {
		io.WriteString(w, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`)
		return
	}
	r.mu.Lock()
	r.got = append(r.got, m)
	r.mu.Unlock()
	if r.reply != nil {
		r.reply(w)
		return
	}
	io.WriteString(w, `{"code":0,"data":{},"msg":"success"}`)
}

func start(t *testing.T, r *robot, sec string) *Sender {
	t.Helper()
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	s, err := New(Config{URL: secret.Secret(srv.URL + "/open-apis/bot/v2/hook/" + testToken), Secret: secret.Secret(sec)}, srv.Client(), nil)
	require.NoError(t, err)
	s.now = func() time.Time { return time.Unix(1795846509, 0) }
	return s
}

func sample() notice.Notification {
	return notice.Notification{
		ID: "9-1-feishu", IncidentID: 9, Step: 1, Severity: notice.Minor,
		Title:    "【次要】陕州区 服务器 CPU 过高",
		Text:     "区县：陕州区\n开始时间：2026-11-28 14:15:09\n持续：12分30秒",
		URL:      "https://swanwatch.example/incidents/9",
		AckURL:   "https://swanwatch.example/incidents/9/ack",
		Mentions: []string{"ou_7d8a6e6df7621556ce0d21922b676706ccs", "13800001111"},
	}
}

func TestSignedPost(t *testing.T) {
	r := &robot{signed: true}
	require.NoError(t, start(t, r, testSecret).Send(context.Background(), sample()))
	require.Len(t, r.got, 1)
	m := r.got[0]
	assert.Equal(t, "post", m["msg_type"])
	zh := m["content"].(map[string]any)["post"].(map[string]any)["zh_cn"].(map[string]any)
	assert.Equal(t, "【次要】陕州区 服务器 CPU 过高", zh["title"])
	raw, err := json.Marshal(zh["content"])
	require.NoError(t, err)
	body := string(raw)
	assert.Contains(t, body, `"text":"区县：陕州区\n开始时间：2026-11-28 14:15:09\n持续：12分30秒"`)
	assert.Contains(t, body, `{"href":"https://swanwatch.example/incidents/9/ack","tag":"a","text":"确认"}`)
	assert.Contains(t, body, `{"tag":"at","user_id":"ou_7d8a6e6df7621556ce0d21922b676706ccs"}`)
	assert.Contains(t, body, "值班电话：13800001111")
}

func TestSignMatchesDocsAlgorithm(t *testing.T) {
	assert.Equal(t, wantSign, Sign(testSecret, "1795846509"))
}

func TestUnsignedOmitsSignature(t *testing.T) {
	r := &robot{}
	require.NoError(t, start(t, r, "").Send(context.Background(), sample()))
	require.Len(t, r.got, 1)
	assert.NotContains(t, r.got[0], "sign")
	assert.NotContains(t, r.got[0], "timestamp")
}

func TestWrongSecretIsPermanent(t *testing.T) {
	err := start(t, &robot{signed: true}, "wrong-secret").Send(context.Background(), sample())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "19021")
	assert.NotContains(t, err.Error(), "wrong-secret")
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"rate limit 9499", 200, `{"code":9499,"msg":"too many request"}`, false},
		{"frequency 11232", 200, `{"code":11232,"msg":"frequency limited psm"}`, false},
		{"bad hook", 200, `{"code":19001,"msg":"param invalid: incoming webhook access token invalid ` + testToken + `"}`, true},
		{"old form ok is not an error", 200, `{"StatusCode":0,"StatusMessage":"success"}`, false},
		{"http 503", 503, ``, false},
		{"http 400", 400, `{"code":9499,"msg":"Bad Request"}`, true},
		{"no code", 200, `{}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &robot{reply: func(w http.ResponseWriter) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}}
			err := start(t, r, testSecret).Send(context.Background(), sample())
			if tc.name == "old form ok is not an error" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), err)
			assert.NotContains(t, err.Error(), testToken)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestHangingRobotHonoursDeadline(t *testing.T) {
	release := make(chan struct{})
	s := start(t, &robot{reply: func(http.ResponseWriter) { <-release }}, testSecret)
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, sample())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), testToken)
	assert.Contains(t, err.Error(), "/open-apis/bot/v2/hook/<secret>")
}

func TestNewValidates(t *testing.T) {
	for name, u := range map[string]string{
		"empty":    "",
		"no token": "https://open.feishu.cn/open-apis/bot/v2/hook/",
		"not hook": "https://open.feishu.cn/open-apis/bot/v2/" + testToken,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(Config{URL: secret.Secret(u)}, nil, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{`{"code":0,"msg":"success"}`, `{"StatusCode":19021}`, `{}`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseReply(b)
		if err != nil {
			assert.Equal(t, Reply{}, r)
		}
	})
}
