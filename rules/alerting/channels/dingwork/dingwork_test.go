package dingwork

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// logBuf collects the sender's log lines; every test checks that no secret
// or token reached them.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func start(t *testing.T, f *fakeDingTalk, srv *httptest.Server) (*Sender, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(Config{AppKey: f.appKey, AppSecret: secret.Secret(f.appSecret), AgentID: f.agentID, BaseURL: srv.URL}, srv.Client(), log)
	require.NoError(t, err)
	t.Cleanup(func() { assertNoSecrets(t, f, logs.String()) })
	return s, logs
}

func assertNoSecrets(t *testing.T, f *fakeDingTalk, text string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.NotContains(t, text, f.appSecret)
	for _, tok := range f.issued {
		assert.NotContains(t, text, tok)
	}
}

func sample() notice.Notification {
	return notice.Notification{
		ID: "7-2-dingtalk_work", IncidentID: 7, Step: 2, Severity: notice.Major,
		Title: "【重要】灵宝市 链路中断",
		Text:  "区县：灵宝市\n站点：函谷关镇\n开始时间：2026-11-27 14:05:09",
		URL:   "https://swanwatch.example/incidents/7",
		Recipients: []notice.Recipient{
			{Name: "李四", DingTalk: "lisi01", AckURL: "https://swanwatch.example/ack/tok-lisi"},
			{Name: "赵六", Phone: "13800002222"}, // no DingTalk account
			{Name: "王五", DingTalk: "wangwu02", AckURL: "https://swanwatch.example/ack/tok-wangwu"},
		},
	}
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

func TestPagesEachRecipientWithTheirOwnLink(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	noAddr := `swanwatch_channel_skipped_total{channel="dingtalk_work",reason="no_address"}`
	before := counter(noAddr)
	require.NoError(t, s.Send(context.Background(), sample()))
	assert.Equal(t, before+1, counter(noAddr), "赵六 has no DingTalk userid")
	require.Len(t, f.delivered, 2)
	for i, want := range []struct{ user, url string }{{"lisi01", "https://swanwatch.example/ack/tok-lisi"}, {"wangwu02", "https://swanwatch.example/ack/tok-wangwu"}} {
		req := f.delivered[i].Req
		assert.Equal(t, want.user, req.UserIDList, "one person per message")
		c := req.msg.ActionCard
		require.NotNil(t, c)
		assert.Equal(t, want.url, c.SingleURL)
		assert.Equal(t, "查看并处置", c.SingleTitle)
		assert.Equal(t, "【重要】灵宝市 链路中断", c.Title)
		assert.Contains(t, c.Markdown, "**事件 #7 · 第3次升级 · 级别：重要**", "Step 2 is the third page")
		assert.Contains(t, c.Markdown, "\n\n站点：函谷关镇")
	}
	require.NoError(t, s.Send(context.Background(), sample()))
	assert.Equal(t, 1, f.gettokens, "the token is reused, not fetched per message")
	assert.Empty(t, f.violations)
}

// DingTalk drops the same content to the same person within a day: the
// next step, and the recovery, must still reach them.
func TestEveryPageOfAnIncidentDiffers(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = n.Recipients[:1]
	for _, step := range []int{0, 1, 2} {
		n.Step = step
		require.NoError(t, s.Send(context.Background(), n))
	}
	n.Resolved = true
	require.NoError(t, s.Send(context.Background(), n))
	assert.Len(t, f.delivered, 4)
	assert.Zero(t, f.repeats)
	last := f.delivered[3].Req.msg.ActionCard
	assert.Equal(t, "【已恢复】【重要】灵宝市 链路中断", last.Title)
	assert.Contains(t, last.Markdown, "事件 #7 · 已恢复")
	assert.Equal(t, "查看详情", last.SingleTitle)
}

func TestFallsBackToIncidentPageAndMarkdown(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = []notice.Recipient{{Name: "李四", DingTalk: "lisi01"}}
	require.NoError(t, s.Send(context.Background(), n))
	n.URL = ""
	require.NoError(t, s.Send(context.Background(), n))
	require.Len(t, f.delivered, 2)
	assert.Equal(t, "https://swanwatch.example/incidents/7", f.delivered[0].Req.msg.ActionCard.SingleURL)
	assert.Equal(t, "markdown", f.delivered[1].Req.msg.MsgType, "no link at all: the page still goes out")
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = n.Recipients[:1]
	require.NoError(t, s.Send(context.Background(), n))
	f.expireAll()
	n.Step = 3
	require.NoError(t, s.Send(context.Background(), n))
	assert.Equal(t, 2, f.gettokens)
	require.Len(t, f.delivered, 2)
	assert.NotEqual(t, f.delivered[0].Token, f.delivered[1].Token)
}

func TestAuthErrorWithTokenSubCodeRefreshes(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	calls := 0
	f.reply = func(w http.ResponseWriter) {
		calls++
		if calls == 1 {
			io.WriteString(w, `{"errcode":88,"sub_code":"40014","sub_msg":"不合法的access_token","errmsg":"ding talk error[subcode=40014]"}`)
			return
		}
		io.WriteString(w, `{"errcode":0,"task_id":1,"request_id":"r"}`)
	}
	n := sample()
	n.Recipients = n.Recipients[:1]
	require.NoError(t, s.Send(context.Background(), n))
	assert.Equal(t, 2, f.gettokens)
}

func TestRefusedTokenIsNotFetchedInALoop(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	f.rejectAll = true
	n := sample()
	n.Recipients = n.Recipients[:1]
	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	assert.Equal(t, 2, f.gettokens, "one fetch, one refresh, no more")
	assertNoSecrets(t, f, err.Error())
}

func TestWrongSecretIsPermanent(t *testing.T) {
	f, srv := newFake(t)
	s, err := New(Config{AppKey: f.appKey, AppSecret: "not-the-secret-777", AgentID: f.agentID, BaseURL: srv.URL}, srv.Client(), nil)
	require.NoError(t, err)
	err = s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "check app_key and app_secret")
	assert.NotContains(t, err.Error(), "not-the-secret-777")
	assert.Empty(t, f.delivered)
}

func TestFlowControlIsRetriedWithoutPagingTwice(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	f.rateLimit = 1 // 李四's message is throttled, 王五's goes out
	err := s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "90018")
	require.Len(t, f.delivered, 1)
	// The outbox retries the whole notification: 王五's card is the same
	// content, which DingTalk does not deliver twice in a day.
	require.NoError(t, s.Send(context.Background(), sample()))
	require.Len(t, f.delivered, 2)
	assert.Equal(t, 1, f.repeats)
}

func TestInvalidUsers(t *testing.T) {
	f, srv := newFake(t)
	s, logs := start(t, f, srv)
	delete(f.users, "wangwu02")
	c := `swanwatch_channel_errors_total{channel="dingtalk_work",kind="invalid_user"}`
	before := counter(c)
	require.NoError(t, s.Send(context.Background(), sample()), "李四 was reached")
	assert.Equal(t, before+1, counter(c))
	assert.Contains(t, logs.String(), "wangwu02")

	delete(f.users, "lisi01")
	err := s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "李四")
	assert.Contains(t, err.Error(), "王五")
}

func TestNobodyHasAnAddress(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = []notice.Recipient{{Name: "赵六", Phone: "13800002222"}, {Name: "钱七", DingTalk: "qianqi,lisi01"}}
	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "none of the 2 recipients")
	assert.Zero(t, f.gettokens)
}

func TestLongContentKeepsTheLimit(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Title = strings.Repeat("链路中断", 30)
	n.Text = "区县：<灵宝市> & \"站点\"\n" + strings.Repeat("时延超过阈值", 400)
	require.NoError(t, s.Send(context.Background(), n))
	assert.Empty(t, f.violations)
	req := f.delivered[0].Req
	assert.LessOrEqual(t, len(req.Msg), MaxMsgBytes)
	assert.Greater(t, len(req.Msg), MaxMsgBytes-16, "the room is used")
	c := req.msg.ActionCard
	assert.LessOrEqual(t, len(c.Title), MaxTitleBytes)
	assert.True(t, utf8.ValidString(c.Markdown))
	assert.Contains(t, c.Markdown, "事件 #7", "the stage survives the cut: it comes first")
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
		want      string
	}{
		{"no permission", 200, `{"errcode":88,"sub_code":"60011","sub_msg":"没有调用该接口的权限","errmsg":"ding talk error[subcode=60011]"}`, true, "sub_code 60011"},
		{"flow all", 200, `{"errcode":90002,"errmsg":"throttled"}`, false, "90002"},
		{"flow app", 200, `{"errcode":90019,"errmsg":"throttled"}`, false, "90019"},
		{"busy", 200, `{"errcode":-1,"errmsg":"系统繁忙"}`, false, "-1"},
		{"bad param", 200, `{"errcode":40035,"errmsg":"不合法的参数"}`, true, "40035"},
		{"http 502", 502, `bad gateway`, false, "http 502"},
		{"http 429", 429, ``, false, "http 429"},
		{"http 403", 403, `forbidden`, true, "http 403"},
		{"not json", 200, `<html>proxy</html>`, false, "not JSON"},
		{"no errcode", 200, `{"task_id":1}`, false, "no errcode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFake(t)
			s, _ := start(t, f, srv)
			f.reply = func(w http.ResponseWriter) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}
			err := s.Send(context.Background(), sample())
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), err)
			assert.Contains(t, err.Error(), tc.want)
			assertNoSecrets(t, f, err.Error())
		})
	}
}

func TestSecretEchoedByTheAPIIsScrubbed(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	f.reply = func(w http.ResponseWriter) { // runs under the fake's lock
		errcode(w, 40035, "bad request, token "+strings.Join(f.issued, ",")+" secret "+f.appSecret)
	}
	err := s.Send(context.Background(), sample())
	require.Error(t, err)
	assertNoSecrets(t, f, err.Error())
}

func TestHangingAPIHonoursTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release) // before srv.Close, so the handler returns
	s, err := New(Config{AppKey: "k", AppSecret: "sec-hanging-1", AgentID: 1, BaseURL: srv.URL, Timeout: 100 * time.Millisecond}, srv.Client(), nil)
	require.NoError(t, err)
	err = s.Send(context.Background(), sample())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), "sec-hanging-1")
}

func TestNewValidates(t *testing.T) {
	ok := Config{AppKey: "dingkey", AppSecret: "sec-validate-1", AgentID: 2897653405}
	s, err := New(ok, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, s.base.String())
	assert.Equal(t, DefaultTimeout, s.timeout)
	for name, mut := range map[string]func(*Config){
		"no key":      func(c *Config) { c.AppKey = "" },
		"no secret":   func(c *Config) { c.AppSecret = "" },
		"no agent":    func(c *Config) { c.AgentID = 0 },
		"bad base":    func(c *Config) { c.BaseURL = "oapi.dingtalk.com" },
		"neg timeout": func(c *Config) { c.Timeout = -time.Second },
	} {
		t.Run(name, func(t *testing.T) {
			c := ok
			mut(&c)
			_, err := New(c, nil, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "sec-validate-1")
		})
	}
}
