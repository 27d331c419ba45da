package feishuapp

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/apptoken"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	liSi   = "ou_7d8a6e6df7621556ce0d21922b676706" // 李四
	wangWu = "ou_2c9b0f5e1a7d4e3f8b6a5c4d3e2f1a0b" // 王五
)

// logBuf is a log sink safe for the server's and the test's goroutines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// start serves f and returns a sender pointed at it and its log.
func start(t *testing.T, f *feishu, edit func(*Config)) (*Sender, *logBuf) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := Config{AppID: testAppID, AppSecret: secret.Secret(testSecret), BaseURL: srv.URL, Timeout: 5 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	logs := &logBuf{}
	s, err := New(cfg, srv.Client(), slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	require.NoError(t, err)
	t.Cleanup(func() { f.assertClean(t, logs.String()) })
	return s, logs
}

func page(sev notice.Severity) notice.Notification {
	return notice.Notification{
		ID: "incident-31-step-1-feishu_app", IncidentID: 31, Step: 1, Severity: sev,
		Title: "【紧急】灵宝市 城关镇 上联链路中断",
		Text:  "区县：灵宝市\n站点：城关镇汇聚机房\n对象：上联链路 GE0/0/1\n开始时间：2026-12-08 03:12:40",
		URL:   "https://swanwatch.example/incidents/31",
		Recipients: []notice.Recipient{
			{Name: "李四", Phone: "13800001111", Feishu: liSi, AckURL: "https://swanwatch.example/ack/tok-lisi"},
			{Name: "赵六", Phone: "13800003333"}, // no Feishu account: skipped
			{Name: "王五", Feishu: wangWu},       // no own link: the incident page
		},
	}
}

func buttonURL(t *testing.T, card map[string]any) string {
	t.Helper()
	els := card["elements"].([]any)
	last := els[len(els)-1].(map[string]any)
	require.Equal(t, "action", last["tag"])
	b := last["actions"].([]any)[0].(map[string]any)
	assert.Equal(t, ButtonText, b["text"].(map[string]any)["content"])
	return b["url"].(string)
}

func TestOneCardPerPersonWithAnOpenID(t *testing.T) {
	f := newFeishu(liSi, wangWu)
	s, _ := start(t, f, nil)
	skips := metrics.GetOrCreateCounter(`swanwatch_channel_skipped_total{channel="feishu_app",reason="no_address"}`)
	before := skips.Get()

	require.NoError(t, s.Send(context.Background(), page(notice.Critical)))

	msgs, fetches, _ := f.snapshot()
	require.Len(t, msgs, 2)
	assert.Equal(t, 1, fetches, "one token serves both messages")
	assert.Equal(t, before+1, skips.Get(), "赵六 has no open_id")
	assert.Equal(t, liSi, msgs[0].OpenID)
	assert.Equal(t, wangWu, msgs[1].OpenID)
	assert.NotEqual(t, msgs[0].UUID, msgs[1].UUID)

	h := msgs[0].Card["header"].(map[string]any)
	assert.Equal(t, "red", h["template"])
	assert.Equal(t, "【紧急】灵宝市 城关镇 上联链路中断", h["title"].(map[string]any)["content"])
	div := msgs[0].Card["elements"].([]any)[0].(map[string]any)["text"].(map[string]any)
	assert.Equal(t, page(notice.Critical).Text, div["content"])
	assert.Equal(t, "https://swanwatch.example/ack/tok-lisi", buttonURL(t, msgs[0].Card), "李四's own link")
	assert.Equal(t, "https://swanwatch.example/incidents/31", buttonURL(t, msgs[1].Card), "no own link: the incident page")
}

func TestHeaderColour(t *testing.T) {
	for sev, want := range map[notice.Severity]string{
		notice.Critical: "red", notice.Major: "orange", notice.Minor: "yellow", notice.Warning: "blue",
	} {
		t.Run(string(sev), func(t *testing.T) {
			f := newFeishu(liSi, wangWu)
			s, _ := start(t, f, nil)
			n := page(sev)
			require.NoError(t, s.Send(context.Background(), n))
			n.ID, n.Resolved = n.ID+"-resolved", true
			require.NoError(t, s.Send(context.Background(), n))
			msgs, _, _ := f.snapshot()
			require.Len(t, msgs, 4)
			assert.Equal(t, want, msgs[0].Card["header"].(map[string]any)["template"])
			assert.Equal(t, "green", msgs[2].Card["header"].(map[string]any)["template"], "resolved")
		})
	}
}

func TestExpiredTokenIsFetchedAgainOnce(t *testing.T) {
	f := newFeishu(liSi, wangWu)
	s, _ := start(t, f, nil)
	n := page(notice.Major)
	require.NoError(t, s.Send(context.Background(), n))
	f.expire() // Feishu now refuses the cached token with 99991663

	n.ID = "incident-31-step-2-feishu_app"
	require.NoError(t, s.Send(context.Background(), n))

	msgs, fetches, attempts := f.snapshot()
	assert.Len(t, msgs, 4)
	assert.Equal(t, 2, fetches, "one fetch at start, one after the refusal")
	assert.Equal(t, 5, attempts, "two, then the refused try, its retry with the new token and 王五's")
}

func TestTokenRefusedTwiceIsRetriedLater(t *testing.T) {
	f := newFeishu(liSi, wangWu)
	f.refuse = true
	s, _ := start(t, f, nil)
	err := s.Send(context.Background(), page(notice.Major))
	require.Error(t, err)
	assert.ErrorIs(t, err, apptoken.ErrTokenInvalid)
	assert.False(t, channels.IsPermanent(err), "the outbox tries again later: %v", err)
	assert.Contains(t, err.Error(), "99991663")
	msgs, fetches, attempts := f.snapshot()
	assert.Empty(t, msgs)
	assert.Equal(t, 2, fetches, "fetched once more after the refusal, not in a loop")
	assert.Equal(t, 2, attempts, "王五 is not tried with a token Feishu refuses")
	assert.Contains(t, err.Error(), "1 more not tried")
}

func TestRateLimitedRetryIsDeliveredOnce(t *testing.T) {
	for name, limit := range map[string]func(*feishu){
		"http 429 / 99991400": func(f *feishu) { f.limited[wangWu] = 1 },
		"http 400 / 230020":   func(f *feishu) { f.freq[wangWu] = 1 },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFeishu(liSi, wangWu)
			limit(f) // 李四 gets through, 王五 is rate-limited
			s, _ := start(t, f, nil)
			n := page(notice.Critical)
			err := s.Send(context.Background(), n)
			require.Error(t, err)
			assert.False(t, channels.IsPermanent(err), "a rate limit is retried: %v", err)
			assert.Contains(t, err.Error(), "sent to 1 of 2")
			assert.Contains(t, err.Error(), "王五")

			// The outbox retries the same notification: 李四's uuid is known.
			require.NoError(t, s.Send(context.Background(), n))
			msgs, _, attempts := f.snapshot()
			require.Len(t, msgs, 2, "李四 once, 王五 once")
			assert.Equal(t, liSi, msgs[0].OpenID)
			assert.Equal(t, wangWu, msgs[1].OpenID)
			assert.Equal(t, 4, attempts, "李四's retry reached Feishu and was deduplicated there")
		})
	}
}

func TestPermanentRefusals(t *testing.T) {
	t.Run("nobody has an open_id", func(t *testing.T) {
		f := newFeishu(liSi)
		s, _ := start(t, f, nil)
		n := page(notice.Critical)
		n.Recipients = []notice.Recipient{{Name: "赵六", Phone: "13800003333"}}
		err := s.Send(context.Background(), n)
		require.Error(t, err)
		assert.True(t, channels.IsPermanent(err))
		assert.Contains(t, err.Error(), "Feishu open_id")
		_, fetches, _ := f.snapshot()
		assert.Zero(t, fetches, "no token fetched for nobody")
	})
	t.Run("everyone outside the app's availability", func(t *testing.T) {
		f := newFeishu() // 230013 for both
		s, _ := start(t, f, nil)
		err := s.Send(context.Background(), page(notice.Critical))
		require.Error(t, err)
		assert.True(t, channels.IsPermanent(err), "%v", err)
		assert.Contains(t, err.Error(), "230013")
		assert.Contains(t, err.Error(), "sent to 0 of 2")
	})
	t.Run("one outside, the other reached", func(t *testing.T) {
		f := newFeishu(wangWu)
		s, _ := start(t, f, nil)
		err := s.Send(context.Background(), page(notice.Critical))
		require.Error(t, err)
		assert.True(t, channels.IsPermanent(err), "retrying cannot reach 李四: %v", err)
		assert.Contains(t, err.Error(), "李四")
		msgs, _, _ := f.snapshot()
		require.Len(t, msgs, 1)
		assert.Equal(t, wangWu, msgs[0].OpenID)
	})
	t.Run("wrong app secret", func(t *testing.T) {
		f := newFeishu(liSi)
		f.leaky = true
		const wrong = "Wrong-secret-7c1d"
		s, logs := start(t, f, func(c *Config) { c.AppSecret = wrong })
		err := s.Send(context.Background(), page(notice.Critical))
		require.Error(t, err)
		assert.True(t, channels.IsPermanent(err))
		assert.Contains(t, err.Error(), "10014")
		assert.NotContains(t, err.Error(), wrong)
		assert.NotContains(t, logs.String(), wrong)
	})
}

func TestSecretsAndTokensStayOutOfErrorsAndLogs(t *testing.T) {
	f := newFeishu(liSi, wangWu)
	f.leaky = true // echoes the token it refuses
	s, logs := start(t, f, nil)
	require.NoError(t, s.Send(context.Background(), page(notice.Major)))
	f.refuse = true
	err := s.Send(context.Background(), page(notice.Minor))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "token=<secret>", "the echoed token is scrubbed")
	assert.Contains(t, logs.String(), "feishu_app send failed")
	f.assertClean(t, err.Error(), logs.String())
}

func TestDeadlineAndTimeout(t *testing.T) {
	f := newFeishu(liSi)
	release := make(chan struct{})
	f.hang = release
	defer close(release)

	s, _ := start(t, f, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, page(notice.Critical))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channels.IsPermanent(err))

	s, _ = start(t, f, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	began := time.Now()
	err = s.Send(context.Background(), page(notice.Critical))
	require.ErrorIs(t, err, context.DeadlineExceeded, "config timeout bounds a request")
	assert.Less(t, time.Since(began), 3*time.Second)
}

func TestNewValidates(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no app_id":    {AppSecret: testSecret},
		"no secret":    {AppID: testAppID},
		"not http":     {AppID: testAppID, AppSecret: testSecret, BaseURL: "ftp://open.feishu.cn"},
		"query in url": {AppID: testAppID, AppSecret: testSecret, BaseURL: "https://open.feishu.cn/?k=" + testSecret},
		"user info":    {AppID: testAppID, AppSecret: testSecret, BaseURL: "https://u:" + testSecret + "@open.feishu.cn"},
		"relative url": {AppID: testAppID, AppSecret: testSecret, BaseURL: "open.feishu.cn"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(cfg, nil, nil)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
	s, err := New(Config{AppID: testAppID, AppSecret: testSecret}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, s.base)
	assert.Equal(t, DefaultTimeout, s.timeout)
}

func TestIdempotencyKey(t *testing.T) {
	k := idempotencyKey("incident-31-step-1-feishu_app", liSi)
	assert.LessOrEqual(t, len(k), 50, "Feishu's uuid limit")
	assert.Equal(t, k, idempotencyKey("incident-31-step-1-feishu_app", liSi), "stable across retries")
	assert.NotEqual(t, k, idempotencyKey("incident-31-step-2-feishu_app", liSi), "the next step is a new message")
	assert.NotEqual(t, k, idempotencyKey("incident-31-step-1-feishu_app", wangWu))
}

func TestStatusAndCodeMapping(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		kind      string // swanwatch_channel_errors_total kind
		permanent bool
	}{
		{"gateway down", 503, "upstream unavailable", "http_5xx", false},
		{"a proxy's page with 200", 200, "<html>login</html>", "decode", false},
		{"not found", 404, "404 page not found", "api", true},
		{"bad parameter", 400, `{"code":230001,"msg":"Your request contains an invalid request parameter."}`, "api", true},
		{"card too long", 400, `{"code":230025,"msg":"The length of the message content reaches its limit."}`, "api", true},
		{"rate limit with 200", 200, `{"code":99991400,"msg":"request trigger frequency limit"}`, "rate_limit", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFeishu(liSi)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/open-apis/im/v1/messages" {
					w.WriteHeader(tc.status)
					io.WriteString(w, tc.body)
					return
				}
				f.ServeHTTP(w, r)
			}))
			defer srv.Close()
			s, err := New(Config{AppID: testAppID, AppSecret: testSecret, BaseURL: srv.URL}, srv.Client(), nil)
			require.NoError(t, err)
			c := metrics.GetOrCreateCounter(`swanwatch_channel_errors_total{channel="feishu_app",kind="` + tc.kind + `"}`)
			before := c.Get()
			n := page(notice.Critical)
			n.Recipients = n.Recipients[:1]
			err = s.Send(context.Background(), n)
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), "%v", err)
			assert.Equal(t, before+1, c.Get())
			assert.Less(t, len(err.Error()), 512, "a reply is cut, not copied whole")
		})
	}
}
