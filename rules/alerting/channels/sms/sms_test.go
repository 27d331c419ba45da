package sms

import (
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// seen is one request the gateway received.
type seen struct {
	Method, Path, Query, ContentType, Auth, Body string
}

// gateway is an httptest SMS gateway that records requests and answers with
// the next canned reply (the last one repeats).
type gateway struct {
	mu      sync.Mutex
	reqs    []seen
	replies []reply
}

type reply struct {
	code int
	body string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.reqs = append(g.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"),
		r.Header.Get("Authorization"), string(b)})
	rep := reply{200, `{"result":{"code":"0"}}`}
	if len(g.replies) > 0 {
		rep = g.replies[0]
		if len(g.replies) > 1 {
			g.replies = g.replies[1:]
		}
	}
	g.mu.Unlock()
	w.WriteHeader(rep.code)
	io.WriteString(w, rep.body)
}

func (g *gateway) requests() []seen {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]seen(nil), g.reqs...)
}

func startGateway(t *testing.T, replies ...reply) (*gateway, string) {
	t.Helper()
	g := &gateway{replies: replies}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv.URL
}

func notification(mentions ...string) notice.Notification {
	return notice.Notification{
		ID: "inc-9/step-0/sms", Severity: notice.Critical,
		Title: "【紧急】湖滨区 核心交换机宕机", Text: "站点：市政务云机房", Mentions: mentions,
	}
}

func newSender(t *testing.T, cfg Config) *Sender {
	t.Helper()
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return s
}

const jsonBody = `{"mobiles":{{json .Phones}},"content":{{json .Text}},"bizId":{{json .ID}}}`

func TestRenderedRequest(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want seen
	}{
		{"json post", Config{Body: jsonBody, Headers: map[string]secret.Secret{"Authorization": "Bearer tok-sms-1"}},
			seen{"POST", "/send", "", "application/json", "Bearer tok-sms-1",
				`{"mobiles":["13800000001","+8613900000002"],"content":"【紧急】湖滨区 核心交换机宕机\n站点：市政务云机房","bizId":"inc-9/step-0/sms"}`}},
		{"form post", Config{ContentType: Form, Body: `mobile={{join .Phones "," | urlquery}}&msg={{urlquery .Text}}`},
			seen{"POST", "/send", "", "application/x-www-form-urlencoded", "",
				"mobile=13800000001%2C%2B8613900000002&msg=%E3%80%90%E7%B4%A7%E6%80%A5%E3%80%91%E6%B9%96%E6%BB%A8%E5%8C%BA+%E6%A0%B8%E5%BF%83%E4%BA%A4%E6%8D%A2%E6%9C%BA%E5%AE%95%E6%9C%BA%0A%E7%AB%99%E7%82%B9%EF%BC%9A%E5%B8%82%E6%94%BF%E5%8A%A1%E4%BA%91%E6%9C%BA%E6%88%BF"}},
		{"form get", Config{Method: "get", ContentType: Form, Body: `to={{join .Phones ","}}&id={{urlquery .ID}}`},
			seen{"GET", "/send", "key=k123&to=13800000001,+8613900000002&id=inc-9%2Fstep-0%2Fsms", "", "", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, url := startGateway(t)
			tc.cfg.URL = url + "/send"
			if tc.cfg.Method == "get" {
				tc.cfg.URL += "?key=k123"
			}
			err := newSender(t, tc.cfg).Send(context.Background(), notification("138-0000-0001", "+8613900000002", "zhangsan"))
			require.NoError(t, err)
			require.Equal(t, []seen{tc.want}, g.requests())
		})
	}
}

func TestBatchesAndResumeAfterPartialFailure(t *testing.T) {
	g, url := startGateway(t, reply{200, "ok"}, reply{503, "busy"}, reply{200, "ok"})
	s := newSender(t, Config{URL: url, Body: `{{join .Phones ","}}`, ContentType: Form, BatchSize: 2})
	n := notification("13800000001", "13800000002", "13800000003", "13800000004", "13800000005", "13800000001")

	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err), "503 must be retryable: %v", err)
	require.NoError(t, s.Send(context.Background(), n))

	var bodies []string
	for _, r := range g.requests() {
		bodies = append(bodies, r.Body)
	}
	assert.Equal(t, []string{"13800000001,13800000002", "13800000003,13800000004",
		"13800000003,13800000004", "13800000005"}, bodies)
	assert.Empty(t, s.done, "a finished notification is forgotten")
}

func TestReplies(t *testing.T) {
	base := Config{Body: jsonBody, SuccessField: "result.code", SuccessValue: "0",
		Headers: map[string]secret.Secret{"X-Api-Key": "key-ABCDEF"}}
	tests := []struct {
		name      string
		rep       reply
		ok        bool
		permanent bool
	}{
		{"accepted", reply{200, `{"result":{"code":"0"}}`}, true, false},
		{"accepted number", reply{200, `{"result":{"code":0}}`}, true, false},
		{"refused by field", reply{200, `{"result":{"code":"1002","msg":"签名错误"}}`}, false, true},
		{"not json", reply{200, `<html>ok</html>`}, false, true},
		{"missing field", reply{200, `{"code":0}`}, false, true},
		{"bad request", reply{400, `bad key key-ABCDEF`}, false, true},
		{"server error", reply{502, `gateway down`}, false, false},
		{"rate limited", reply{429, `slow down`}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, url := startGateway(t, tc.rep)
			cfg := base
			cfg.URL = url
			err := newSender(t, cfg).Send(context.Background(), notification("13800000001"))
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), "%v", err)
			assert.NotContains(t, err.Error(), "key-ABCDEF")
		})
	}
}

func TestSendFailsWithoutGateway(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/send?apikey=zz-secret-zz"
	srv.Close()
	s := newSender(t, Config{URL: url, Body: jsonBody, Timeout: 2 * time.Second})
	err := s.Send(context.Background(), notification("13800000001"))
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), "zz-secret-zz")

	err = s.Send(context.Background(), notification("zhangsan", "12"))
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err), "no phone numbers is permanent")
	assert.NotContains(t, err.Error(), "zhangsan")
}

func TestMessageCap(t *testing.T) {
	long := strings.Repeat("链路中断", 100)
	tests := []struct {
		name, title, text string
		max               int
		want              string
	}{
		{"fits", "标题", "正文", 300, "标题\n正文"},
		{"exact", "标", "正", 3, "标\n正"},
		{"cut", "标题", long, 10, "标题\n链路中断链路…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := message(notice.Notification{Title: tc.title, Text: tc.text}, tc.max)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), tc.max)
		})
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no url", Config{Body: jsonBody}},
		{"bad scheme", Config{URL: "ftp://gw/send?key=top-secret", Body: jsonBody}},
		{"no body", Config{URL: "http://gw/send"}},
		{"bad method", Config{URL: "http://gw/send", Body: jsonBody, Method: "PUT"}},
		{"bad content type", Config{URL: "http://gw/send", Body: jsonBody, ContentType: "xml"}},
		{"get with json", Config{URL: "http://gw/send", Body: jsonBody, Method: "GET"}},
		{"template syntax", Config{URL: "http://gw/send", Body: `{{.Text`}},
		{"unknown field", Config{URL: "http://gw/send", Body: `{{.Phone}}`}},
		{"json not valid", Config{URL: "http://gw/send", Body: `{"content":{{.Text}}}`}},
		{"value without field", Config{URL: "http://gw/send", Body: jsonBody, SuccessValue: "0"}},
		{"negative batch", Config{URL: "http://gw/send", Body: jsonBody, BatchSize: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "top-secret")
		})
	}
}
