package wecomapp

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

func start(t *testing.T, f *fakeWeCom, srv *httptest.Server) (*Sender, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(Config{CorpID: f.corpID, AgentID: f.agentID, Secret: secret.Secret(f.secret), BaseURL: srv.URL}, srv.Client(), log)
	require.NoError(t, err)
	t.Cleanup(func() { assertNoSecrets(t, f, logs.String()) })
	return s, logs
}

func assertNoSecrets(t *testing.T, f *fakeWeCom, text string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.NotContains(t, text, f.secret)
	for _, tok := range f.issued {
		assert.NotContains(t, text, tok)
	}
}

func sample() notice.Notification {
	return notice.Notification{
		ID: "7-2-wecom_app", IncidentID: 7, Step: 2, Severity: notice.Major,
		Title: "【重要】灵宝市 链路中断",
		Text:  "区县：灵宝市\n站点：函谷关镇\n开始时间：2026-11-27 14:05:09",
		URL:   "https://swanwatch.example/incidents/7",
		Recipients: []notice.Recipient{
			{Name: "李四", WeCom: "lisi", Phone: "13800001111", AckURL: "https://swanwatch.example/ack/tok-lisi"},
			{Name: "赵六", Phone: "13800002222"}, // no WeCom account
			{Name: "王五", WeCom: "wangwu", AckURL: "https://swanwatch.example/ack/tok-wangwu"},
		},
	}
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

func TestPagesEachRecipientWithTheirOwnLink(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	noAddr := `swanwatch_channel_skipped_total{channel="wecom_app",reason="no_address"}`
	before := counter(noAddr)
	require.NoError(t, s.Send(context.Background(), sample()))
	assert.Equal(t, before+1, counter(noAddr), "赵六 has no WeCom userid")
	require.Len(t, f.delivered, 2)
	for i, want := range []struct{ user, url string }{{"lisi", "https://swanwatch.example/ack/tok-lisi"}, {"wangwu", "https://swanwatch.example/ack/tok-wangwu"}} {
		m := f.delivered[i].Msg
		assert.Equal(t, want.user, m.ToUser, "one person per message")
		assert.Equal(t, "textcard", m.MsgType)
		assert.Equal(t, want.url, m.TextCard.URL)
		assert.Equal(t, "【重要】灵宝市 链路中断", m.TextCard.Title)
		assert.Contains(t, m.TextCard.Description, "事件 #7 · 第3次升级 · 级别：重要", "Step 2 is the third page")
		assert.Contains(t, m.TextCard.Description, `<div class="normal">站点：函谷关镇</div>`)
		assert.Equal(t, "查看处置", m.TextCard.BtnTxt)
		assert.Equal(t, 1, m.EnableDuplicateCheck)
	}
	// A second page reuses the token: gettoken is not called per message.
	require.NoError(t, s.Send(context.Background(), sample()))
	assert.Equal(t, 1, f.gettokens)
	assert.Empty(t, f.violations)
}

func TestFallsBackToIncidentPageAndText(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = []notice.Recipient{{Name: "李四", WeCom: "lisi"}}
	require.NoError(t, s.Send(context.Background(), n))
	n.URL = ""
	require.NoError(t, s.Send(context.Background(), n))
	require.Len(t, f.delivered, 2)
	assert.Equal(t, "https://swanwatch.example/incidents/7", f.delivered[0].Msg.TextCard.URL)
	assert.Equal(t, "text", f.delivered[1].Msg.MsgType, "no link at all: the page still goes out")
	assert.Contains(t, f.delivered[1].Msg.Text.Content, "灵宝市 链路中断")
}

func TestResolvedSaysSo(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Resolved = true
	require.NoError(t, s.Send(context.Background(), n))
	c := f.delivered[0].Msg.TextCard
	assert.Equal(t, "【已恢复】【重要】灵宝市 链路中断", c.Title)
	assert.Contains(t, c.Description, "事件 #7 · 已恢复")
	assert.Equal(t, "详情", c.BtnTxt)
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = n.Recipients[:1]
	require.NoError(t, s.Send(context.Background(), n))
	f.expireAll()
	n.Step = 3 // a later page
	require.NoError(t, s.Send(context.Background(), n))
	assert.Equal(t, 2, f.gettokens)
	require.Len(t, f.delivered, 2)
	assert.NotEqual(t, f.delivered[0].Token, f.delivered[1].Token, "the second page went out with the fresh token")
}

func TestRefusedTokenIsNotFetchedInALoop(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	f.rejectAll = true
	n := sample()
	n.Recipients = n.Recipients[:1]
	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err), "a token refused twice may be a platform hiccup: retried later")
	assert.Equal(t, 2, f.gettokens, "one fetch, one refresh, no more")
	assertNoSecrets(t, f, err.Error())
}

func TestWrongSecretIsPermanent(t *testing.T) {
	f, srv := newFake(t)
	s, err := New(Config{CorpID: f.corpID, AgentID: f.agentID, Secret: "not-the-secret-777", BaseURL: srv.URL}, srv.Client(), nil)
	require.NoError(t, err)
	err = s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "secret is wrong")
	assert.NotContains(t, err.Error(), "not-the-secret-777")
	assert.Empty(t, f.delivered)
}

func TestRateLimitIsRetriedWithoutPagingTwice(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	f.rateLimit = 1 // 李四's message is refused, 王五's goes out
	err := s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "45009")
	require.Len(t, f.delivered, 1)
	// The outbox retries the whole notification: 王五's card is the same
	// JSON, so WeCom's duplicate check drops it.
	require.NoError(t, s.Send(context.Background(), sample()))
	require.Len(t, f.delivered, 2)
	assert.Equal(t, 1, f.duplicates)
	assert.ElementsMatch(t, []string{"lisi", "wangwu"}, []string{f.delivered[0].Msg.ToUser, f.delivered[1].Msg.ToUser})
}

func TestInvalidUsers(t *testing.T) {
	f, srv := newFake(t)
	s, logs := start(t, f, srv)
	delete(f.users, "wangwu") // left the company
	c := `swanwatch_channel_errors_total{channel="wecom_app",kind="invalid_user"}`
	before := counter(c)
	require.NoError(t, s.Send(context.Background(), sample()), "李四 was reached")
	assert.Equal(t, before+1, counter(c))
	assert.Contains(t, logs.String(), "wangwu")

	delete(f.users, "lisi")
	err := s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err), "nobody can be reached")
	assert.Contains(t, err.Error(), "李四")
	assert.Contains(t, err.Error(), "王五")
}

func TestNobodyHasAnAddress(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Recipients = []notice.Recipient{{Name: "赵六", Phone: "13800002222"}, {Name: "钱七", WeCom: "qianqi|@all"}}
	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "none of the 2 recipients")
	assert.Zero(t, f.gettokens, "nothing was asked of WeCom")
}

func TestLongContentKeepsTheLimits(t *testing.T) {
	f, srv := newFake(t)
	s, _ := start(t, f, srv)
	n := sample()
	n.Title = strings.Repeat("链路中断", 30)                                  // 360 bytes
	n.Text = "区县：<灵宝市> & 站点\n" + strings.Repeat("时延超过阈值", 400) + "\n最后一行" // a huge line
	require.NoError(t, s.Send(context.Background(), n))
	assert.Empty(t, f.violations)
	c := f.delivered[0].Msg.TextCard
	assert.LessOrEqual(t, len(c.Title), MaxTitleBytes)
	assert.LessOrEqual(t, len(c.Description), MaxDescriptionBytes)
	assert.Greater(t, len(c.Description), MaxDescriptionBytes-40, "the room is used")
	assert.Equal(t, strings.Count(c.Description, "<div"), strings.Count(c.Description, "</div>"), "markup never cut inside")
	assert.Contains(t, c.Description, "&lt;灵宝市&gt; &amp; 站点")
	assert.True(t, utf8.ValidString(c.Description))
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
		want      string
	}{
		{"ip not allowed", 200, `{"errcode":60020,"errmsg":"not allow to access from your ip"}`, true, "企业可信IP"},
		{"bad agentid", 200, `{"errcode":40056,"errmsg":"invalid agentid"}`, true, "agent_id"},
		{"concurrency", 200, `{"errcode":45033,"errmsg":"api concurrent out of limit"}`, false, "45033"},
		{"busy", 200, `{"errcode":-1,"errmsg":"system busy"}`, false, "-1"},
		{"http 500", 500, `oops`, false, "http 500"},
		{"http 429", 429, ``, false, "http 429"},
		{"http 403", 403, `forbidden`, true, "http 403"},
		{"not json", 200, `<html>proxy</html>`, false, "not JSON"},
		{"no errcode", 200, `{"ok":true}`, false, "no errcode"},
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
		errcode(w, 40058, "bad request, token "+strings.Join(f.issued, ",")+" secret "+f.secret)
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
	s, err := New(Config{CorpID: "ww1", AgentID: 1, Secret: "sec-hanging-1", BaseURL: srv.URL, Timeout: 100 * time.Millisecond}, srv.Client(), nil)
	require.NoError(t, err)
	err = s.Send(context.Background(), sample())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), "sec-hanging-1")
}

func TestNewValidates(t *testing.T) {
	ok := Config{CorpID: "ww1", AgentID: 1000002, Secret: "sec-validate-1"}
	s, err := New(ok, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, s.base.String())
	assert.Equal(t, DefaultTimeout, s.timeout)
	for name, mut := range map[string]func(*Config){
		"no corp":       func(c *Config) { c.CorpID = " " },
		"no agent":      func(c *Config) { c.AgentID = 0 },
		"no secret":     func(c *Config) { c.Secret = "" },
		"bad base":      func(c *Config) { c.BaseURL = "ftp://qyapi" },
		"neg timeout":   func(c *Config) { c.Timeout = -time.Second },
		"relative base": func(c *Config) { c.BaseURL = "/cgi-bin" },
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
