package dingtalk

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

// Formats follow DingTalk's 自定义机器人 docs: 安全设置 加签
// (https://open.dingtalk.com/document/robots/customize-robot-security-settings,
// mirrored at https://apifox.com/apidoc/docs-site/467052/doc-3550006):
// sign = urlEncode(base64(HmacSHA256(secret, timestamp+"\n"+secret))),
// timestamp in ms, both appended to the URL; body msgtype markdown {title,text},
// at.atMobiles; reply {"errcode":0,"errmsg":"ok"}.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testToken  = "b7f4c1d2e3a4testtoken"
	testSecret = "SECthis-is-a-test-secret"
	// Computed apart from this code, with Python's hmac/base64/urllib.parse.quote_plus
	// for timestamp 1795846509000 (2026-11-28 14:15:09 Asia/Shanghai) and testSecret.
	wantSign = "mW%2FFb8eHBLIbXoY3yUpJf0qOTb1DzVtzsKpYX2%2BZ4Ow%3D"
)

var pinned = time.UnixMilli(1795846509000)

type robot struct {
	mu     sync.Mutex
	got    []map[string]any
	query  []string
	reply  func(w http.ResponseWriter)
	signed bool
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	ok := req.Method == http.MethodPost && req.URL.Path == "/robot/send" && q.Get("access_token") == testToken &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/json")
	var m map[string]any
	b, _ := io.ReadAll(req.Body)
	if !ok || json.Unmarshal(b, &m) != nil {
		http.Error(w, "bad request shape", http.StatusBadRequest)
		return
	}
	if r.signed && (q.Get("timestamp") != "1795846509000" || !strings.Contains(req.URL.RawQuery, "sign="+wantSign)) {
		io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
		return
	}
	r.mu.Lock()
	r.got, r.query = append(r.got, m), append(r.query, req.URL.RawQuery)
	r.mu.Unlock()
	if r.reply != nil {
		r.reply(w)
		return
	}
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func start(t *testing.T, r *robot, sec string) *Sender {
	t.Helper()
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	s, err := New(Config{URL: secret.Secret(srv.URL + "/robot/send?access_token=" + testToken), Secret: secret.Secret(sec)}, srv.Client(), nil)
	require.NoError(t, err)
	s.now = func() time.Time { return pinned }
	return s
}

func sample() notice.Notification {
	return notice.Notification{
		ID: "7-0-dingtalk", IncidentID: 7, Severity: notice.Critical,
		Title:    "【紧急】湖滨区 视频平台不可用",
		Text:     "区县：湖滨区\n开始时间：2026-11-28 14:15:09",
		URL:      "https://swanwatch.example/incidents/7",
		AckURL:   "https://swanwatch.example/incidents/7/ack",
		Mentions: []string{"13800001111", "manager01"},
	}
}

func TestSignedMarkdown(t *testing.T) {
	r := &robot{signed: true}
	require.NoError(t, start(t, r, testSecret).Send(context.Background(), sample()))
	require.Len(t, r.got, 1)
	m := r.got[0]
	assert.Equal(t, "markdown", m["msgtype"])
	md := m["markdown"].(map[string]any)
	assert.Equal(t, "【紧急】湖滨区 视频平台不可用", md["title"])
	text := md["text"].(string)
	assert.Contains(t, text, "开始时间：2026-11-28 14:15:09")
	assert.Contains(t, text, "@13800001111")
	assert.Contains(t, text, "[确认](https://swanwatch.example/incidents/7/ack)")
	a := m["at"].(map[string]any)
	assert.Equal(t, []any{"13800001111"}, a["atMobiles"])
	assert.Equal(t, []any{"manager01"}, a["atUserIds"])
	assert.Equal(t, false, a["isAtAll"])
}

func TestSignMatchesDocsExample(t *testing.T) {
	// The docs' sign before urlEncode; the test vector above after it.
	assert.Equal(t, "mW/Fb8eHBLIbXoY3yUpJf0qOTb1DzVtzsKpYX2+Z4Ow=", Sign(testSecret, "1795846509000"))
}

func TestUnsignedHasNoSignature(t *testing.T) {
	r := &robot{}
	require.NoError(t, start(t, r, "").Send(context.Background(), sample()))
	require.Len(t, r.query, 1)
	assert.NotContains(t, r.query[0], "sign=")
	assert.NotContains(t, r.query[0], "timestamp=")
}

func TestWrongSecretIsPermanent(t *testing.T) {
	r := &robot{signed: true}
	err := start(t, r, "SECwrong").Send(context.Background(), sample())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "310000")
	assert.NotContains(t, err.Error(), "SECwrong")
	assert.NotContains(t, err.Error(), testToken)
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"rate limit", 200, `{"errcode":130101,"errmsg":"send too fast"}`, false},
		{"token missing", 200, `{"errcode":300001,"errmsg":"token is not exist ` + testToken + `"}`, true},
		{"keyword", 200, `{"errcode":310000,"errmsg":"keywords not in content"}`, true},
		{"http 502", 502, `bad gateway`, false},
		{"http 429", 429, ``, false},
		{"http 400", 400, `bad`, true},
		{"not json", 200, `<html/>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &robot{reply: func(w http.ResponseWriter) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}}
			err := start(t, r, testSecret).Send(context.Background(), sample())
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
	assert.NotContains(t, err.Error(), wantSign)
}

func TestNewValidates(t *testing.T) {
	for name, u := range map[string]string{
		"empty":    "",
		"no token": "https://oapi.dingtalk.com/robot/send",
		"relative": "/robot/send?access_token=" + testToken,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(Config{URL: secret.Secret(u)}, nil, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
}
